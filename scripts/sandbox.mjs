#!/usr/bin/env node
// Runs a command inside a private sandbox: new network and mount namespaces,
// a tmpfs over /run (so /run/netns and /run/nsnet are private), a fresh /sys for
// the new network namespace, and loopback up. Nothing done inside can reach the
// host's interfaces, routes, namespaces or mounts, even if the command crashes.
//
//   node scripts/sandbox.mjs [--fresh] CMD [ARGS...]
//
// Already inside (NSNET_SANDBOX=1): runs the command as it is, unless --fresh asks for a new
// sandbox nested in the current one (each integration test file gets its own). Not root: runs the
// command outside any sandbox with NSNET_NO_KERNEL=1 so kernel tests skip with a reason.
import { spawnSync } from 'node:child_process';

const argv = process.argv.slice(2);
const fresh = argv[0] === '--fresh';
if (fresh) argv.shift();
if (argv.length === 0) {
  console.error('usage: node scripts/sandbox.mjs CMD [ARGS...]');
  process.exit(2);
}

function run(cmd, args, env) {
  const r = spawnSync(cmd, args, { stdio: 'inherit', env });
  if (r.error) {
    console.error(`sandbox: cannot run ${cmd}: ${r.error.message}`);
    process.exit(127);
  }
  process.exit(r.status ?? (r.signal ? 128 : 1));
}

if (process.env.NSNET_SANDBOX === '1' && !fresh) run(argv[0], argv.slice(1), process.env);

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
const probe = isRoot ? spawnSync('unshare', ['--net', '--mount', 'true']) : null;
if (!isRoot || probe?.status !== 0) {
  const why = !isRoot ? 'not running as root' : `unshare --net --mount failed: ${probe?.stderr?.toString().trim() || probe?.error?.message}`;
  console.error(`sandbox: ${why}; kernel tests will be skipped`);
  run(argv[0], argv.slice(1), { ...process.env, NSNET_NO_KERNEL: why });
}

// Inside the new namespaces: private propagation (unshare --propagation private), then
// our own /run and /sys. `ip` is used here only to bring lo up, if present.
const setup = [
  'set -e',
  'mount -t tmpfs -o mode=755 nsnet-sandbox-run /run',
  'mkdir -p /run/netns /run/nsnet /run/lock',
  'mount -t sysfs nsnet-sandbox-sys /sys',
  'if [ -d /etc/netns ]; then mount -t tmpfs -o mode=755 nsnet-sandbox-etc-netns /etc/netns; fi',
  'if command -v ip >/dev/null; then ip link set lo up; fi',
  'export NSNET_SANDBOX=1',
  'exec "$@"',
].join('\n');
run('unshare', ['--net', '--mount', '--propagation', 'private', '--', 'bash', '-c', setup, 'nsnet-sandbox', ...argv], process.env);
