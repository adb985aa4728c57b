import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { LinkStats } from '../api/types.js';
import { statsJson, statsLines } from './render-stats.js';

const zero: LinkStats = {
  rx_packets: 0, tx_packets: 0, rx_bytes: 0, tx_bytes: 0, rx_errors: 0, tx_errors: 0, rx_dropped: 0, tx_dropped: 0,
  multicast: 0, collisions: 0, rx_length_errors: 0, rx_over_errors: 0, rx_crc_errors: 0, rx_frame_errors: 0,
  rx_fifo_errors: 0, rx_missed_errors: 0, tx_aborted_errors: 0, tx_carrier_errors: 0, tx_fifo_errors: 0,
  tx_heartbeat_errors: 0, tx_window_errors: 0, rx_compressed: 0, tx_compressed: 0, rx_nohandler: 0, rx_otherhost_dropped: 0,
};

test('ip -s -s link show: the tables of a veth after three packets each way (as iproute2 6.1 printed them)', () => {
  const s: LinkStats = { ...zero, rx_bytes: 266, rx_packets: 3, tx_bytes: 266, tx_packets: 3, carrier_changes: 2 };
  assert.deepEqual(statsLines(s, 2), [
    '    RX:  bytes packets errors dropped  missed   mcast           ',
    '           266       3      0       0       0       0 ',
    '    RX errors:  length    crc   frame    fifo overrun',
    '                     0      0       0       0       0 ',
    '    TX:  bytes packets errors dropped carrier collsns           ',
    '           266       3      0       0       0       0 ',
    '    TX errors: aborted   fifo  window heartbt transns',
    '                     0      0       0       0       2 ',
  ]);
  // -s alone: no error tables.
  assert.deepEqual(statsLines(s, 1), [0, 1, 4, 5].map((i) => statsLines(s, 2)[i]));
});

/** The right edge of every word of a line. */
const edges = (line: string): number[] => [...line.matchAll(/\S+/gu)].map((m) => m.index + m[0].length);

test('wide counters widen their column, heading and number right-aligned together; optional columns only when non-zero', () => {
  const s: LinkStats = {
    ...zero, rx_bytes: 123_456_789_012_345, rx_packets: 9_876_543_210, rx_dropped: 12_345_678, multicast: 4, rx_compressed: 7,
    tx_bytes: 5, tx_packets: 5, collisions: 123_456_789, rx_crc_errors: 1_000_000, rx_otherhost_dropped: 3, tx_window_errors: 77,
  };
  const l = statsLines(s, 2);
  assert.equal(l.length, 8);
  // Each heading's words end where the numbers under them end (the label "RX:" aside).
  for (const [head, nums] of [[l[0]!, l[1]!], [l[4]!, l[5]!]]) assert.deepEqual(edges(head).slice(1), edges(nums), head);
  for (const [head, nums] of [[l[2]!, l[3]!], [l[6]!, l[7]!]]) assert.deepEqual(edges(head).slice(2), edges(nums), head);
  assert.match(l[0]!, /mcast compressed$/u);
  assert.match(l[1]!, /^ +123456789012345 +9876543210 +0 +12345678 +0 +4 +7 $/u);
  assert.doesNotMatch(l[4]!, /compressed/u, 'tx_compressed is 0');
  assert.match(l[2]!, /overrun +otherhost$/u, 'rx_nohandler is 0, rx_otherhost_dropped is not');
  assert.match(l[3]!, / 1000000 .* 3 $/u);
  assert.match(l[6]!, /heartbt +$/u, 'no carrier_changes: a blank column instead of transns');
  // One column width for RX and TX: collisions (9 digits) widens mcast's column too.
  assert.equal(l[0]!.indexOf('mcast') + 5, l[4]!.indexOf('collsns') + 7);
});

test('ip -s -j: stats64 with ip key names; -s -s adds the error keys; optional keys only when non-zero', () => {
  const s: LinkStats = { ...zero, rx_bytes: 10, tx_packets: 2, rx_over_errors: 1, rx_missed_errors: 5, carrier_changes: 4 };
  assert.deepEqual(statsJson(s, 1), {
    rx: { bytes: 10, packets: 0, errors: 0, dropped: 0, over_errors: 1, multicast: 0 },
    tx: { bytes: 0, packets: 2, errors: 0, dropped: 0, carrier_errors: 0, collisions: 0 },
  });
  const two = statsJson({ ...s, rx_nohandler: 3, tx_compressed: 8 }, 2);
  assert.deepEqual(Object.keys(two.rx!), ['bytes', 'packets', 'errors', 'dropped', 'over_errors', 'multicast', 'length_errors', 'crc_errors', 'frame_errors', 'fifo_errors', 'missed_errors', 'nohandler']);
  assert.deepEqual(Object.keys(two.tx!), ['bytes', 'packets', 'errors', 'dropped', 'carrier_errors', 'collisions', 'compressed', 'aborted_errors', 'fifo_errors', 'window_errors', 'heartbeat_errors', 'carrier_changes']);
  assert.equal(two.rx!.missed_errors, 5);
  assert.equal(two.tx!.carrier_changes, 4);
});
