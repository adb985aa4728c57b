// One test per validation check: a small file that triggers it, and the issue's code, path,
// line and column (computed from the text independently of the YAML library).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatIssue, parseTopology, validateTopology, type TopologyIssue } from './parse.js';
import { formatPath } from './issues.js';

const FILE = 'lab.yaml';

/** Strip the common indentation of a template literal and the first newline. */
function y(strings: TemplateStringsArray, ...values: unknown[]): string {
  const raw = strings.reduce((acc, s, i) => acc + s + (i < values.length ? String(values[i]) : ''), '');
  const lines = raw.replace(/^\n/, '').split('\n');
  const indent = Math.min(...lines.filter((l) => l.trim() !== '').map((l) => /^ */.exec(l)![0].length));
  return lines.map((l) => l.slice(indent)).join('\n');
}

/** 1-based line and column of the nth occurrence of `marker` in `text`. */
function at(text: string, marker: string, nth = 1): { line: number; column: number } {
  let i = -1;
  for (let k = 0; k < nth; k++) {
    i = text.indexOf(marker, i + 1);
    assert.ok(i >= 0, `marker ${JSON.stringify(marker)} #${nth} not in the text`);
  }
  const before = text.slice(0, i);
  return { line: before.split('\n').length, column: i - before.lastIndexOf('\n') };
}

function issuesOf(text: string): TopologyIssue[] {
  const r = parseTopology(text, FILE);
  if (r.ok) assert.fail('expected the file to be rejected');
  for (const i of r.issues) {
    assert.equal(i.file, FILE);
    assert.ok(Number.isInteger(i.line) && i.line! >= 1, `issue without a line: ${formatIssue(i)}`);
    assert.ok(Number.isInteger(i.column) && i.column! >= 1, `issue without a column: ${formatIssue(i)}`);
  }
  return r.issues;
}

/** The file has an issue `code` at `path`, located at `marker` (nth occurrence). */
function expectIssue(text: string, code: string, path: (string | number)[], marker: string, nth = 1): TopologyIssue {
  const list = issuesOf(text);
  const hit = list.find((i) => i.code === code && JSON.stringify(i.path) === JSON.stringify(path));
  assert.ok(hit, `no ${code} at ${formatPath(path)}; got:\n${list.map((i) => `${i.code} ${formatIssue(i)}`).join('\n')}`);
  assert.deepEqual({ line: hit.line, column: hit.column }, at(text, marker, nth), formatIssue(hit));
  return hit;
}

/** Like expectIssue, and it is the only issue. */
function expectOnly(text: string, code: string, path: (string | number)[], marker: string, nth = 1): TopologyIssue {
  const hit = expectIssue(text, code, path, marker, nth);
  const list = issuesOf(text);
  assert.equal(list.length, 1, `expected only ${code}, got:\n${list.map((i) => `${i.code} ${formatIssue(i)}`).join('\n')}`);
  return hit;
}

const ok = (text: string) => {
  const r = parseTopology(text, FILE);
  if (!r.ok) assert.fail(r.issues.map(formatIssue).join('\n'));
  return r;
};

// A correct lab the tests below break in one place each.
const router = y`
  name: router
  nodes:
    h1:
      interfaces:
        eth0: { addresses: [10.0.1.10/24] }
      routes:
        - { to: default, via: 10.0.1.1 }
    r1:
      interfaces:
        eth0: { addresses: [10.0.1.1/24] }
        eth1: { addresses: [10.0.2.1/24] }
      sysctls:
        net.ipv4.ip_forward: 1
    h2:
      interfaces:
        eth0: { addresses: [10.0.2.10/24] }
  links:
    - [h1:eth0, r1:eth0]
    - [h2:eth0, r1:eth1]
`;

test('the base lab is valid', () => {
  const r = ok(router);
  assert.equal(r.lab.nodes.length, 3);
  assert.deepEqual(r.warnings, []);
});

