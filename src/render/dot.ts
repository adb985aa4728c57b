/** Graphviz DOT text helpers and SVG from DOT. Pure except `dotToSvg`, which loads the renderer lazily. */

/** A DOT string literal: quotes and backslashes escaped, newlines as \n (centred lines). */
export const dotQuote = (s: string): string => `"${s.replace(/["\\]/gu, (c) => `\\${c}`).replace(/\n/gu, '\\n')}"`;

/** `key=value, ...` attributes with quoted values. */
export const dotAttrs = (a: Record<string, string | undefined>): string =>
  Object.entries(a)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${dotQuote(v!)}`)
    .join(', ');

/**
 * SVG drawn from DOT by Graphviz compiled to WebAssembly (@viz-js/viz): no graphviz binary
 * needed. The module (about 1.5 MB of wasm) is imported only here, when a picture is asked for.
 */
export async function dotToSvg(dot: string): Promise<string> {
  const { instance } = await import('@viz-js/viz');
  const viz = await instance();
  return viz.renderString(dot, { format: 'svg', engine: 'dot' });
}
