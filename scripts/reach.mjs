#!/usr/bin/env node
// A reachability check for machines without ping (the demo uses it when iputils-ping is missing):
//   node scripts/reach.mjs serve PORT          answer one TCP connection with this host's name, then exit
//   node scripts/reach.mjs connect ADDR PORT   connect, print what the server said, exit 0 (1 on failure)
import { createConnection, createServer } from 'node:net';
import { hostname } from 'node:os';

const [mode, a, b] = process.argv.slice(2);
if (mode === 'serve') {
  const server = createServer((s) => {
    s.end(`hello from ${process.env.NSNET_NODE ?? hostname()}\n`);
    server.close();
  });
  server.listen(Number(a));
  setTimeout(() => process.exit(1), 10_000).unref();
} else if (mode === 'connect') {
  // The server may still be starting: connection refusals are retried for up to 5 s.
  const deadline = Date.now() + 5000;
  const attempt = () => {
    const t0 = process.hrtime.bigint();
    const s = createConnection({ host: a, port: Number(b), timeout: 3000 });
    let got = '';
    s.on('data', (d) => (got += d));
    s.on('end', () => {
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      console.log(`connected to ${a}:${b} in ${ms.toFixed(2)} ms: ${got.trim()}`);
    });
    s.on('timeout', () => { console.error(`no answer from ${a}:${b}`); process.exit(1); });
    s.on('error', (e) => {
      if (e.code === 'ECONNREFUSED' && Date.now() < deadline) return void setTimeout(attempt, 100);
      console.error(`cannot reach ${a}:${b}: ${e.message}`);
      process.exit(1);
    });
  };
  attempt();
} else {
  console.error('usage: reach.mjs serve PORT | connect ADDR PORT');
  process.exit(2);
}