test('formatIssue renders file:line:column: path: message', () => {
  const text = router.replace('[h2:eth0, r1:eth1]', '[h9:eth0, r1:eth1]');
  const i = expectIssue(text, 'UNKNOWN_NODE', ['links', 1, 0], 'h9:eth0');
  assert.equal(formatIssue(i), `lab.yaml:${i.line}:${i.column}: links[1][0]: unknown node 'h9' (nodes are: h1, r1, h2)`);
  assert.equal(formatIssue({ code: 'X', message: 'm', path: [] }), 'm');
  assert.equal(formatIssue({ code: 'X', message: 'm', path: ['nodes', 'a b', 'routes', 0] }), 'nodes["a b"].routes[0]: m');
});

test('YAML syntax error keeps the parser position', () => {
  const text = 'name: t\nnodes:\n  h1: { interfaces: [\n';
  const list = issuesOf(text);
  assert.equal(list[0]!.code, 'YAML_SYNTAX');
  assert.ok(list[0]!.line! >= 3, formatIssue(list[0]!));
  assert.match(list[0]!.message, /^YAML syntax error: /);
});

test('duplicate keys are reported at the second key', () => {
  const text = y`
    name: t
    nodes:
      h1: {}
      h1: {}
  `;
  const list = issuesOf(text);
  const hit = list.find((i) => i.code === 'DUPLICATE_KEY');
  assert.ok(hit);
  assert.deepEqual({ line: hit.line, column: hit.column }, at(text, 'h1', 2));
  assert.match(hit.message, /duplicate key 'h1'/);
});

test('alias bombs stop at the alias limit', () => {
  let text = 'name: t\na0: &a0 [x, x, x, x, x, x, x, x, x, x]\n';
  for (let i = 1; i < 8; i++) text += `a${i}: &a${i} [${Array(10).fill(`*a${i - 1}`).join(', ')}]\n`;
  const list = issuesOf(text);
  assert.equal(list.length, 1);
  assert.equal(list[0]!.code, 'TOO_MANY_ALIASES');
  assert.ok(list[0]!.line! >= 3);
});

test('wrong type', () => {
  const text = router.replace('eth0: { addresses: [10.0.1.10/24] }', 'eth0: { addresses: 10.0.1.10/24 }');
  const i = expectOnly(text, 'WRONG_TYPE', ['nodes', 'h1', 'interfaces', 'eth0', 'addresses'], '10.0.1.10/24 }');
  assert.match(i.message, /expected a list, got the string "10\.0\.1\.10\/24"/);
});

test('unknown key, with a suggestion', () => {
  const text = router.replace('eth0: { addresses: [10.0.1.10/24] }', 'eth0: { adresses: [10.0.1.10/24] }');
  const i = expectOnly(text, 'UNKNOWN_KEY', ['nodes', 'h1', 'interfaces', 'eth0', 'adresses'], 'adresses');
  assert.match(i.message, /did you mean 'addresses'\?/);
  expectOnly(`${router}bogus: 1\n`, 'UNKNOWN_KEY', ['bogus'], 'bogus');
});

test('missing keys: lab name, route destination', () => {
  expectOnly(router.replace('name: router\n', ''), 'MISSING_KEY', ['name'], 'nodes:');
  const text = router.replace('{ to: default, via: 10.0.1.1 }', '{ via: 10.0.1.1 }');
  expectOnly(text, 'MISSING_KEY', ['nodes', 'h1', 'routes', 0, 'to'], '{ via: 10.0.1.1 }');
});

test('invalid names: lab, node, interface, bridge', () => {
  expectOnly(router.replace('name: router', 'name: My_Lab'), 'INVALID_NAME', ['name'], 'My_Lab');
  const node = router.replace('  h2:\n', '  h-2!:\n').replace('[h2:eth0', '[h1x:eth0');
  expectIssue(node, 'INVALID_NAME', ['nodes', 'h-2!'], 'h-2!');
  const iface = router.replace('eth1: { addresses: [10.0.2.1/24] }', '"eth 1": { addresses: [10.0.2.1/24] }');
  expectIssue(iface, 'INVALID_NAME', ['nodes', 'r1', 'interfaces', 'eth 1'], '"eth 1"');
  const bridge = `${router}bridges:\n  "br/0": {}\n`;
  expectOnly(bridge, 'INVALID_NAME', ['bridges', 'br/0'], '"br/0"');
  const endpoint = router.replace('[h2:eth0, r1:eth1]', '[h2:eth0, r1:et%1]');
  expectIssue(endpoint, 'INVALID_NAME', ['links', 1, 1], 'r1:et%1');
});

