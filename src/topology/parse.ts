/**
 * Entry points: a topology file (YAML or JSON) or an object built in code → a validated LabSpec,
 * or every problem found, each with file:line:column when there is a file.
 */
import { readFileSync } from 'node:fs';
import { formatIssue, formatPath, type RawIssue, type TopologyIssue } from './issues.js';
import type { LabSpec } from './model.js';
import { readPlainYaml } from './plainyaml.js';
import { readYaml, type YamlSource } from './source.js';
import { checkTopology } from './validate.js';

export { formatIssue, type TopologyIssue };

export type TopologyResult = { ok: true; lab: LabSpec; warnings: TopologyIssue[] } | { ok: false; issues: TopologyIssue[] };

/** Files larger than this are refused before parsing (a lab of 10,000 nodes is ~1 MiB). */
export const MAX_FILE_BYTES = 64 * 1024 * 1024;

/** Turn collected issues into public ones: located in the file when there is one, sorted by position. */
function finish(list: RawIssue[], src: YamlSource | undefined, file: string | undefined): TopologyIssue[] {
  const out = list.map((r): TopologyIssue => {
    const { at, ...i } = r;
    if (src && i.line === undefined) {
      const p = src.locate(i.path, at);
      if (p) {
        i.line = p.line;
        i.column = p.column;
      }
    }
    if (src && i.related) locateRelated(i, src, file);
    return file !== undefined ? { ...i, file } : i;
  });
  if (src) {
    // Stable sort by position: the file reads top to bottom.
    out.sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0));
  }
  return out;
}

/** Give the issue's other entry its position, and name that position in the message after its path. */
function locateRelated(i: TopologyIssue, src: YamlSource, file: string | undefined): void {
  const p = src.locate(i.related!.path);
  if (!p) return;
  i.related = { ...i.related!, line: p.line, column: p.column };
  const name = formatPath(i.related.path);
  const where = [file, p.line, p.column].filter((x) => x !== undefined && x !== '').join(':');
  i.message = i.message.replace(name, `${name} (${where})`);
}

/**
 * Parse and validate YAML or JSON text. `file` is only used in the issues. A file in the plain
 * subset of YAML is read by the fast reader first; only a file outside it, or one with issues
 * (which need positions in the file), is read by the full YAML reader.
 */
export function parseTopology(text: string, file?: string): TopologyResult {
  const plain = readPlainYaml(text);
  if (plain) {
    const r = checkTopology(plain.value);
    if (r.lab && r.errors.length === 0 && r.warnings.length === 0) return { ok: true, lab: r.lab, warnings: [] };
  }
  const src = readYaml(text);
  if (src.fatal) return { ok: false, issues: finish(src.errors, src, file) };
  if (src.empty) {
    return {
      ok: false,
      issues: finish([{ code: 'EMPTY', message: 'the file is empty: a topology needs at least `name:` and `nodes:`', path: [], line: 1, column: 1 }], src, file),
    };
  }
  const r = checkTopology(src.value);
  const errors = [...src.errors, ...r.errors];
  const warnings = [...src.warnings, ...r.warnings];
  if (errors.length > 0 || !r.lab) return { ok: false, issues: finish(errors, src, file) };
  return { ok: true, lab: r.lab, warnings: finish(warnings, src, file) };
}

/** Validate an object built in code (the same shape as the file). Issues have no positions. */
export function validateTopology(doc: unknown): TopologyResult {
  const r = checkTopology(doc);
  if (r.errors.length > 0 || !r.lab) return { ok: false, issues: finish(r.errors, undefined, undefined) };
  return { ok: true, lab: r.lab, warnings: finish(r.warnings, undefined, undefined) };
}

/** Read and validate a topology file. A file that cannot be read is an issue too. */
export function loadTopologyFile(path: string): TopologyResult {
  let buf: Buffer;
  try {
    buf = readFileSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT' ? 'no such file: check the path'
      : code === 'EISDIR' ? 'it is a directory: give the topology file inside it'
      : code === 'EACCES' || code === 'EPERM' ? 'permission denied: check the file mode'
      : `${code ?? 'error'}: ${(e as Error).message}`;
    return { ok: false, issues: [{ code: 'FILE_UNREADABLE', message: `cannot read topology file: ${why}`, path: [], file: path }] };
  }
  if (buf.length > MAX_FILE_BYTES) {
    return { ok: false, issues: [{ code: 'FILE_TOO_LARGE', message: `the file is ${buf.length} bytes; the limit is ${MAX_FILE_BYTES}`, path: [], file: path }] };
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(buf);
  } catch {
    const loose = buf.toString('utf8');
    const bad = Math.max(0, loose.indexOf('\uFFFD'));
    const before = loose.slice(0, bad);
    const line = before.split('\n').length;
    const column = bad - before.lastIndexOf('\n');
    return { ok: false, issues: [{ code: 'BAD_ENCODING', message: 'the file is not UTF-8 text: save it as UTF-8', path: [], file: path, line, column }] };
  }
  return parseTopology(text, path);
}
