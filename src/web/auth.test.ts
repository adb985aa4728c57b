import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cookieName, hostName, judge, newToken, type Gate } from './auth.js';

const gate: Gate = { token: newToken(), port: 8043, loopback: true };
const req = (url: string, headers: Record<string, string> = {}) => ({ url, headers: { get: (n: string) => headers[n.toLowerCase()] ?? null } });
const host = { host: '127.0.0.1:8043' };

test('tokens are random and long enough', () => {
  const seen = new Set(Array.from({ length: 100 }, newToken));
  assert.equal(seen.size, 100);
  for (const t of seen) assert.match(t, /^[A-Za-z0-9_-]{32}$/u);
});

test('no token, a wrong one, or one of another length: 401', () => {
  for (const r of [
    req('http://127.0.0.1:8043/api/labs', host),
    req(`http://127.0.0.1:8043/api/labs?token=${gate.token.slice(1)}`, host),
    req(`http://127.0.0.1:8043/api/labs?token=${gate.token}x`, host),
    req('http://127.0.0.1:8043/api/labs', { ...host, authorization: 'Bearer nope' }),
    req('http://127.0.0.1:8043/api/labs', { ...host, cookie: `${cookieName(9999)}=${gate.token}` }),
  ]) {
    const v = judge(gate, r);
    assert.equal(v.ok ? 200 : v.status, 401, r.url);
  }
});

test('the token by query, bearer header or the port\'s cookie: let through', () => {
  assert.deepEqual(judge(gate, req(`http://x/?token=${gate.token}`, host)), { ok: true, viaQuery: true });
  assert.deepEqual(judge(gate, req('http://x/api/labs', { ...host, authorization: `Bearer ${gate.token}` })), { ok: true, viaQuery: false });
  assert.deepEqual(judge(gate, req('http://x/api/labs', { ...host, cookie: `a=b; ${cookieName(8043)}=${gate.token}` })), { ok: true, viaQuery: false });
});

test('a foreign Origin or, on loopback, a foreign Host: 403 (with the token)', () => {
  const auth = { authorization: `Bearer ${gate.token}` };
  const status = (h: Record<string, string>, g = gate) => {
    const v = judge(g, req('http://x/api/events', { ...auth, ...h }));
    return v.ok ? 200 : v.status;
  };
  assert.equal(status({ ...host, origin: 'http://evil.example' }), 403);
  assert.equal(status({ ...host, origin: 'http://127.0.0.1:8044' }), 403);
  assert.equal(status({ ...host, origin: 'null' }), 403);
  assert.equal(status({ ...host, origin: 'http://127.0.0.1:8043' }), 200);
  assert.equal(status({ host: 'localhost:8043', origin: 'http://localhost:8043' }), 200);
  assert.equal(status({ host: '[::1]:8043' }), 200);
  assert.equal(status({ host: 'evil.example:8043', origin: 'http://evil.example:8043' }), 403, 'DNS rebinding');
  assert.equal(status({ host: 'lab.example:8043', origin: 'http://lab.example:8043' }, { ...gate, loopback: false }), 200);
});

test('hostName drops the port, keeps IPv6 brackets', () => {
  assert.equal(hostName('127.0.0.1:8043'), '127.0.0.1');
  assert.equal(hostName('[::1]:80'), '[::1]');
  assert.equal(hostName('LocalHost'), 'localhost');
});