test('names too long: lab, node, interface', () => {
  expectOnly(router.replace('name: router', `name: ${'a'.repeat(25)}`), 'NAME_TOO_LONG', ['name'], 'a'.repeat(25));
  const long = 'n'.repeat(64);
  expectOnly(router.replace('  h2:\n', `  ${long}: {}\n  h2:\n`), 'NAME_TOO_LONG', ['nodes', long], long);
  const ifname = 'i'.repeat(128);
  const text = router.replace('eth1: { addresses: [10.0.2.1/24] }', `${ifname}: { addresses: [10.0.2.1/24] }`).replace('r1:eth1]', `r1:${ifname}]`);
  const i = expectIssue(text, 'NAME_TOO_LONG', ['nodes', 'r1', 'interfaces', ifname], ifname);
  assert.match(i.message, /128 characters; the limit is 127/);
});

test('"host" is reserved', () => {
  const text = router.replace('  h2:\n', '  host:\n').replace('[h2:eth0, r1:eth1]', '[host:eth0, r1:eth1]');
  expectIssue(text, 'RESERVED_NAME', ['nodes', 'host'], 'host:');
});

test('unknown node in a link lists the nodes', () => {
  const text = router.replace('[h1:eth0, r1:eth0]', '[h1:eth0, r9:eth0]');
  const i = expectIssue(text, 'UNKNOWN_NODE', ['links', 0, 1], 'r9:eth0');
  assert.match(i.message, /unknown node 'r9' \(nodes are: h1, r1, h2\)/);
});

test('unknown bridge in a link and in an uplink', () => {
  const text = y`
    name: t
    nodes:
      h1: {}
    bridges:
      br0: { addresses: [10.1.1.1/24] }
    links:
      - [h1:eth0, br1]
    uplinks:
      - { type: bridge, bridge: br7, interface: eth1 }
  `;
  expectIssue(text, 'UNKNOWN_BRIDGE', ['links', 0, 1], 'br1');
  const i = expectIssue(text, 'UNKNOWN_BRIDGE', ['uplinks', 0, 'bridge'], 'br7');
  assert.match(i.message, /bridges are: br0/);
});

test('an interface used in two links', () => {
  const text = router.replace('[h2:eth0, r1:eth1]', '[h2:eth0, r1:eth0]');
  const i = expectIssue(text, 'INTERFACE_IN_TWO_LINKS', ['links', 1, 1], 'r1:eth0', 2);
  assert.match(i.message, /r1:eth0 is already in links\[0\]/);
});

test('the same interface name twice in one namespace', () => {
  const text = y`
    name: t
    nodes:
      a: {}
      b: {}
    bridges:
      br0: {}
    links:
      - [a:eth0, br0:veth0]
      - [b:eth0, host:veth0]
  `;
  const i = expectOnly(text, 'DUPLICATE_INTERFACE', ['links', 1, 1], 'host:veth0');
  assert.match(i.message, /'veth0' is used twice in the host namespace/);
});

test('a bridge named like a node', () => {
  const text = `${router}bridges:\n  r1: {}\n`;
  expectOnly(text, 'BRIDGE_NODE_CLASH', ['bridges', 'r1'], 'r1: {}');
});

