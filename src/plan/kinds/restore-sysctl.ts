/** A host sysctl the lab changed goes back to its value before (unless another lab still holds it). */
import { HOST } from '../desired.js';
import { defineKind, type ActionBase } from './kind.js';
import { nowhere } from './where.js';

export interface RestoreSysctl extends ActionBase {
  op: 'restore-sysctl';
  key: string;
  value: string;
}

export default defineKind<RestoreSysctl>({
  op: 'restore-sysctl',
  sign: '-',
  order: 70,
  namespaces: () => [HOST],
  sim(w, a) {
    w.get(HOST).sysctls[a.key] = a.value;
    delete w.effects.sysctls[a.key];
  },
  locate: nowhere,
});
