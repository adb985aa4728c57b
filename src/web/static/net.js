// The page's only way to the server: the JSON API and its WebSockets, with the token.
const params = new URLSearchParams(location.search);
export const token = params.get('token') ?? sessionStorage.getItem('nsnet-token') ?? '';
if (params.has('token')) {
  sessionStorage.setItem('nsnet-token', token);
  history.replaceState(null, '', location.pathname + location.hash); // keep the token out of the address bar
}

export async function api(path, init = {}) {
  const r = await fetch(path, { ...init, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...(init.headers ?? {}) } });
  const body = await r.json().catch(() => ({}));
  if (!r.ok) throw Object.assign(new Error(body.error ?? `${r.status} ${r.statusText}`), { status: r.status });
  return body;
}

export function socket(path, query = {}) {
  const u = new URL(path, location.href);
  u.protocol = u.protocol === 'https:' ? 'wss:' : 'ws:';
  u.searchParams.set('token', token);
  for (const [k, v] of Object.entries(query)) u.searchParams.set(k, String(v));
  const ws = new WebSocket(u);
  ws.binaryType = 'arraybuffer';
  return ws;
}

export const enc = encodeURIComponent;
