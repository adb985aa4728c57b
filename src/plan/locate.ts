/**
 * Where in the topology an action comes from, as a document path (['nodes', 'r1', 'sysctls',
 * 'net.ipv4.ip_forward'], ['links', 3]), so that an error while applying it can point at the
 * file's line and column. Pure; undefined for actions on objects the file no longer has. Each
 * kind says it in its own file (./kinds/).
 */
import type { LabSpec } from '../topology/model.js';
import { locateAction, type Action } from './kinds/index.js';

export function pathOfAction(spec: LabSpec, a: Action): (string | number)[] | undefined {
  return locateAction(spec, a);
}
