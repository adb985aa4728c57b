import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WireError } from '../errors.js';
import { RTM_GETNSID, RTM_NEWNSID } from './constants.js';
import { decodeNsid, encodeGetNsid, encodeNewNsid, encodeNsidDump } from './nsid.js';
import { attrI32, attrU32, nlmsg, one } from './testing.js';

// <linux/net_namespace.h>
const NETNSA = { NSID: 1, PID: 2, FD: 3, CURRENT_NSID: 5 };
/** struct rtgenmsg (1 byte) padded to NLMSG_ALIGN */
const rtgen = Buffer.from([0, 0, 0, 0]);

test('encodeGetNsid by fd and by pid', () => {
  assert.equal(encodeGetNsid({ fd: 5 }).toString('hex'), nlmsg(RTM_GETNSID, 0, rtgen, attrU32(NETNSA.FD, 5)).toString('hex'));
  assert.equal(encodeGetNsid({ pid: 4242 }).toString('hex'), nlmsg(RTM_GETNSID, 0, rtgen, attrU32(NETNSA.PID, 4242)).toString('hex'));
});

test('encodeNewNsid: -1 lets the kernel pick; an explicit id', () => {
  assert.equal(encodeNewNsid(-1, { fd: 5 }).toString('hex'), nlmsg(RTM_NEWNSID, 0, rtgen, attrI32(NETNSA.NSID, -1), attrU32(NETNSA.FD, 5)).toString('hex'));
  assert.equal(encodeNewNsid(7, { pid: 1 }).toString('hex'), nlmsg(RTM_NEWNSID, 0, rtgen, attrI32(NETNSA.NSID, 7), attrU32(NETNSA.PID, 1)).toString('hex'));
  assert.throws(() => encodeNewNsid(-2, { fd: 5 }), WireError);
  assert.throws(() => encodeNewNsid(1.5, { fd: 5 }), WireError);
  assert.throws(() => encodeGetNsid({} as { fd: number }), WireError);
});

test('encodeNsidDump', () => {
  assert.equal(encodeNsidDump().toString('hex'), nlmsg(RTM_GETNSID, 0x300, rtgen).toString('hex'));
});

test('decodeNsid: an id, no id (-1), and a current nsid', () => {
  assert.deepEqual(decodeNsid(one(nlmsg(RTM_NEWNSID, 0, rtgen, attrI32(NETNSA.NSID, 5)))), { nsid: 5 });
  assert.deepEqual(decodeNsid(one(nlmsg(RTM_NEWNSID, 0, rtgen, attrI32(NETNSA.NSID, -1)))), { nsid: -1 });
  assert.deepEqual(decodeNsid(one(nlmsg(RTM_NEWNSID, 0, rtgen))), { nsid: -1 });
  assert.deepEqual(decodeNsid(one(nlmsg(RTM_NEWNSID, 0, rtgen, attrI32(NETNSA.NSID, 2), attrI32(NETNSA.CURRENT_NSID, 9)))), { nsid: 2, currentNsid: 9 });
  // A request decodes too.
  assert.deepEqual(decodeNsid(one(encodeNewNsid(3, { fd: 1 }))), { nsid: 3 });
  assert.throws(() => decodeNsid(one(nlmsg(RTM_NEWNSID, 0))), WireError);
  assert.throws(() => decodeNsid(one(nlmsg(RTM_NEWNSID, 0, rtgen, Buffer.from([6, 0, 1, 0, 0, 0, 0, 0])))), WireError);
});