test('bad CIDRs', () => {
  const bad = (addr: string, marker = addr) => {
    const text = router.replace('eth0: { addresses: [10.0.2.10/24] }', `eth0: { addresses: [${addr}] }`);
    return expectIssue(text, 'BAD_CIDR', ['nodes', 'h2', 'interfaces', 'eth0', 'addresses', 0], marker);
  };
  assert.match(bad('10.0.2.300/24').message, /not an IPv4 or IPv6 address/);
  assert.match(bad('10.0.2.10').message, /no prefix length; write it as 10\.0\.2\.10\/24/);
  assert.match(bad('10.0.2.10/33').message, /bad prefix length/);
  assert.match(bad('224.0.0.1/24').message, /multicast/);
  assert.match(bad('"2001:db8::zz/64"').message, /not an IPv4 or IPv6 address/);
});

test('the same address on two interfaces', () => {
  const text = router.replace('eth0: { addresses: [10.0.2.10/24] }', 'eth0: { addresses: [10.0.1.10/24] }');
  const i = expectIssue(text, 'DUPLICATE_ADDRESS', ['nodes', 'h2', 'interfaces', 'eth0', 'addresses', 0], '10.0.1.10/24', 2);
  assert.match(i.message, /already on h1:eth0/);
});

test('route with a bad destination or gateway', () => {
  let text = router.replace('{ to: default, via: 10.0.1.1 }', '{ to: 10.9.0.1/16, via: 10.0.1.1 }');
  const i = expectOnly(text, 'BAD_ROUTE_TO', ['nodes', 'h1', 'routes', 0, 'to'], '10.9.0.1/16');
  assert.match(i.message, /write 10\.9\.0\.0\/16/);
  text = router.replace('{ to: default, via: 10.0.1.1 }', '{ to: nowhere, via: 10.0.1.1 }');
  expectOnly(text, 'BAD_ROUTE_TO', ['nodes', 'h1', 'routes', 0, 'to'], 'nowhere');
  text = router.replace('{ to: default, via: 10.0.1.1 }', '{ to: default, via: 10.0.1.1/24 }');
  expectOnly(text, 'BAD_ROUTE_VIA', ['nodes', 'h1', 'routes', 0, 'via'], '10.0.1.1/24');
  text = router.replace('{ to: default, via: 10.0.1.1 }', '{ to: 10.5.0.0/16, via: "2001:db8::1" }');
  expectIssue(text, 'BAD_ROUTE_VIA', ['nodes', 'h1', 'routes', 0, 'via'], '"2001:db8::1"');
  text = router.replace('{ to: default, via: 10.0.1.1 }', '{ to: default, via: 10.0.1.10 }');
  assert.match(expectOnly(text, 'BAD_ROUTE_VIA', ['nodes', 'h1', 'routes', 0, 'via'], '10.0.1.10 }').message, /address of 'h1' itself/);
  text = router.replace('{ to: default, via: 10.0.1.1 }', '{ to: default }');
  expectOnly(text, 'BAD_ROUTE', ['nodes', 'h1', 'routes', 0], '{ to: default }');
});

test('unreachable gateway', () => {
  const text = router.replace('{ to: default, via: 10.0.1.1 }', '{ to: default, via: 10.0.9.1 }');
  const i = expectOnly(text, 'UNREACHABLE_GATEWAY', ['nodes', 'h1', 'routes', 0, 'via'], '10.0.9.1');
  assert.equal(i.message, "unreachable gateway 10.0.9.1: it is not in any subnet of h1's interfaces");
});

test('route dev that is not an interface of the node', () => {
  const text = router.replace('{ to: default, via: 10.0.1.1 }', '{ to: default, via: 10.0.1.1, dev: eth7 }');
  const i = expectOnly(text, 'UNKNOWN_DEV', ['nodes', 'h1', 'routes', 0, 'dev'], 'eth7');
  assert.match(i.message, /its interfaces are: lo, eth0/);
});

