// Accounts mode: identity mapping and the pool bound (#3, #4), the life of a session and what it
// leaves (#15, #18, #23), timeouts and cancellation (#25), and caller strings (#39).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Launcher } from '../../../server/src/node/launcher/launcher';
import type { SessionState } from '../../../server/src/core/launcher/sessions';
import {
  accountsSkip,
  cgroupSessionsUnder,
  errors,
  mountsUnder,
  pool,
  printed,
  rSkip,
  run,
  sessionFoldersUnder,
  sleep,
  TestBed,
  uidOf,
  workerProcesses,
} from './harness';

const skip = accountsSkip();
const bed = new TestBed('lifecycle');
const small = new TestBed('lifecycle-small');
const PREFIX = 'sqlmltb';
const SMALL_PREFIX = 'sqlmltbs';
let launcher: Launcher;
let uids: number[] = [];

before(async () => {
  if (skip) return;
  await bed.provision(PREFIX, 20);
  await small.provision(SMALL_PREFIX, 1);
  uids = Array.from({ length: 20 }, (_, i) => uidOf(`${PREFIX}${String(i + 1).padStart(2, '0')}`));
  launcher = await bed.start({ pools: [pool(PREFIX, 20)], workerWaitMs: 60_000 });
});

after(async () => {
  if (skip) return;
  await bed.teardown();
  await small.teardown();
});

/** #18: nothing of ended sessions is left: folders, mounts, cgroups, processes. */
async function assertClean(what: string): Promise<void> {
  await sleep(50);
  assert.deepEqual(sessionFoldersUnder(bed.sessionsRoot), [], `${what}: session folders`);
  assert.deepEqual(mountsUnder(bed.base), [], `${what}: mounts`);
  assert.deepEqual(cgroupSessionsUnder(bed.cgroupName), [], `${what}: session cgroups`);
  assert.deepEqual(workerProcesses(uids), [], `${what}: worker processes`);
}

test('#3 one caller’s parallel statements share a worker, another caller gets another, and the worker returns to the pool', { skip }, async () => {
  const script = 'import os, time\ntime.sleep(0.8)\nprint(os.getuid())';
  const [x1, x2, y] = await Promise.all([
    run(launcher, { caller: 'xavier', script }),
    run(launcher, { caller: 'xavier', script }),
    run(launcher, { caller: 'yolanda', script }),
  ]);
  assert.equal(printed(x1), printed(x2), 'same uid for both of X’s statements');
  assert.equal(x1.session.worker, x2.session.worker);
  assert.notEqual(printed(x1), printed(y));
  assert.notEqual(printed(y), '0');
  const workers = launcher.pools()[0]!.workers;
  assert.ok(workers.every((w) => w.caller === undefined && w.statements === 0), 'all workers are free again');
  await assertClean('#3');
});

test('#4 21 callers on 20 workers: the 21st waits for a free worker and never runs as root or on a shared uid', { skip: skip ?? rSkip() }, async () => {
  const states = new Map<string, SessionState[]>();
  const off = launcher.subscribe((e) => {
    if (e.type === 'evicted') return;
    const list = states.get(e.session.caller) ?? [];
    if (list.at(-1) !== e.session.state) list.push(e.session.state);
    states.set(e.session.caller, list);
  });
  try {
    // R starts in a fraction of pandas' time, which keeps 21 runtimes on 2 cores affordable.
    const script = 'Sys.sleep(1.5); cat(Sys.getenv("USER"), "\\n")';
    const results = await Promise.all(Array.from({ length: 21 }, (_, i) => run(launcher, { caller: `caller${i + 1}`, language: 'R', script })));
    for (const r of results) assert.equal(r.session.state, 'succeeded', errors(r));
    const first20 = results.slice(0, 20).map((r) => r.session.worker);
    assert.equal(new Set(first20).size, 20, 'twenty distinct workers');
    const last = results[20]!;
    assert.ok(first20.includes(last.session.worker), 'the 21st got a worker another caller gave back');
    assert.equal(printed(last).trim(), last.session.worker, 'and runs as that worker');
    assert.deepEqual(states.get('caller21'), ['queued', 'starting', 'running', 'succeeded']);
    assert.ok(last.session.durationMs > 1500, 'it waited');
  } finally {
    off();
  }
  await assertClean('#4');
});

