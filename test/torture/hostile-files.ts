/**
 * Section 5's inputs: bad topology files, generated from a small valid lab by deliberate damage
 * of one kind each (broken YAML, wrong types, huge numbers, unicode and shell metacharacters in
 * names, path traversal, 10,000-node files with one error near the end, duplicate keys, cyclic
 * anchors and alias bombs, garbage, semantic errors). Every file is bad on purpose: a file the
 * validator accepts is a failure of the suite's checks, never skipped.
 *
 * Names that would do harm if they ever reached a shell or a path carry a canary path (under
 * /tmp); the checker looks for it afterwards.
 */
import { parse, parseDocument, stringify } from 'yaml';
import { int, pick } from './util.js';

export interface BadFile {
  /** Category ('broken', 'types', ... 'big'). */
  category: string;
  /** Category and variant, for reports. */
  kind: string;
  text: string | Buffer;
  /** For the 10,000-node files: the error must be reported at or after this line. */
  errorFromLine?: number;
}

/** The lab every mutation starts from: valid as it is (a test checks that). */
export function baseLab(): Record<string, unknown> {
  return {
    name: 'hx',
    prefix: 'hx-',
    nodes: {
      h1: { interfaces: { eth0: { addresses: ['10.77.0.11/24'] } }, routes: [{ to: 'default', via: '10.77.0.1' }] },
      h2: { interfaces: { eth0: { addresses: ['10.77.0.12/24'], mtu: 1400 } } },
      r1: {
        interfaces: { eth0: { addresses: ['10.77.0.1/24'] }, eth1: { addresses: ['10.78.0.1/30'] } },
        sysctls: { 'net.ipv4.ip_forward': 1 },
        routes: [{ to: '10.79.0.0/24', via: '10.78.0.2', metric: 10 }],
      },
      r2: { interfaces: { eth0: { addresses: ['10.78.0.2/30'] } }, routes: [{ to: 'default', via: '10.78.0.1', table: 100 }] },
    },
    bridges: { brx: { addresses: ['10.77.0.254/24'] } },
    links: [['h1:eth0', 'brx'], ['h2:eth0', 'brx'], ['r1:eth0', 'brx'], { endpoints: ['r1:eth1', 'r2:eth0'], mtu: 1400 }],
    uplinks: [{ type: 'nat', bridge: 'brx' }],
  };
}

type Doc = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** YAML text of `doc`, with RAW placeholders replaced by raw text (numbers JS cannot hold, tags). */
function yamlOf(doc: unknown, raw: Record<string, string> = {}): string {
  let s = stringify(doc, { lineWidth: 0 });
  for (const [k, v] of Object.entries(raw)) s = s.split(k).join(v);
  return s;
}

/** Hostile strings; CANARY is replaced by a path under /tmp the checker watches. */
export const HOSTILE_NAMES = [
  '$(touch CANARY-subst)', '`touch CANARY-tick`', 'h1;touch CANARY-semi', 'h1|touch CANARY-pipe', 'h1 && touch CANARY-and',
  'h1\ntouch CANARY-nl', "h1'\"", 'h1>CANARY-redir', 'h1<x', '-rf', '--help', '*', '?', '~root', '$HOME', '${IFS}x', '%s%s%n',
  'h\u0000x', 'h\u202eevil', 'h\u200bzw', 'ünïcödé', '节点', '🔥', 'h1\u0085', 'a\tb', ' h1', 'h1 ', 'x'.repeat(300), '\u001b[31mred',
] as const;
export const TRAVERSAL = [
  '../../etc', '..', '.', 'a/b', '/etc/passwd', '../../../tmp/CANARY-trav', '..\\..\\windows', '%2e%2e%2f', 'h1/../../x',
  '....//....//etc', '/run/netns/../../tmp/CANARY-abs', './h1',
] as const;

const nodeOf = (d: Doc, n: string): Doc => d.nodes[n] as Doc;

/** Rename node `from` to `to` everywhere the base lab names it. */
function renameNode(d: Doc, from: string, to: string): void {
  const nodes: Doc = {};
  for (const [k, v] of Object.entries(d.nodes as Doc)) nodes[k === from ? to : k] = v;
  d.nodes = nodes;
  d.links = (d.links as unknown[]).map((l) => {
    const fix = (e: string) => (e.startsWith(`${from}:`) ? `${to}${e.slice(from.length)}` : e);
    if (Array.isArray(l)) return l.map(fix);
    const o = l as Doc;
    return { ...o, endpoints: (o.endpoints as string[]).map(fix) };
  });
}