test('mtu out of 68..65535', () => {
  for (const mtu of [40, 70000]) {
    const text = router.replace('eth0: { addresses: [10.0.1.10/24] }', `eth0: { addresses: [10.0.1.10/24], mtu: ${mtu} }`);
    const i = expectOnly(text, 'BAD_MTU', ['nodes', 'h1', 'interfaces', 'eth0', 'mtu'], String(mtu));
    assert.match(i.message, /mtu must be a whole number from 68 to 65535/);
  }
  const text = router.replace('[h2:eth0, r1:eth1]', '{ endpoints: [h2:eth0, r1:eth1], mtu: 65536 }');
  expectOnly(text, 'BAD_MTU', ['links', 1, 'mtu'], '65536');
});

test('vxlan id outside 0..16777215', () => {
  const text = y`
    name: t
    bridges:
      br0: {}
    links:
      - { type: vxlan, endpoint: br0:vx1, id: 16777216, remote: 192.0.2.2 }
  `;
  expectOnly(text, 'BAD_VNI', ['links', 0, 'id'], '16777216');
});

test('sysctl keys: net. only, no / or ..', () => {
  const bad = (key: string, why: RegExp) => {
    const text = router.replace('net.ipv4.ip_forward: 1', `${key}: 1`);
    assert.match(expectOnly(text, 'BAD_SYSCTL', ['nodes', 'r1', 'sysctls', key], key).message, why);
  };
  bad('kernel.hostname', /not namespace-scoped/);
  bad('net.ipv4/ip_forward', /not '\/'/);
  bad('net..ipv4.ip_forward', /'\.\.'/);
  bad('net.ipv4.conf.all.rp_filter;reboot', /not a sysctl key/);
});

test('uplink on an unknown bridge, NAT uplink on a bridge without IPv4', () => {
  const text = y`
    name: t
    nodes:
      h1: {}
    bridges:
      br0: { addresses: ["2001:db8::1/64"] }
    links:
      - [h1:eth0, br0]
    uplinks:
      - { type: nat, bridge: br0 }
      - { type: nat, bridge: brX }
  `;
  const i = expectIssue(text, 'NAT_NO_IPV4', ['uplinks', 0, 'bridge'], 'br0 }');
  assert.match(i.message, /needs an IPv4 address/);
  expectIssue(text, 'UNKNOWN_BRIDGE', ['uplinks', 1, 'bridge'], 'brX');
  assert.equal(issuesOf(text).length, 2);
});

test('namespace names: prefix + node name over 255 bytes, bad prefix', () => {
  const long = 'p'.repeat(254);
  const text = router.replace('name: router\n', `name: router\nprefix: ${long}\n`);
  const i = expectIssue(text, 'BAD_NETNS_NAME', ['nodes', 'h1'], 'h1:\n');
  assert.match(i.message, /256 bytes; the limit is 255/);
  assert.equal(issuesOf(text).filter((x) => x.code === 'BAD_NETNS_NAME').length, 3);
  expectOnly(router.replace('name: router\n', 'name: router\nprefix: "lab/"\n'), 'BAD_NETNS_NAME', ['prefix'], '"lab/"');
  // 252 + 'h1' = 254 bytes is fine
  ok(router.replace('name: router\n', `name: router\nprefix: ${'p'.repeat(253)}\n`));
});

test('listed interface that no link creates', () => {
  const text = router.replace('eth1: { addresses: [10.0.2.1/24] }', 'eth1: { addresses: [10.0.2.1/24] }\n      eth5: {}');
  expectOnly(text, 'NOT_LINKED', ['nodes', 'r1', 'interfaces', 'eth5'], 'eth5');
  // lo is always there
  ok(router.replace('eth1: { addresses: [10.0.2.1/24] }', 'eth1: { addresses: [10.0.2.1/24] }\n      lo: { addresses: [10.255.0.1/32] }'));
});

test('bad endpoints', () => {
  const e = (ep: string) => expectOnly(router.replace('[h2:eth0, r1:eth1]', `[h2:eth0, "${ep}"]`), 'BAD_ENDPOINT', ['links', 1, 1], `"${ep}"`);
  assert.match(e('r1').message, /say which interface of node 'r1'/);
  assert.match(e('r1:eth1:x').message, /not an endpoint/);
  assert.match(e('host').message, /host:veth9/);
  assert.match(e('r1:lo').message, /loopback/);
});

