/** An Open vSwitch bridge of the lab that the file no longer has goes, with its ports. */
import { defineKind, type ActionBase } from './kind.js';
import { nowhere } from './where.js';

export interface DeleteOvsBridge extends ActionBase {
  op: 'delete-ovs-bridge';
  name: string;
}

export default defineKind<DeleteOvsBridge>({
  op: 'delete-ovs-bridge',
  sign: '-',
  order: 30,
  namespaces: () => [],
  sim() { /* Open vSwitch, not the kernel's links */ },
  locate: nowhere,
});