// Each generator makes one bad file from its PRNG.
type Gen = (rand: () => number) => Omit<BadFile, 'category'>;

const brokenYaml: Gen = (rand) => {
  const breakers = ['{', '[', '"unterminated', "'unterminated", '\tbad: tab', ': :', '- [a, b', 'key: {a: 1', '  bad indent: x\n bad: y', '&', '*', '!!', '|\n x\n  y: z\n- oops', '? [', '%YAML 9.9', '@at', '`tick'];
  // Damage at a random place; a damage that happens to be valid YAML (`1@at` is a plain scalar)
  // is tried again, so every file of this kind is a syntax error.
  for (;;) {
    const lines = yamlOf(baseLab()).split('\n');
    const at = 1 + int(rand, lines.length - 1);
    const b = pick(rand, breakers);
    const mode = int(rand, 3);
    if (mode === 0) lines.splice(at, 0, b);
    else if (mode === 1) lines[at] = `${lines[at]}${b}`;
    else lines[at] = `${' '.repeat(int(rand, 4))}${b} ${lines[at]}`;
    const text = lines.join('\n');
    if (parseDocument(text).errors.length > 0) return { kind: `broken YAML (${JSON.stringify(b).slice(0, 12)})`, text };
  }
};

const wrongTypes: Gen = (rand) => {
  const d = baseLab() as Doc;
  const wrong = [42, 'text', true, null, [], [1, 2], { a: 1 }, 1.5];
  const v = () => pick(rand, wrong);
  const edits: Array<[string, () => void]> = [
    ['name', () => { d.name = pick(rand, [42, null, [], { a: 1 }, true]); }],
    ['prefix', () => { d.prefix = pick(rand, [3, [], { a: 1 }, true]); }],
    ['nodes', () => { d.nodes = pick(rand, [[], 'h1', 5, true]); }],
    ['node', () => { d.nodes.h2 = pick(rand, ['x', 5, [], true]); }],
    ['interfaces', () => { nodeOf(d, 'h1').interfaces = pick(rand, [['eth0'], 'eth0', 1]); }],
    ['addresses', () => { nodeOf(d, 'h1').interfaces.eth0.addresses = pick(rand, ['10.77.0.11/24', 5, { a: 1 }, [5], [null], [['10.0.0.1/8']]]); }],
    ['mtu', () => { nodeOf(d, 'h2').interfaces.eth0.mtu = pick(rand, ['big', true, [], '1400', 1400.5]); }],
    ['routes', () => { nodeOf(d, 'h1').routes = pick(rand, [{ to: 'default' }, 'default', [5], [['default']]]); }],
    ['route field', () => { nodeOf(d, 'h1').routes[0].via = v(); }],
    ['sysctls', () => { nodeOf(d, 'r1').sysctls = pick(rand, [['net.ipv4.ip_forward'], 'x', 1]); }],
    ['sysctl value', () => { nodeOf(d, 'r1').sysctls['net.ipv4.ip_forward'] = pick(rand, [[1], { a: 1 }, null]); }],
    ['links', () => { d.links = pick(rand, [{ a: 'b' }, 'h1:eth0', 5]); }],
    ['link', () => { (d.links as unknown[])[int(rand, 4)] = pick(rand, [5, 'h1:eth0', ['h1:eth0'], ['a', 'b', 'c'], { endpoints: 'x' }, [5, 6], null]); }],
    ['bridges', () => { d.bridges = pick(rand, [['brx'], 'brx', 7]); }],
    ['uplinks', () => { d.uplinks = pick(rand, ['nat', { type: 'nat' }, [5], [{ type: 'warp', bridge: 'brx' }], [{ type: 'nat' }]]); }],
    ['exec', () => { nodeOf(d, 'h2').exec = pick(rand, [5, { a: 1 }, [[]], [5], [[5]]]); }],
    ['ipv6', () => { d.ipv6 = pick(rand, ['yes please', 5, []]); }],
    // defineProperty: a plain assignment to __proto__ would set the prototype, not make a key.
    ['unknown key', () => { Object.defineProperty(nodeOf(d, 'h1'), pick(rand, ['interface', 'route', 'addr', 'constructor', '__proto__', 'toString']), { value: v(), enumerable: true, writable: true, configurable: true }); }],
  ];
  const [what, f] = pick(rand, edits);
  f();
  return { kind: `wrong type: ${what}`, text: yamlOf(d) };
};

