import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { MonitorEvent } from '../api/monitor.js';
import { aboutLab } from './sources.js';

const link = (netns: string, ifname: string): MonitorEvent => ({ netns, type: 'link', action: 'new', link: { ifindex: 2, ifname, flags: ['UP'], operstate: 'UP', link_type: 'ether' } as never });

test("a lab's watchers get its nodes' events and, of the host's, only its own objects'", () => {
  const names = new Set(['br0', 'veth-h1']);
  assert.equal(aboutLab(link('h1', 'eth0'), names), true);
  assert.equal(aboutLab(link('host', 'br0'), names), true);
  assert.equal(aboutLab(link('host', 'eth0'), names), false, "the machine's own NIC is none of the lab's business");
  assert.equal(aboutLab({ netns: 'host', type: 'route', action: 'new', route: { dst: 'default', dev: 'eth0' } as never }, names), false);
  assert.equal(aboutLab({ netns: 'host', type: 'netns', action: 'new' }, names), false);
  assert.equal(aboutLab({ netns: '*', type: 'overrun' }, names), true);
});
