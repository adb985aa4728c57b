/**
 * A veth end gets the file's impairment (rate, loss, ...) in place: its root qdisc is replaced
 * and, where the kernel has no netem, the loss is a drop at its peer's ingress. Rank 135: after
 * the link is made and set (create-veth 120, set-link 130), before addresses, so the link
 * carries no traffic unimpaired once the lab is up.
 */
import type { ImpairSpec } from '../../api/impairspec.js';
import { impairNamespaces, impairPath, simImpair, type ImpairTarget } from './impair-where.js';
import { defineKind, type ActionBase } from './kind.js';

export interface SetImpair extends ActionBase, ImpairTarget {
  op: 'set-impair';
  impair: ImpairSpec;
}

export default defineKind<SetImpair>({
  op: 'set-impair',
  sign: '~',
  order: 135,
  namespaces: impairNamespaces,
  sim: (w, a) => simImpair(w, a, a.impair),
  locate: impairPath,
});