const hugeNumbers: Gen = (rand) => {
  const d = baseLab() as Doc;
  const N = '__NUM__';
  const raw = pick(rand, ['1e400', '-1e400', '99999999999999999999999', '-1', '0', '4294967296', '18446744073709551617', '9007199254740993', '.inf', '-.inf', '.nan', '0x7fffffffffffffff', '1.5', '-0', '1_000_000', '0o777777777777', '65536', '67']);
  const where = pick(rand, ['mtu', 'metric', 'table', 'link mtu', 'vni', 'port', 'table-route']);
  switch (where) {
    case 'mtu': nodeOf(d, 'h2').interfaces.eth0.mtu = N; break;
    case 'metric': nodeOf(d, 'r1').routes[0].metric = N; break;
    case 'table': case 'table-route': nodeOf(d, 'r2').routes[0].table = N; break;
    case 'link mtu': (d.links as Doc[])[3]!.mtu = N; break;
    case 'vni': (d.links as unknown[]).push({ type: 'vxlan', endpoint: 'brx:vx1', id: N, remote: '192.0.2.2', port: 4789 }); break;
    case 'port': (d.links as unknown[]).push({ type: 'vxlan', endpoint: 'brx:vx1', id: 5, remote: '192.0.2.2', port: N }); break;
  }
  // Some of these values are in range for some fields: then the file gets a bad CIDR too, so it is bad whatever the value.
  const v = parse(raw) as unknown;
  const [lo, hi] = ({ mtu: [68, 65535], 'link mtu': [68, 65535], metric: [0, 4294967295], table: [1, 4294967295], 'table-route': [1, 4294967295], vni: [0, 16777215], port: [0, 65535] } as Record<string, [number, number]>)[where]!;
  const inRange = typeof v === 'number' && Number.isInteger(v) && v >= lo && v <= hi;
  if (inRange) nodeOf(d, 'h1').interfaces.eth0.addresses = ['10.77.0.300/24'];
  return { kind: `huge number ${raw} in ${where}${inRange ? ' (+bad CIDR)' : ''}`, text: yamlOf(d, { [N]: raw, [`'${N}'`]: raw }) };
};

/**
 * Whether `name` would be acceptable at `where` (then it is not a bad file by itself): a prefix
 * of safe characters, a sysctl key of safe components, a host NIC name the kernel allows (that
 * NIC may exist: only `up` can tell). The kernel's rule (dev_valid_name, on the UTF-8 bytes):
 * 1 to 15 bytes, not '.' or '..', and no '/', ':', NUL or byte its isspace() takes (\t \n \v \f
 * \r, space, 0xa0). Other control characters pass: `ip link add $'\e[31mred' type veth peer name
 * p1` makes that link (checked on this project's kernel).
 */
function acceptableAt(where: string, name: string): boolean {
  switch (where) {
    case 'prefix': return /^[A-Za-z0-9_.-]*$/.test(name);
    case 'sysctl key': return /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/.test(name);
    case 'uplink nic': {
      const bytes = Buffer.from(name, 'utf8');
      return bytes.length > 0 && bytes.length <= 15 && name !== '.' && name !== '..' && !bytes.some((b) => [0x00, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x20, 0x2f, 0x3a, 0xa0].includes(b));
    }
    default: return false;
  }
}
const hostileAt = (rand: () => number, where: string, names: readonly string[]): string => pick(rand, names.filter((n) => !acceptableAt(where, n)));