test('#4 with every worker busy past the bounded wait, the request fails naming the pool and its size', { skip }, async () => {
  const tiny = await small.start({ pools: [pool(SMALL_PREFIX, 1)], workerWaitMs: 300 });
  const holder = run(tiny, { caller: 'holder', script: 'import time\ntime.sleep(2)' });
  await sleep(200);
  const waiter = await run(tiny, { caller: 'waiter', script: 'pass' });
  assert.equal(waiter.session.state, 'failed');
  assert.equal(waiter.session.worker, null);
  assert.match(errors(waiter), /No worker of pool 'default' became free within 300 ms: all 1 worker of the pool are serving other callers/);
  assert.equal((await holder).session.state, 'succeeded');
  await small.stop(tiny);
});

test('#25 a statement timeout kills the whole session within a second of the timeout and says so', { skip }, async () => {
  const started = Date.now();
  const result = await run(launcher, { caller: 'spinner', script: 'import os\nos.fork()\nwhile True: pass', timeoutMs: 2000 });
  const took = Date.now() - started;
  assert.equal(result.session.state, 'timed out');
  assert.match(errors(result), /statement timeout of 2 s passed/);
  assert.ok(took < 3000, `ended after ${took} ms`);
  await assertClean('#25');
});

test('cancellation kills the whole session within a second, running or still waiting', { skip }, async () => {
  let cancelledAt = 0;
  const result = await run(
    launcher,
    { caller: 'cancelme', script: "import subprocess\nsubprocess.Popen(['sleep', '60'])\nprint('spinning', flush=True)\nwhile True: pass" },
    {
      onMessage: (m) => {
        if (!m.text.includes('spinning')) return;
        cancelledAt = Date.now();
        const id = launcher.sessions().find((s) => s.caller === 'cancelme' && s.state === 'running')!.id;
        assert.ok(launcher.cancel(id));
      },
    },
  );
  assert.equal(result.session.state, 'cancelled');
  assert.ok(Date.now() - cancelledAt < 1000, `ended ${Date.now() - cancelledAt} ms after the cancel`);
  assert.match(errors(result), /cancelled/);
  const aborted = new AbortController();
  aborted.abort();
  const early = await run(launcher, { caller: 'early', script: 'pass' }, { signal: aborted.signal });
  assert.equal(early.session.state, 'cancelled');
  await assertClean('cancellation');
});

test('#23 a double-forked daemon dies with its session', { skip }, async () => {
  const result = await run(launcher, {
    caller: 'daemon',
    script: `
import os, time
if os.fork() == 0:
    os.setsid()
    if os.fork() == 0:
        time.sleep(60)
    os._exit(0)
time.sleep(0.2)`,
  });
  assert.equal(result.session.state, 'succeeded', errors(result));
  const deadline = Date.now() + 1000;
  while (workerProcesses(uids).length > 0 && Date.now() < deadline) await sleep(20);
  assert.deepEqual(workerProcesses(uids), [], 'no process of any worker within 1 s of the end');
  await assertClean('#23');
});

test('#18 script errors and output errors leave nothing behind either', { skip }, async () => {
  const failing = await run(launcher, { caller: 'err', script: 'open("x", "w").write("x")\nraise ValueError("boom")' });
  assert.equal(failing.session.state, 'failed');
  const notFrame = await run(launcher, { caller: 'err', script: 'OutputDataSet = 42' });
  assert.match(errors(notFrame), /OutputDataSet must be a pandas DataFrame, but the script set it to a int/);
  await assertClean('#18');
});

