/**
 * The shape of the in-memory kernel that plan unit tests run plans on (test/helpers/sim.ts
 * implements it; it does not ship). Each action kind says in its own file how it changes this
 * world, so a kind's simulated effect sits beside its data. Plain data and pure functions only.
 */
import type { HostEffects, ObservedLink, ObservedRoute } from '../observed.js';

export interface SimLink extends Omit<ObservedLink, 'peerIndex' | 'peerNetns'> {
  peer?: { ns: string; index: number };
}

export interface SimNs {
  links: Map<string, SimLink>;
  addrs: { dev: string; cidr: string; family: 4 | 6; scope: string }[];
  routes: ObservedRoute[];
  sysctls: Record<string, string>;
  next: number;
}

export interface SimWorld {
  /** Namespaces by netns name; '' is the host. */
  readonly ns: Map<string, SimNs>;
  readonly natTables: Set<string>;
  effects: HostEffects;
  execDone: Record<string, string[][]>;
  /** A fresh namespace as the kernel makes it (lo down, 127.0.0.1, IPv6 on). */
  makeNs(): SimNs;
  /** The namespace, or throws. */
  get(ns: string): SimNs;
  /** The link, or throws. */
  link(ns: string, name: string): SimLink;
  /** A new link as the lab makes it (marked when in the host); throws when the name is taken. */
  create(ns: string, l: Omit<SimLink, 'index'>, mark: string): SimLink;
  /** Delete a link, its addresses and routes, and its veth peer with it. */
  deleteLink(ns: string, name: string): void;
}