test('IPv6 address on a node with ipv6: false', () => {
  const text = router.replace('eth0: { addresses: [10.0.1.10/24] }', 'eth0: { addresses: [10.0.1.10/24, "2001:db8::10/64"] }\n    ipv6: false');
  const i = expectOnly(text, 'IPV6_DISABLED', ['nodes', 'h1', 'interfaces', 'eth0', 'addresses', 1], '"2001:db8::10/64"');
  assert.match(i.message, /remove ipv6: false/);
});

test('a host NIC cannot be both a bridge uplink and a macvlan parent', () => {
  const text = y`
    name: t
    nodes:
      h1: {}
    bridges:
      br0: {}
    links:
      - { type: macvlan, endpoint: h1:mv0, parent: eth1 }
    uplinks:
      - { type: bridge, bridge: br0, interface: eth1 }
  `;
  expectOnly(text, 'NIC_CONFLICT', ['links', 0, 'parent'], 'eth1 }');
});

test('bad MAC addresses', () => {
  const m = (mac: string) => expectOnly(router.replace('eth0: { addresses: [10.0.1.10/24] }', `eth0: { addresses: [10.0.1.10/24], mac: "${mac}" }`), 'BAD_MAC', ['nodes', 'h1', 'interfaces', 'eth0', 'mac'], `"${mac}"`);
  assert.match(m('01:00:5e:00:00:01').message, /multicast/);
  assert.match(m('02:00:00:00:01').message, /six hex pairs/);
});

test('vxlan combinations and duplicate VNIs', () => {
  const text = y`
    name: t
    bridges:
      br0: {}
    links:
      - { type: vxlan, endpoint: br0:vx1, id: 5, remote: 192.0.2.2, group: 239.1.1.1, dev: eth1 }
      - { type: vxlan, endpoint: br0:vx2, id: 6, group: 192.0.2.9, dev: eth1 }
      - { type: vxlan, endpoint: br0:vx3, id: 7, remote: 192.0.2.2 }
      - { type: vxlan, endpoint: br0:vx4, id: 7, remote: 192.0.2.3 }
  `;
  expectIssue(text, 'BAD_VXLAN', ['links', 0, 'group'], '239.1.1.1');
  expectIssue(text, 'BAD_VXLAN', ['links', 1, 'group'], '192.0.2.9');
  expectIssue(text, 'DUPLICATE_VNI', ['links', 3, 'id'], '7', 2);
});

test('an uplink needs a bridge in the host namespace', () => {
  const text = y`
    name: t
    nodes:
      r1: {}
    bridges:
      br0: { node: r1, addresses: [10.1.1.1/24] }
    uplinks:
      - { type: nat, bridge: br0 }
  `;
  expectOnly(text, 'BAD_UPLINK', ['uplinks', 0, 'bridge'], 'br0 }');
});

test('duplicate routes', () => {
  const text = router.replace('- { to: default, via: 10.0.1.1 }', '- { to: default, via: 10.0.1.1 }\n      - { to: 0.0.0.0/0, via: 10.0.1.1 }');
  expectOnly(text, 'DUPLICATE_ROUTE', ['nodes', 'h1', 'routes', 1], '{ to: 0.0.0.0/0');
});

test('exec commands', () => {
  const text = router.replace('net.ipv4.ip_forward: 1', 'net.ipv4.ip_forward: 1\n    exec: ["  ", [""]]');
  expectIssue(text, 'BAD_EXEC', ['nodes', 'r1', 'exec', 0], '"  "');
  expectIssue(text, 'BAD_EXEC', ['nodes', 'r1', 'exec', 1], '[""]');
});

test('ipv6 sysctl that contradicts the ipv6 flag', () => {
  const text = router.replace('net.ipv4.ip_forward: 1', 'net.ipv6.conf.all.disable_ipv6: 0');
  expectOnly(text, 'IPV6_CONFLICT', ['nodes', 'r1', 'sysctls', 'net.ipv6.conf.all.disable_ipv6'], 'net.ipv6.conf.all.disable_ipv6');
});