const hostileNames: Gen = (rand) => {
  const d = baseLab() as Doc;
  const where = pick(rand, ['lab', 'prefix', 'node', 'interface', 'bridge', 'endpoint', 'sysctl key', 'route dev', 'uplink nic']);
  const name = hostileAt(rand, where, HOSTILE_NAMES);
  switch (where) {
    case 'lab': d.name = name; break;
    case 'prefix': d.prefix = name; break;
    case 'node': renameNode(d, 'h2', name); break;
    case 'interface': {
      const ifs = nodeOf(d, 'h2').interfaces;
      ifs[name] = ifs.eth0;
      delete ifs.eth0;
      (d.links as unknown[])[1] = [`h2:${name}`, 'brx'];
      break;
    }
    case 'bridge': d.bridges = { [name]: d.bridges.brx }; d.links = (d.links as unknown[]).map((l) => (Array.isArray(l) ? l.map((e: string) => (e === 'brx' ? name : e)) : l)); d.uplinks = [{ type: 'nat', bridge: name }]; break;
    case 'endpoint': (d.links as unknown[])[0] = [`h1:eth0`, name]; break;
    case 'sysctl key': nodeOf(d, 'r1').sysctls[`net.ipv4.${name}`] = 1; break;
    case 'route dev': nodeOf(d, 'h2').routes = [{ to: 'default', dev: name }]; break;
    case 'uplink nic': (d.uplinks as unknown[]).push({ type: 'bridge', bridge: 'brx', interface: name }); break;
  }
  return { kind: `hostile name in ${where}: ${JSON.stringify(name).slice(0, 24)}`, text: yamlOf(d) };
};

const traversal: Gen = (rand) => {
  const d = baseLab() as Doc;
  const where = pick(rand, ['lab', 'prefix', 'node', 'interface', 'bridge', 'sysctl key', 'prefix+node']);
  const name = hostileAt(rand, where, TRAVERSAL);
  switch (where) {
    case 'lab': d.name = name; break;
    case 'prefix': d.prefix = name; break;
    case 'prefix+node': d.prefix = '../'; renameNode(d, 'h1', `..${name === '.' ? '' : '/x'}`); break;
    case 'node': renameNode(d, 'h1', name); break;
    case 'interface': {
      const ifs = nodeOf(d, 'h1').interfaces;
      ifs[name] = ifs.eth0;
      delete ifs.eth0;
      (d.links as unknown[])[0] = [`h1:${name}`, 'brx'];
      break;
    }
    case 'bridge': d.bridges = { [name]: d.bridges.brx }; break;
    case 'sysctl key': nodeOf(d, 'r1').sysctls[pick(rand, ['net/../../kernel/x', 'net.ipv4..x', 'net.ipv4.conf.all/../../../x', `net.${name}`, 'kernel.panic', '../net.ipv4.ip_forward'])] = 1; break;
  }
  return { kind: `path traversal in ${where}: ${JSON.stringify(name)}`, text: yamlOf(d) };
};

/** A 10,000-node lab (hosts on one bridge), with one error in the last few nodes or links. */
export function bigFile(rand: () => number, nodes = 10_000): Omit<BadFile, 'category'> {
  const lines = ['name: big', 'prefix: "b-"', 'bridges:', '  br0: { addresses: [10.64.0.1/10] }', 'nodes:'];
  const errAt = nodes - 1 - int(rand, 10);
  const kind = pick(rand, ['bad CIDR', 'duplicate address', 'mtu out of range', 'bad node name', 'unknown node in link', 'unreachable gateway', 'unknown key']);
  let errorLine = 0;
  const addr = (i: number) => `10.${64 + (i >> 16)}.${(i >> 8) & 255}.${(i & 255) || 1}/10`;
  for (let i = 0; i < nodes; i++) {
    let name = `h${i}`;
    let a = addr(i + 2);
    let extra = '';
    if (i === errAt) {
      errorLine = lines.length + 1;
      if (kind === 'bad CIDR') a = '10.64.0.999/10';
      if (kind === 'duplicate address') a = addr(2);
      if (kind === 'mtu out of range') extra = ', mtu: 70000';
      if (kind === 'bad node name') name = 'h$(reboot)';
      if (kind === 'unreachable gateway') extra = ' }, routes: [{ to: default, via: 192.0.2.1 }], x: { ';
      if (kind === 'unknown key') extra = ', colour: blue';
    }
    if (kind === 'unreachable gateway' && i === errAt) lines.push(`  ${name}: { interfaces: { eth0: { addresses: [${a}] } }, routes: [{ to: default, via: 192.0.2.1 }] }`);
    else lines.push(`  ${name}: { interfaces: { eth0: { addresses: [${a}]${extra} } } }`);
  }
  lines.push('links:');
  const badNames = new Set(kind === 'bad node name' ? [`h${errAt}`] : []);
  for (let i = 0; i < nodes; i++) {
    let n = `h${i}`;
    if (badNames.has(n)) n = 'h$(reboot)';
    if (kind === 'unknown node in link' && i === errAt) {
      errorLine = lines.length + 1;
      n = 'nosuchnode';
    }
    lines.push(`  - ["${n}:eth0", br0]`);
  }
  return { kind: `10,000-node file: ${kind} near the end`, text: `${lines.join('\n')}\n`, errorFromLine: Math.floor(errorLine * 0.9) };
}

