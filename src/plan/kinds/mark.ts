/** Taking back what a killed `up` made but had not marked yet: the mark goes on (lo of a namespace, or a host link). */
import { HOST } from '../desired.js';
import { defineKind, inNetns, type ActionBase } from './kind.js';
import { linkOrNodePath } from './where.js';

export interface Mark extends ActionBase {
  op: 'mark';
  netns?: string;
  name: string;
}

export default defineKind<Mark>({
  op: 'mark',
  sign: '~',
  order: 80, // after removals, before anything is made
  namespaces: inNetns,
  sim(w, a, mark) {
    w.link(a.netns ?? HOST, a.name).alias = mark;
  },
  locate: (spec, a) => linkOrNodePath(spec, a.netns, a.name),
});