test('every problem at once, in file order', () => {
  const text = y`
    name: Bad Name
    nodes:
      h1:
        interfaces:
          eth0: { addresses: [10.0.1.10/33], mtu: 9 }
        sysctls:
          kernel.pid_max: 1
      h2:
        interfaces:
          eth0: { addresses: [10.0.2.10/24] }
        routes:
          - { to: default, via: 10.0.7.1 }
      h1x:
        ipv6: maybe
    links:
      - [h1:eth0, h9:eth0]
      - [h2:eth0, h1x:eth0]
  `;
  const codes = issuesOf(text).map((i) => i.code);
  assert.deepEqual(codes, ['INVALID_NAME', 'BAD_CIDR', 'BAD_MTU', 'BAD_SYSCTL', 'UNREACHABLE_GATEWAY', 'WRONG_TYPE', 'UNKNOWN_NODE']);
});

test('warnings do not fail the file', () => {
  const text = router.replace('eth1: { addresses: [10.0.2.1/24] }', 'eth1: { addresses: [10.0.1.2/24] }').replace('10.0.2.10/24', '10.0.3.10/24');
  const r = ok(text);
  const w = r.warnings.find((x) => x.code === 'SUBNET_OVERLAP');
  assert.ok(w, JSON.stringify(r.warnings));
  assert.deepEqual(w.path, ['nodes', 'r1', 'interfaces', 'eth1', 'addresses', 0]);
  assert.deepEqual({ line: w.line, column: w.column }, at(text, '10.0.1.2/24'));
});

test('validateTopology: objects built in code, issues without positions', () => {
  const r = validateTopology({ name: 't', nodes: { h1: {}, r1: {} }, links: [['h1:eth0', 'r2:eth0']] });
  assert.equal(r.ok, false);
  if (r.ok) return;
  assert.equal(r.issues.length, 1);
  assert.deepEqual(r.issues[0], { code: 'UNKNOWN_NODE', message: "unknown node 'r2' (nodes are: h1, r1)", path: ['links', 0, 1] });
  const good = validateTopology({ name: 't', nodes: { h1: null, r1: { interfaces: { eth0: { addresses: ['10.0.0.1/24'] } } } }, links: [['h1:eth0', 'r1:eth0']] });
  assert.ok(good.ok);
  if (good.ok) assert.deepEqual(good.lab.nodes.map((n) => n.interfaces.map((i) => i.name)), [['eth0'], ['eth0']]);
  for (const bad of [undefined, null, 5, 'x', [1]]) {
    const v = validateTopology(bad);
    assert.equal(v.ok, false);
  }
});

test('duplicate routes: one identity with the planner (IPv6 no metric = 1024, canonical destinations), both entries named', () => {
  const text = y`
    name: t
    nodes:
      h1:
        interfaces:
          eth0: { addresses: [fd00:9::10/64] }
        routes:
          - { to: fd00:1::/64, via: fd00:9::1 }
          - { to: fd00:1:0::/64, via: fd00:9::2, metric: 1024 }
          - { to: 10.7.0.0/16, dev: eth0 }
          - { to: 10.7.0.0/16, dev: eth0, metric: 0 }
          - { to: fd00:2::/64, via: fd00:9::1, metric: 0 }
          - { to: fd00:2::/64, via: fd00:9::2 }
          - { to: fd00:3::/64, via: fd00:9::1, metric: 1024, table: 100 }
          - { to: fd00:3::/64, via: fd00:9::1, metric: 1024 }
      r1:
        interfaces:
          eth0: { addresses: [fd00:9::1/64, fd00:9::2/64] }
    links:
      - [h1:eth0, r1:eth0]
  `;
  const list = issuesOf(text);
  assert.deepEqual(list.map((i) => [i.code, formatPath(i.path)]), [
    ['DUPLICATE_ROUTE', 'nodes.h1.routes[1]'],
    ['DUPLICATE_ROUTE', 'nodes.h1.routes[3]'],
    ['DUPLICATE_ROUTE', 'nodes.h1.routes[5]'],
  ]);
  const first = expectIssue(text, 'DUPLICATE_ROUTE', ['nodes', 'h1', 'routes', 1], '{ to: fd00:1:0::/64');
  const where = at(text, '{ to: fd00:1::/64');
  assert.deepEqual(first.related, { path: ['nodes', 'h1', 'routes', 0], ...where });
  assert.ok(first.message.includes(`is already nodes.h1.routes[0] (${FILE}:${where.line}:${where.column})`), first.message);
  assert.match(first.message, /route to fd00:1::\/64 \(table main, metric 1024\)/);
  // Built in code (no file): the other entry is named by its path.
  const doc = { name: 't', nodes: { h1: { routes: [{ to: '10.1.0.0/16', dev: 'lo' }, { to: '10.1.0.0/16', dev: 'lo', metric: 0 }] } } };
  const r = validateTopology(doc);
  assert.ok(!r.ok && r.issues.length === 1 && /is already nodes\.h1\.routes\[0\]:/.test(r.issues[0]!.message), JSON.stringify(r));
});