const duplicateKeys: Gen = (rand) => {
  const text = yamlOf(baseLab());
  const variants: Array<[string, (s: string) => string]> = [
    ['top-level name', (s) => `${s}name: other\n`],
    ['node', (s) => s.replace('nodes:\n', 'nodes:\n  h2: {}\n')],
    ['interface', (s) => s.replace('      eth0:\n        addresses:\n          - 10.77.0.11/24\n', '      eth0:\n        addresses:\n          - 10.77.0.11/24\n      eth0: {}\n')],
    ['sysctl', (s) => s.replace('net.ipv4.ip_forward: 1', 'net.ipv4.ip_forward: 1\n      net.ipv4.ip_forward: 0')],
    ['bridge', (s) => s.replace('bridges:\n', 'bridges:\n  brx: {}\n')],
    ['quoted duplicate', (s) => s.replace('nodes:\n', 'nodes:\n  "h1": {}\n')],
  ];
  const [what, f] = pick(rand, variants);
  const out = f(text);
  if (out === text) throw new Error(`torture: duplicate-key variant ${what} did not apply to the base lab`);
  return { kind: `duplicate key: ${what}`, text: out };
};

const anchors: Gen = (rand) => {
  const variants: Array<[string, string]> = [
    ['self-referencing sequence', 'name: hx\nnodes: &a\n  h1: [*a]\n'],
    ['self-referencing map', 'name: hx\nnodes: &n\n  h1: *n\n'],
    ['anchor before use in a cycle', 'x: &x { y: *x }\nname: hx\nnodes: { h1: {} }\n'],
    ['merge key cycle', 'name: hx\nnodes:\n  h1: &m\n    <<: *m\n'],
    ['undefined alias', 'name: hx\nnodes:\n  h1: *nope\n'],
    ['billion laughs', ['name: hx', 'a0: &a0 [x, x, x, x, x, x, x, x, x, x]', ...Array.from({ length: 9 }, (_, i) => `a${i + 1}: &a${i + 1} [${Array(10).fill(`*a${i}`).join(', ')}]`), 'nodes: { h1: { exec: *a9 } }'].join('\n')],
    ['alias to a node name key', 'name: hx\nnodes:\n  &k h1 : {}\n  *k : {}\n'],
    ['deep alias chain', ['name: hx', 'a0: &a0 [x]', ...Array.from({ length: 1200 }, (_, i) => `a${i + 1}: &a${i + 1} [*a${i}]`), 'nodes: { h1: {} }'].join('\n')],
  ];
  const [what, text] = pick(rand, variants);
  return { kind: `anchors: ${what}`, text };
};

const garbage: Gen = (rand) => {
  const variants: Array<[string, () => string | Buffer]> = [
    ['top-level sequence', () => '- name: hx\n- nodes: {}\n'],
    ['top-level scalar', () => 'just a string\n'],
    ['empty', () => ''],
    ['only comments', () => '# nothing here\n# at all\n'],
    ['NUL bytes', () => `name: hx\nnodes: {h1: {}}\n\0\0\0`],
    ['invalid UTF-8', () => Buffer.concat([Buffer.from('name: hx\nnodes:\n  h'), Buffer.from([0xc3, 0x28, 0xff, 0xfe]), Buffer.from(': {}\n')])],
    ['UTF-16 with BOM', () => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('name: hx\nnodes: {h1: {}}\n', 'utf16le')])],
    ['a 1 MB name', () => `name: hx\nnodes:\n  ${'h'.repeat(1 << 20)}: {}\n`],
    ['deep nesting', () => `name: hx\nnodes: ${'{a: '.repeat(3000)}1${'}'.repeat(3000)}\n`],
    ['custom tags', () => `name: !!js/function "function(){}"\nnodes: !!binary aGVsbG8=\n`],
    ['several documents', () => 'name: hx\nnodes: {h1: {}}\n---\nname: other\nnodes: {h2: {}}\n'],
    ['random bytes', () => Buffer.from(Array.from({ length: 1 + int(rand, 2000) }, () => int(rand, 256)))],
    ['JSON with trailing garbage', () => `${JSON.stringify(baseLab())} }}`],
    ['JSON with a wrong type', () => JSON.stringify({ ...baseLab(), nodes: 5 })],
    ['lone surrogate escapes', () => 'name: "\\ud800"\nnodes: {h1: {}}\n'],
  ];
  const [what, f] = pick(rand, variants);
  return { kind: `garbage: ${what}`, text: f() };
};

