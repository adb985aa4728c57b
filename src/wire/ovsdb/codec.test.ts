/**
 * OVSDB values, JSON-RPC framing, transact operations and results, monitor updates: encoded
 * forms compared with RFC 7047's, decoded forms of what ovsdb-server sends, and refusals.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WireError } from '../errors.js';
import { decodeUpdateNotification, decodeTableUpdates, monitorParams } from './monitor.js';
import { decodeMessage, encodeNotification, encodeRequest, encodeResponse, OvsdbError, responseError } from './rpc.js';
import { comment, decodeTransactResult, del, insert, mutate, select, transactParams, update, wait, where } from './transact.js';
import { datumItems, decodeDatum, encodeDatum, map, namedUuid, OvsMap, OvsSet, set, uuid } from './value.js';

const U1 = '2f1c0a3e-6d2b-4c7f-9a55-0e1d2c3b4a59';
const U2 = '9b0e7c7e-1111-4222-8333-444455556666';

test('values encode to RFC 7047 notation and decode back', () => {
  const cases: Array<[Parameters<typeof encodeDatum>[0], unknown]> = [
    ['br0', 'br0'],
    [10, 10],
    [true, true],
    [uuid(U1), ['uuid', U1]],
    [namedUuid('port_1'), ['named-uuid', 'port_1']],
    [set(), ['set', []]],
    [set(10, 20), ['set', [10, 20]]],
    [set(uuid(U1), uuid(U2)), ['set', [['uuid', U1], ['uuid', U2]]]],
    [map({ 'nsnet-lab': 'lab1', k: 'v' }), ['map', [['nsnet-lab', 'lab1'], ['k', 'v']]]],
  ];
  for (const [v, wire] of cases) {
    assert.deepEqual(encodeDatum(v), wire);
    assert.deepEqual(decodeDatum(JSON.parse(JSON.stringify(wire))), v);
  }
});

test('a one-element set arrives as the bare atom; datumItems reads both forms', () => {
  assert.deepEqual(datumItems(decodeDatum(10)), [10]);
  assert.deepEqual(datumItems(decodeDatum(['set', []])), []);
  assert.deepEqual(datumItems(decodeDatum(['set', [10, 20]])), [10, 20]);
  assert.deepEqual(datumItems(undefined), []);
  assert.throws(() => datumItems(decodeDatum(['map', []])), WireError);
});

test('maps read as records and by key', () => {
  const m = decodeDatum(['map', [['nsnet-lab', 'x'], ['n', 3]]]);
  assert.ok(m instanceof OvsMap);
  assert.deepEqual(m.toRecord(), { 'nsnet-lab': 'x', n: 3 });
  assert.equal(m.get('nsnet-lab'), 'x');
  assert.equal(m.get('absent'), undefined);
});

test('bad values are refused with a WireError naming the place', () => {
  assert.throws(() => encodeDatum(uuid('not-a-uuid'), 'Port.uuid'), /Port.uuid: bad value.*not a UUID/);
  assert.throws(() => encodeDatum(namedUuid('1abc')), /not a valid named-uuid/);
  assert.throws(() => encodeDatum(Number.NaN), /not a finite number/);
  assert.throws(() => encodeDatum({} as never), /not an OVSDB atom/);
  for (const bad of [null, ['set'], ['set', 1], ['map', [[1]]], ['uuid', 5], ['nope', 'x'], {}]) {
    assert.throws(() => decodeDatum(bad), WireError, JSON.stringify(bad));
  }
  assert.ok(decodeDatum(['set', [1, 2]]) instanceof OvsSet);
});

test('requests, notifications and responses frame as JSON-RPC 1.0', () => {
  assert.deepEqual(JSON.parse(encodeRequest('list_dbs', [], 7).toString()), { method: 'list_dbs', params: [], id: 7 });
  assert.deepEqual(JSON.parse(encodeNotification('cancel', [3]).toString()), { method: 'cancel', params: [3], id: null });
  assert.deepEqual(JSON.parse(encodeResponse('echo', ['x']).toString()), { id: 'echo', result: ['x'], error: null });
  assert.deepEqual(decodeMessage({ id: 'echo', method: 'echo', params: [] }), { kind: 'request', method: 'echo', params: [], id: 'echo' });
  assert.deepEqual(decodeMessage({ id: null, method: 'update', params: [1, {}] }), { kind: 'notification', method: 'update', params: [1, {}] });
  assert.deepEqual(decodeMessage({ id: 3, result: ['Open_vSwitch'], error: null }), { kind: 'response', id: 3, result: ['Open_vSwitch'], error: null });
  for (const bad of [[], 'x', null, { method: 'm' }, { method: 'm', params: {}, id: 1 }, { method: 5, params: [], id: 1 }, { id: 1 }, { result: 1 }]) {
    assert.throws(() => decodeMessage(bad), WireError, JSON.stringify(bad));
  }
});

test('response errors become OvsdbErrors', () => {
  assert.equal(responseError(null, 'x'), undefined);
  assert.match(responseError('unknown method', 'frob')!.message, /ovsdb frob: unknown method/);
  const e = responseError({ error: 'unknown database', details: 'get_schema asked for database "X"' }, 'monitor')!;
  assert.equal(e.error, 'unknown database');
  assert.match(e.message, /monitor: unknown database: get_schema asked/);
});

test('operation builders produce RFC 7047 operations', () => {
  const ops = [
    insert('Interface', { name: 'p1', type: '' }, 'i1'),
    insert('Port', { name: 'p1', interfaces: namedUuid('i1'), tag: 10, external_ids: map({ 'nsnet-lab': 'L' }) }, 'p1'),
    mutate('Bridge', [where('name', '==', 'br0')], [['ports', 'insert', set(namedUuid('p1'))]]),
    update('Port', [where('_uuid', '==', uuid(U1))], { trunks: set(10, 20) }),
    del('Bridge', [where('external_ids', 'includes', map({ 'nsnet-lab': 'L' }))]),
    select('Bridge', [], ['name', '_uuid']),
    wait('Bridge', [where('name', '==', 'br0')], ['name'], '!=', [{ name: 'br0' }]),
    comment('nsnet up L'),
  ];
  assert.deepEqual(transactParams('Open_vSwitch', ops), [
    'Open_vSwitch',
    { op: 'insert', table: 'Interface', row: { name: 'p1', type: '' }, 'uuid-name': 'i1' },
    { op: 'insert', table: 'Port', row: { name: 'p1', interfaces: ['named-uuid', 'i1'], tag: 10, external_ids: ['map', [['nsnet-lab', 'L']]] }, 'uuid-name': 'p1' },
    { op: 'mutate', table: 'Bridge', where: [['name', '==', 'br0']], mutations: [['ports', 'insert', ['set', [['named-uuid', 'p1']]]]] },
    { op: 'update', table: 'Port', where: [['_uuid', '==', ['uuid', U1]]], row: { trunks: ['set', [10, 20]] } },
    { op: 'delete', table: 'Bridge', where: [['external_ids', 'includes', ['map', [['nsnet-lab', 'L']]]]] },
    { op: 'select', table: 'Bridge', where: [], columns: ['name', '_uuid'] },
    { op: 'wait', table: 'Bridge', timeout: 0, where: [['name', '==', 'br0']], columns: ['name'], until: '!=', rows: [{ name: 'br0' }] },
    { op: 'comment', comment: 'nsnet up L' },
  ]);
});

test('transact results decode; a failed operation or commit names itself', () => {
  const ops = [insert('Bridge', { name: 'b' }), select('Bridge', []), del('Port', [])];
  const res = decodeTransactResult(ops, [{ uuid: ['uuid', U1] }, { rows: [{ name: 'b', ports: ['set', []], _uuid: ['uuid', U1] }] }, { count: 2 }]);
  assert.deepEqual(res[0], { uuid: uuid(U1) });
  assert.deepEqual(res[1]!.rows, [{ name: 'b', ports: set(), _uuid: uuid(U1) }]);
  assert.equal(res[2]!.count, 2);
  assert.throws(
    () => decodeTransactResult(ops, [{ uuid: ['uuid', U1] }, { error: 'constraint violation', details: 'duplicate name' }, null]),
    (e: unknown) => e instanceof OvsdbError && /operation 1 \(select Bridge\): constraint violation: duplicate name/.test(e.message),
  );
  assert.throws(
    () => decodeTransactResult(ops, [{}, {}, {}, { error: 'referential integrity violation', details: 'row has no references' }]),
    /commit: referential integrity violation/,
  );
  assert.throws(() => decodeTransactResult(ops, [{}]), /1 results for 3 operations/);
  assert.throws(() => decodeTransactResult(ops, { x: 1 }), WireError);
  assert.throws(() => decodeTransactResult(ops, [{ uuid: 'x' }, {}, {}]), WireError);
  assert.throws(() => decodeTransactResult(ops, [{ count: 'x' }, {}, {}]), WireError);
});

test('monitor params and updates: insert, modify, delete', () => {
  assert.deepEqual(monitorParams('Open_vSwitch', 'm1', { Port: { columns: ['name', 'tag'] }, Bridge: { select: { initial: true } } }), [
    'Open_vSwitch', 'm1', { Port: { columns: ['name', 'tag'] }, Bridge: { select: { initial: true } } },
  ]);
  const ups = decodeUpdateNotification(['m1', {
    Port: {
      [U1]: { new: { name: 'p1', tag: 10 } },
      [U2]: { old: { tag: ['set', []] }, new: { name: 'p2', tag: 20 } },
    },
    Bridge: { [U1]: { old: { name: 'br0' } } },
  }]);
  assert.equal(ups.monitorId, 'm1');
  assert.deepEqual(ups.updates, [
    { table: 'Port', uuid: U1, new: { name: 'p1', tag: 10 } },
    { table: 'Port', uuid: U2, old: { tag: set() }, new: { name: 'p2', tag: 20 } },
    { table: 'Bridge', uuid: U1, old: { name: 'br0' } },
  ]);
  for (const bad of [null, [], { Port: 5 }, { Port: { [U1]: {} } }, { Port: { [U1]: { new: [] } } }]) {
    assert.throws(() => decodeTableUpdates(bad), WireError, JSON.stringify(bad));
  }
  assert.throws(() => decodeUpdateNotification(['m1']), /expected \[monitor-id, table-updates\]/);
});