test('a route destination with host bits is refused, as ip refuses it ("Invalid prefix for given prefix length")', () => {
  const text = router.replace('- { to: default, via: 10.0.1.1 }', '- { to: 10.9.8.7/16, via: 10.0.1.1 }');
  const i = expectOnly(text, 'BAD_ROUTE_TO', ['nodes', 'h1', 'routes', 0, 'to'], '10.9.8.7/16');
  assert.match(i.message, /write 10\.9\.0\.0\/16/);
});

test('one pass: a duplicate address does not hide an unreachable gateway', () => {
  const text = router
    .replace('eth0: { addresses: [10.0.2.10/24] }', 'eth0: { addresses: [10.0.1.10/24, 10.0.2.10/24] }\n    routes:\n      - { to: 10.9.0.0/16, via: 10.0.7.1 }');
  const list = issuesOf(text);
  assert.deepEqual(list.map((i) => i.code), ['DUPLICATE_ADDRESS', 'UNREACHABLE_GATEWAY']);
  // A duplicate on the node with the route too: its subnet is still known, so the route is judged.
  const both = router.replace('eth0: { addresses: [10.0.1.10/24] }', 'eth0: { addresses: [10.0.1.10/24, 10.0.2.1/24] }')
    .replace('- { to: default, via: 10.0.1.1 }', '- { to: default, via: 10.0.1.1 }\n      - { to: 10.9.0.0/16, via: 10.0.8.1 }');
  assert.deepEqual(issuesOf(both).map((i) => i.code), ['UNREACHABLE_GATEWAY', 'DUPLICATE_ADDRESS']);
  // An address that cannot be read still keeps the node's gateways from being judged.
  const unread = router.replace('eth0: { addresses: [10.0.1.10/24] }', 'eth0: { addresses: [10.0.1.10/99] }');
  assert.deepEqual(issuesOf(unread).map((i) => i.code), ['BAD_CIDR']);
});

test('the two ends of a link with different prefix lengths: a warning, not an error', () => {
  const text = router.replace('eth0: { addresses: [10.0.1.10/24] }', 'eth0: { addresses: [10.0.1.10/25] }');
  const r = ok(text);
  assert.deepEqual(r.warnings.map((w) => [w.code, formatPath(w.path), w.line]), [['PREFIX_MISMATCH', 'links[0]', at(text, '[h1:eth0, r1:eth0]').line]]);
  assert.match(r.warnings[0]!.message, /h1:eth0 has 10\.0\.1\.10\/25, r1:eth0 has 10\.0\.1\.1\/24/);
  // Different subnets on the two ends are not this warning (nor is the same length).
  assert.deepEqual(ok(router.replace('eth0: { addresses: [10.0.1.1/24] }', 'eth0: { addresses: [10.0.1.1/24, 10.5.0.1/16] }')).warnings, []);
});
