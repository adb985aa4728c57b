// The README's seed table and library snippets, run as written: the table's nsnet column row by
// row (a veth named eth1 stands for the physical NIC), then the library snippet compiled as it
// stands; each ends with blue pinging 10.1.1.1. The errors snippet prints what its comments say.
import { isolate } from '../helpers/sandbox.js';
isolate(import.meta.url);

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import ts from 'typescript';
import { ip, labSkip, namespaces, nsnet, root } from '../helpers/lab.js';

const readme = readFileSync(join(root, 'README.md'), 'utf8');

/** The part of the README under `heading`, up to the next heading of the same level. */
function section(heading: string): string {
  const at = readme.indexOf(`\n${heading}\n`);
  assert.ok(at >= 0, `the README has "${heading}"`);
  const rest = readme.slice(at + heading.length + 2);
  const end = rest.search(/\n## /u);
  return end < 0 ? rest : rest.slice(0, end);
}

/** The nsnet column of the seed table: each command as its words. */
function tableCommands(): string[][] {
  const rows = section('## The seed, in nsnet').split('\n').filter((l) => l.startsWith('| `'));
  return rows.flatMap((row) => {
    const cell = row.split(' | ')[1]!.replace(/^`|`$/gu, '');
    return cell.split('; ').map((c) => {
      const words = c.trim().split(/\s+/u);
      assert.equal(words[0], 'nsnet', `an nsnet command: ${c}`);
      return words.slice(1);
    });
  });
}

test('the README seed table, nsnet column, as written: blue pings 10.1.1.1 at the end', { skip: labSkip }, () => {
  const cmds = tableCommands();
  assert.ok(cmds.length >= 12, `the table has its rows (${cmds.length} commands)`);
  ip('link', 'add', 'eth1', 'type', 'veth', 'peer', 'name', 'eth1-lan'); // the physical NIC
  let last = { code: 0 as number | null, out: '', err: '' };
  for (const words of cmds) {
    last = nsnet(...words);
    assert.equal(last.code, 0, `nsnet ${words.join(' ')}: ${last.err}${last.out}`);
  }
  assert.deepEqual(cmds.at(-1), ['netns', 'exec', 'blue', 'ping', '-c1', '10.1.1.1']);
  assert.match(last.out, /1 packets transmitted, 1 received/);
  assert.match(ip('-n', 'blue', 'link', 'show'), /eth1/);
  nsnet('netns', 'del', 'blue');
  nsnet('link', 'del', 'br0');
  assert.deepEqual(namespaces(), []);
});

/** The first ts block under `heading`, compiled to a module that imports the built nsnet; its file. */
function snippet(heading: string, tail = ''): string {
  const block = /```ts\n([\s\S]*?)```/u.exec(section(heading))![1]!;
  const index = pathToFileURL(join(root, 'dist', 'src', 'index.js')).href;
  const js = ts.transpileModule(block, { compilerOptions: { module: ts.ModuleKind.ES2022, target: ts.ScriptTarget.ES2022 } }).outputText
    .replace(/from 'nsnet'/u, `from '${index}'`);
  const file = join(mkdtempSync(join(tmpdir(), 'nsnet-readme-')), 'snippet.mjs');
  writeFileSync(file, `${js}${tail}`);
  return file;
}

test('the README errors snippet prints what its comments say: code, object, detail, hint, the CLI\'s words', { skip: labSkip }, () => {
  const block = /```ts\n([\s\S]*?)```/u.exec(section('### How errors read'))![1]!;
  const said = [...block.matchAll(/console\.log\(.*?\); +\/\/ (.*)$/gmu)].map((m) => m[1]!);
  assert.equal(said.length, 5);
  const run = spawnSync(process.execPath, [snippet('### How errors read')], { encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  assert.deepEqual(run.stdout.trimEnd().split('\n'), said);
});

test('the README library snippet, as written, reaches 10.1.1.1 from blue', { skip: labSkip }, () => {
  // The snippet keeps the ping's result in `r`; say what it was.
  const file = snippet('## The library', `\nprocess.stdout.write('PING ' + JSON.stringify({ code: r.code, out: r.stdout }) + '\\n');\n`);
  const run = spawnSync(process.execPath, [file], { encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  const ping = JSON.parse(/^PING (.*)$/mu.exec(run.stdout)![1]!) as { code: number; out: string };
  assert.equal(ping.code, 0, ping.out);
  assert.match(ping.out, /1 received/);
  assert.deepEqual(namespaces(), [], 'the snippet deletes blue');
});
