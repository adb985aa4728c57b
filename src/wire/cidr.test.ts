// The one address/prefix parser (wire/cidr.ts), as a property: random addresses and prefix
// lengths, written in the many ways people write them, compared with ipaddr.js (an independent
// parser). The seed is printed; NSNET_SEED=N replays a run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import ipaddr from 'ipaddr.js';
import { canonCidr, canonIp, parseAddress, parseCidr, type Cidr } from './cidr.js';
import { prng } from './rtnl/testing.js';
import { parseCidr as apiParseCidr } from '../api/cidr.js';
import { canonCidr as planCanonCidr } from '../plan/keys.js';
import { parseCidr as topoParseCidr } from '../topology/cidr.js';

/** Bytes of an address by an independent parser: the WHATWG URL host parser (ipaddr.js misreads "::1.2.3.4"). */
function bytesOf(text: string): number[] {
  if (!text.includes(':')) return ipaddr.parse(text).toByteArray();
  return ipaddr.parse(new URL(`http://[${text}]/`).hostname.slice(1, -1)).toByteArray();
}

const SEED = Number(process.env.NSNET_SEED ?? Date.now() % 2 ** 31);

function randomAddress(rnd: () => number): { family: 4 | 6; bytes: number[] } {
  const family = rnd() < 0.5 ? 4 : 6;
  const bytes = Array.from({ length: family === 4 ? 4 : 16 }, () => (rnd() < 0.35 ? 0 : Math.floor(rnd() * 256)));
  if (family === 6 && rnd() < 0.1) bytes.splice(0, 12, ...Array(10).fill(0), 0xff, 0xff); // IPv4-mapped
  if (family === 6 && rnd() < 0.1) bytes.splice(0, 12, ...Array(12).fill(0)); // IPv4-compatible
  return { family, bytes };
}

/** Ways to write one address: ipaddr's normalized (full) form, its RFC 5952 form, upper case. */
function spellings(bytes: number[]): string[] {
  const a = ipaddr.fromByteArray(bytes);
  if (a.kind() === 'ipv4') return [a.toString()];
  const v6 = a as ipaddr.IPv6;
  return [v6.toNormalizedString(), v6.toRFC5952String(), v6.toRFC5952String().toUpperCase()];
}

test(`parseCidr agrees with ipaddr.js on random prefixes (seed ${SEED})`, (t) => {
  t.diagnostic(`seed ${SEED} (replay: NSNET_SEED=${SEED})`);
  const rnd = prng(SEED);
  for (let n = 0; n < 3000; n++) {
    const { family, bytes } = randomAddress(rnd);
    const len = Math.floor(rnd() * (family === 4 ? 33 : 129));
    const texts = spellings(bytes).map((s) => `${s}/${len}`);
    const parsed = texts.map((s) => parseCidr(s));
    for (const [i, c] of parsed.entries()) {
      assert.notEqual(typeof c, 'string', `seed ${SEED}: ${texts[i]} refused: ${String(c)}`);
    }
    const first = parsed[0] as Cidr;
    // Every spelling has one canonical form, and canonCidr/planner/api/topology agree on it.
    for (const c of parsed as Cidr[]) assert.deepEqual([c.cidr, c.network], [first.cidr, first.network], `seed ${SEED}: ${texts.join(' ')}`);
    for (const s of texts) {
      assert.equal(canonCidr(s), first.cidr);
      assert.equal(planCanonCidr(s), first.cidr);
      assert.equal(apiParseCidr(s).address, first.text);
      assert.equal((topoParseCidr(s) as Cidr).cidr, first.cidr);
    }
    // The bytes and the network are ipaddr.js's.
    assert.deepEqual(first.bytes, bytes);
    const [, ipLen] = ipaddr.parseCIDR(texts[0]!);
    assert.deepEqual(bytesOf(texts[0]!.split('/')[0]!), bytes);
    assert.equal(first.len, ipLen);
    const net = (family === 4 ? ipaddr.IPv4.networkAddressFromCIDR(texts[0]!) : ipaddr.IPv6.networkAddressFromCIDR(texts[0]!)).toByteArray();
    assert.deepEqual(bytesOf(first.network.split('/')[0]!), net, `seed ${SEED}: ${texts[0]}`);
    assert.equal(first.hostBits, net.some((b, i) => b !== bytes[i]));
    // The canonical text reads back to the same bytes.
    assert.deepEqual(bytesOf(first.text), bytes);
    assert.equal(canonIp(texts[0]!.split('/')[0]!), first.text);
  }
});

test('the canonical text is what ip prints: RFC 5952, glibc\'s dotted tails', () => {
  const text = (s: string) => (parseAddress(s) as { text: string }).text;
  assert.equal(text('2001:DB8:0:0:1:0:0:10'), '2001:db8::1:0:0:10');
  assert.equal(text('fd00:1:0::'), 'fd00:1::');
  assert.equal(text('2001:db8:0:1:1:1:1:1'), '2001:db8:0:1:1:1:1:1'); // one zero word stays
  assert.equal(text('::ffff:1.2.3.4'), '::ffff:1.2.3.4');
  assert.equal(text('::102:304'), '::1.2.3.4');
  assert.equal(text('::1'), '::1');
  assert.equal(text('::'), '::');
  assert.equal(canonCidr('fd00:1:0::/64'), canonCidr('fd00:1::/64'));
});

test('refused: what a reader or iproute2 would misread', () => {
  for (const bad of ['10.0.0.1/024', '10.0.0.1/0x18', '010.0.0.1/8', '10.1/8', '10.0.0.1/33', '::1/129', 'fe80::1%eth0/64', '1.2.3.4/24/1', '', 'x/1', '10.0.0.1/']) {
    assert.equal(typeof parseCidr(bad, true), 'string', bad);
    assert.throws(() => apiParseCidr(bad), { code: 'INVALID_ADDRESS' }, bad);
    assert.equal(canonCidr(bad), bad, 'canonCidr leaves what is not a prefix as it is');
  }
  assert.equal((parseCidr('10.0.0.1', true) as Cidr).cidr, '10.0.0.1/32');
  assert.equal(typeof parseCidr('10.0.0.1'), 'string');
});
