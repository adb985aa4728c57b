#!/usr/bin/env bash
# nsnet's main job, end to end: build examples/router.yaml (h1 — r1 — h2), show it, prove
# that h1 reaches h2 through the router, then tear it all down. `npm run demo` runs this
# inside a private sandbox (scripts/sandbox.mjs), so nothing touches your machine.
set -euo pipefail
cd "$(dirname "$0")/.."
nsnet() { node bin/nsnet.js "$@"; }
step() { printf '\n\033[1m$ nsnet %s\033[0m\n' "$*"; }

step plan examples/router.yaml;        nsnet plan examples/router.yaml
step up examples/router.yaml;          nsnet up examples/router.yaml
step up examples/router.yaml "  (again: nothing to do)"; nsnet up examples/router.yaml
step status examples/router.yaml;      nsnet status examples/router.yaml
step -n h1 route list;                 nsnet -n h1 route list
if [ -z "${NSNET_DEMO_NO_PING:-}" ] && command -v ping >/dev/null; then
  step exec h1 -- ping -c 3 10.0.2.10;   nsnet exec h1 -- ping -c 3 -W 2 10.0.2.10
  step exec h1 -- ping -c 1 -t 1 10.0.2.10 "  (TTL 1: the first hop answers)"
  hop=$(nsnet exec h1 -- ping -c 1 -W 2 -t 1 10.0.2.10 || true)
  echo "$hop" | grep -m1 'From' || { echo "expected r1 to answer a TTL-1 ping"; exit 1; }
else
  # No ping on this machine (Debian: apt-get install iputils-ping): a TCP connection instead.
  step exec h1 -- "(TCP to h2:7000, ping is not installed)"
  NSNET_NODE=h2 nsnet exec h2 -- node scripts/reach.mjs serve 7000 & server=$!
  nsnet exec h1 -- node scripts/reach.mjs connect 10.0.2.10 7000
  wait "$server"
fi
step down examples/router.yaml;        nsnet down examples/router.yaml
step netns list "  (empty: nothing left behind)"; nsnet netns list
