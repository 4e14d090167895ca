// The line-protocol process wrapper, driven with a small Node program as the analyzer.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { LineProcess } from '../../server/src/node/embedded/lineProcess';
import { isAlive } from '../support/processes';

/** Echoes each line back in upper case; ignores "hang"; exits with code 7 on "die". */
const ANALYZER = `
let buffer = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => {
  buffer += chunk;
  let i;
  while ((i = buffer.indexOf('\\n')) >= 0) {
    const line = buffer.slice(0, i);
    buffer = buffer.slice(i + 1);
    if (line === 'hang') continue;
    if (line === 'die') { process.stderr.write('analyzer: told to die\\n'); process.exit(7); }
    process.stdout.write(line.toUpperCase() + '\\n');
  }
});`;

function analyzer(timeoutMs?: number): LineProcess {
  return new LineProcess({ command: process.execPath, args: ['-e', ANALYZER], timeoutMs });
}


test('answers come back in request order, from one process', async () => {
  const lines = analyzer();
  try {
    const replies = await Promise.all(Array.from({ length: 50 }, (_, i) => lines.request(`line ${i} é😀`)));
    assert.deepEqual(replies, Array.from({ length: 50 }, (_, i) => ({ ok: true, line: `LINE ${i} É😀` })));
    assert.equal(lines.startCount, 1);
    assert.equal(lines.requestCount, 50);
  } finally {
    lines.dispose();
  }
});

test('a request that outlives the timeout gets a timeout and the queue moves on to a new process', async () => {
  const lines = analyzer(300);
  try {
    assert.deepEqual(await lines.request('warm'), { ok: true, line: 'WARM' });
    const firstPid = lines.pid!;
    const started = Date.now();
    const hung = lines.request('hang');
    const queued = lines.request('after');
    assert.deepEqual(await hung, { ok: false, failure: 'timeout', timeoutMs: 300 });
    const waited = Date.now() - started;
    assert.ok(waited >= 290 && waited < 2000, `timed out after ${waited} ms`);
    assert.deepEqual(await queued, { ok: true, line: 'AFTER' });
    assert.equal(lines.startCount, 2);
    assert.equal(isAlive(firstPid), false, 'the hung process was killed');
  } finally {
    lines.dispose();
  }
});

test('a crash is reported with its exit code and error output, and the next request restarts', async () => {
  const lines = analyzer();
  try {
    const reply = await lines.request('die');
    assert.equal(reply.ok, false);
    assert.deepEqual(reply, { ok: false, failure: 'exit', detail: 'exited with code 7: analyzer: told to die' });
    assert.equal(lines.startCount, 2, 'a request that kills the analyzer is retried once, not forever');
    assert.deepEqual(await lines.request('fine'), { ok: true, line: 'FINE' });
    assert.equal(lines.startCount, 3);
  } finally {
    lines.dispose();
  }
});

test('a program that cannot be started is a spawn failure with its errno code', async () => {
  const missing = new LineProcess({ command: '/nonexistent/analyzer', args: [] });
  const empty = new LineProcess({ command: '', args: [] });
  try {
    assert.deepEqual(await missing.request('x'), { ok: false, failure: 'spawn', code: 'ENOENT' });
    assert.deepEqual(await missing.request('x'), { ok: false, failure: 'spawn', code: 'ENOENT' });
    assert.deepEqual(await empty.request('x'), { ok: false, failure: 'spawn', code: 'ERR_INVALID_ARG_VALUE' });
  } finally {
    missing.dispose();
    empty.dispose();
  }
});

test('dispose answers waiting requests, kills the process and refuses new work', async () => {
  const lines = analyzer();
  assert.deepEqual(await lines.request('up'), { ok: true, line: 'UP' });
  const pid = lines.pid!;
  const waiting = [lines.request('hang'), lines.request('queued')];
  lines.dispose();
  assert.deepEqual(await Promise.all(waiting), [
    { ok: false, failure: 'disposed' },
    { ok: false, failure: 'disposed' },
  ]);
  assert.deepEqual(await lines.request('late'), { ok: false, failure: 'disposed' });
  assert.equal(lines.pid, undefined);
  for (let i = 0; i < 50 && isAlive(pid); i++) await new Promise((resolve) => setTimeout(resolve, 20));
  assert.equal(isAlive(pid), false);
});

test('an analyzer keeps Node alive neither after dispose nor while idle', () => {
  const module = JSON.stringify(join(__dirname, '../../server/src/node/embedded/lineProcess.ts'));
  for (const ending of ['lines.dispose();', '/* never disposed: the idle process must not hold Node */']) {
    const program = `
      const { LineProcess } = require(${module});
      const lines = new LineProcess({ command: process.execPath, args: ['-e', ${JSON.stringify(ANALYZER)}] });
      lines.request('hello').then((reply) => { console.log(reply.line); ${ending} });`;
    const started = Date.now();
    const run = spawnSync(process.execPath, ['--import', 'tsx', '-e', program], { encoding: 'utf8', timeout: 10_000 });
    assert.equal(run.error, undefined, `${ending}: ${run.error}`);
    assert.equal(run.status, 0, run.stderr);
    assert.equal(run.stdout.trim(), 'HELLO');
    assert.ok(Date.now() - started < 5000, `${ending}: Node exited only after ${Date.now() - started} ms`);
  }
});