test('#15 30 sessions racing their own cleanup with symlink swaps never touch a root-owned folder outside', { skip }, async () => {
  const victim = join(bed.base, 'victim');
  mkdirSync(victim, { recursive: true, mode: 0o755 });
  for (let i = 0; i < 200; i++) writeFileSync(join(victim, `file${i}`), 'precious');
  const script = `
import os
victim = ${JSON.stringify(victim)}
for d in range(20):
    os.mkdir('d%d' % d)
    for f in range(300):
        open('d%d/f%d' % (d, f), 'w').close()
print('swapping', flush=True)
while True:
    for d in range(20):
        os.rename('d%d' % d, 'd%d.x' % d)
        os.symlink(victim, 'd%d' % d)
        os.unlink('d%d' % d)
        os.rename('d%d.x' % d, 'd%d' % d)
        os.symlink(victim, 'l%d' % d) if not os.path.lexists('l%d' % d) else None`;
  const round = (i: number) =>
    run(
      launcher,
      { caller: `racer${i % 3}`, script, timeoutMs: 10_000 },
      {
        onMessage: (m) => {
          if (!m.text.includes('swapping')) return;
          const s = launcher.sessions().find((x) => x.caller === `racer${i % 3}` && x.state === 'running');
          setTimeout(() => s && launcher.cancel(s.id), 30);
        },
      },
    );
  for (let i = 0; i < 30; i += 3) {
    const results = await Promise.all([round(i), round(i + 1), round(i + 2)]);
    for (const r of results) assert.equal(r.session.state, 'cancelled', errors(r));
  }
  assert.equal(readdirSync(victim).length, 200, 'every file of the victim folder is still there');
  assert.ok(existsSync(join(victim, 'file0')));
  await assertClean('#15');
});

test('#39 caller strings never reach a shell; control characters are refused', { skip }, async () => {
  const marker = `/tmp/sqlml-pwn-${process.pid}`;
  const nasty = `$(touch ${marker}) \`touch ${marker}\`; touch ${marker} | x & y`;
  const result = await run(launcher, {
    caller: nasty,
    database: nasty,
    script: 'print(p)',
    params: [{ name: '@p', type: 'nvarchar(max)', value: nasty }],
  });
  assert.equal(result.session.state, 'succeeded', errors(result));
  assert.equal(printed(result), nasty, 'the value reaches the script as plain text');
  assert.equal(result.session.caller, nasty);
  for (const bad of [`a\nb`, `a\u0000b`, 'a\rb']) {
    const refused = await launcher.launch({ caller: bad, database: 'd', language: 'python', script: 'pass' });
    assert.equal(refused.ok, false);
    assert.match(refused.ok ? '' : refused.error.message, /control character/);
  }
  const badParam = await launcher.launch({ caller: 'x', database: 'd', language: 'python', script: 'pass', params: [{ name: `@x;touch ${marker}`, type: 'int', value: 1 }] });
  assert.equal(badParam.ok, false);
  assert.equal(existsSync(marker), false, 'nothing ran through a shell');
});

test('keepSessionFolders (JOB_CLEANUP_ON_EXIT=0) keeps the folder for debugging; the next start sweeps it', { skip }, async () => {
  const keeping = await small.start({ pools: [pool(SMALL_PREFIX, 1)], keepSessionFolders: true });
  const result = await run(keeping, { caller: 'debugger', script: "open('trace.txt', 'w').write('look here')" });
  assert.equal(result.session.state, 'succeeded', errors(result));
  const record = keeping.sessions().find((s) => s.id === result.session.id)!;
  assert.ok(record.folder && existsSync(join(record.folder, 'trace.txt')), 'the folder and what the script left are kept');
  assert.deepEqual(mountsUnder(small.base), [], 'a kept folder is a plain folder, not a mount left behind');
  await small.stop(keeping);
  const next = await small.start({ pools: [pool(SMALL_PREFIX, 1)] });
  assert.ok(next.status().sweep.folders.includes(record.folder));
  assert.equal(existsSync(record.folder), false);
  await small.stop(next);
});
