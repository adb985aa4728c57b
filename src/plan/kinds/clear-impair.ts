/**
 * A veth end that the file does not impair loses the impairment it has (set at runtime, or by
 * an earlier file): its root qdisc back to the kernel's default, nsnet's drop at its peer gone.
 * A change to a link that stays (sign ~, rank 135 beside set-impair), not a removal.
 */
import { impairNamespaces, impairPath, simImpair, type ImpairTarget } from './impair-where.js';
import { defineKind, type ActionBase } from './kind.js';

export interface ClearImpair extends ActionBase, ImpairTarget {
  op: 'clear-impair';
}

export default defineKind<ClearImpair>({
  op: 'clear-impair',
  sign: '~',
  order: 135,
  namespaces: impairNamespaces,
  sim: (w, a) => simImpair(w, a, {}),
  locate: impairPath,
});