const semantic: Gen = (rand) => {
  const d = baseLab() as Doc;
  const edits: Array<[string, () => void]> = [
    ['unknown node in a link', () => { (d.links as unknown[]).push(['h9:eth0', 'brx']); }],
    ['unknown bridge in a link', () => { (d.links as unknown[])[0] = ['h1:eth0', 'nobr']; }],
    ['interface in two links', () => { (d.links as unknown[]).push(['h1:eth0', 'r2:eth5']); }],
    ['bad CIDR', () => { nodeOf(d, 'h1').interfaces.eth0.addresses = [pick(rand, ['10.77.0.300/24', '10.77.0.11/33', 'fe80::zz/64', '10.77.0.11', 'localhost/8', ''])]; }],
    ['same address twice', () => { nodeOf(d, 'h2').interfaces.eth0.addresses = ['10.77.0.11/24']; }],
    ['unreachable gateway', () => { nodeOf(d, 'h1').routes = [{ to: 'default', via: '192.0.2.1' }]; }],
    ['route dev unknown', () => { nodeOf(d, 'h1').routes = [{ to: '10.0.0.0/8', dev: 'eth9' }]; }],
    ['bridge named like a node', () => { d.bridges = { h1: {} }; }],
    ['NAT uplink on a bridge without IPv4', () => { d.bridges.brx = {}; }],
    ['uplink on an unknown bridge', () => { d.uplinks = [{ type: 'nat', bridge: 'nobr' }]; }],
    ['vxlan id out of range', () => { (d.links as unknown[]).push({ type: 'vxlan', endpoint: 'brx:vx1', id: 16777216, remote: '192.0.2.2', port: 4789 }); }],
    ['interface name too long', () => { const ifs = nodeOf(d, 'h2').interfaces; ifs['x'.repeat(128)] = ifs.eth0; delete ifs.eth0; (d.links as unknown[])[1] = [`h2:${'x'.repeat(128)}`, 'brx']; }],
    ['prefix + node over 255 bytes', () => { d.prefix = 'p'.repeat(254); }],
    ['sysctl outside net.', () => { nodeOf(d, 'r1').sysctls = { 'kernel.core_pattern': '|/tmp/x' }; }],
    ['reserved node name host', () => { renameNode(d, 'h2', 'host'); }],
    ['bad MAC', () => { nodeOf(d, 'h1').interfaces.eth0.mac = pick(rand, ['01:00:00:00:00:01', 'zz:zz:zz:zz:zz:zz', '02:00:00:00:00']); }],
    ['missing name', () => { delete d.name; }],
  ];
  const [what, f] = pick(rand, edits);
  f();
  return { kind: `semantic: ${what}`, text: yamlOf(d) };
};

const GENERATORS: Array<[string, Gen]> = [
  ['broken', brokenYaml], ['types', wrongTypes], ['numbers', hugeNumbers], ['names', hostileNames], ['traversal', traversal],
  ['duplicates', duplicateKeys], ['anchors', anchors], ['garbage', garbage], ['semantic', semantic],
];

/**
 * `count` bad files, round-robin over the categories, plus `big` 10,000-node files. The canary
 * placeholder in names is replaced by `canary`.
 */
export function badFiles(rand: () => number, count: number, big: number, canary: string): BadFile[] {
  const out: BadFile[] = [];
  for (let i = 0; i < count; i++) {
    const [category, g] = GENERATORS[i % GENERATORS.length]!;
    const f: BadFile = { category, ...g(rand) };
    if (typeof f.text === 'string') f.text = f.text.split('CANARY').join(canary);
    out.push(f);
  }
  for (let i = 0; i < big; i++) out.push({ category: 'big', ...bigFile(rand) });
  return out;
}
