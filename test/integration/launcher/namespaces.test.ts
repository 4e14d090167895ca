// Namespaces mode: the launcher run by an unprivileged user (a test account), bubblewrap as that
// user. The posture is read from outside by the root test process; sessions of the same user are
// kept apart by mount namespaces; limits fall back to rlimits and say so.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { chownSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { commandName, environmentNames, interfaces, namespaceIds, NAMESPACES, processStatus } from '../../../server/src/node/launcher/procfs';
import { accountsSkip, pool, PYTHON, runOnceAs, sleep, TestBed, workerProcesses } from './harness';

const skip = accountsSkip();
const bed = new TestBed('namespaces');
const USER = 'sqlmltuser';
let uid = 0;
let gid = 0;
let home = '';

before(() => {
  if (skip) return;
  execFileSync('/usr/sbin/useradd', ['--system', '--user-group', '--no-create-home', '--home-dir', '/nonexistent', '--shell', '/usr/sbin/nologin', '--comment', 'sqlml launcher test user', USER]);
  uid = Number(execFileSync('/usr/bin/id', ['-u', USER], { encoding: 'utf8' }));
  gid = Number(execFileSync('/usr/bin/id', ['-g', USER], { encoding: 'utf8' }));
  home = join(bed.base, 'home');
  mkdirSync(bed.base, { mode: 0o755 });
  mkdirSync(home, { mode: 0o700 });
  chownSync(home, uid, gid);
});

after(async () => {
  if (skip) return;
  spawnSync('/usr/bin/pkill', ['-KILL', '-u', USER]);
  await sleep(200);
  spawnSync('/usr/sbin/userdel', [USER]);
  await bed.teardown();
});

interface Line {
  refused?: string[];
  status?: { mode: string; pools: { enforcement: { limit: string; mechanism: string; detail: string }[] }[] };
  message?: { kind: string; text: string };
  request?: number;
  result?: { session: { state: string; mode: string }; resultSets: { rows: unknown[][] }[]; messages: { text: string }[] };
}

/** Runs runOnce.ts as the test user; onLine sees each JSON line as it comes. */
function asUser(job: unknown, onLine: (line: Line) => void = () => {}): Promise<Line[]> {
  return runOnceAs<Line>({ uid, gid, home }, job, onLine);
}

const settings = () => ({ mode: 'namespaces', sessionsRoot: join(home, 'sessions'), cgroupName: bed.cgroupName, pythonPath: PYTHON, pools: [pool('sqlmltn', 2, { maxMemoryPercent: 50, maxProcesses: 200 })] });

test('as an unprivileged user the launcher serves in namespaces mode, and reports rlimits instead of cgroups', { skip }, async () => {
  const lines = await asUser({ settings: settings(), requests: [{ caller: 'u', database: 'db', language: 'python', script: 'import os\nprint(os.getuid())\nOutputDataSet = pandas.DataFrame({"x": [1]})' }] });
  const status = lines.find((l) => l.status)?.status;
  assert.ok(status, JSON.stringify(lines.find((l) => l.refused)));
  assert.equal(status.mode, 'namespaces');
  const mechanisms = Object.fromEntries(status.pools[0]!.enforcement.map((e) => [e.limit, e.mechanism]));
  assert.deepEqual(mechanisms, { cpu: 'none', memory: 'rlimit', processes: 'rlimit', storage: 'tmpfs' });
  const result = lines.find((l) => l.result)!.result!;
  assert.equal(result.session.state, 'succeeded');
  assert.equal(result.session.mode, 'namespaces');
  assert.deepEqual(result.resultSets[0]!.rows, [[1]]);
});

test('namespaces mode posture, seen from outside: the user’s uid, no capabilities, NoNewPrivs, its own namespaces, loopback only', { skip }, async () => {
  let checked = false;
  let launcherPid = 0;
  await asUser(
    { settings: settings(), requests: [{ caller: 'u', database: 'db', language: 'python', script: "import time\nprint('ready', flush=True)\ntime.sleep(2)" }] },
    (line) => {
      if (!line.message?.text.includes('ready')) return;
      const pids = workerProcesses([uid]);
      launcherPid = pids.find((p) => commandName(p) === 'node')!;
      const pid = pids.find((p) => commandName(p) === 'python3')!;
      const status = processStatus(pid)!;
      assert.deepEqual(status.get('Uid')!.split(/\s+/).map(Number), [uid, uid, uid, uid]);
      for (const cap of ['CapInh', 'CapPrm', 'CapEff', 'CapBnd', 'CapAmb']) assert.match(status.get(cap)!, /^0+$/, cap);
      assert.equal(status.get('NoNewPrivs'), '1');
      const theirs = namespaceIds(pid);
      const launcher = namespaceIds(launcherPid);
      for (const ns of NAMESPACES) assert.notEqual(theirs[ns], launcher[ns], ns);
      assert.deepEqual(interfaces(pid), ['lo']);
      assert.ok(environmentNames(pid)!.every((n) => ['PATH', 'HOME', 'TMPDIR', 'LANG', 'TZ', 'USER', 'LOGNAME', 'GLIBC_TUNABLES', 'SQLML_SESSION_ID', 'PWD'].includes(n)));
      checked = true;
    },
  );
  assert.ok(checked, 'the running satellite was inspected');
});

test('sessions of the same user cannot see each other: each sees only its own session folder', { skip }, async () => {
  const lines = await asUser({
    settings: settings(),
    requests: [
      { caller: 'same', database: 'db', language: 'python', script: "import time\nopen('mine.txt', 'w').write('secret')\ntime.sleep(2.5)" },
      {
        caller: 'same',
        database: 'db',
        language: 'python',
        script: `import os, time
time.sleep(1)
worker = os.path.dirname(os.getcwd())
OutputDataSet = pandas.DataFrame({'sessions': [len(os.listdir(worker))], 'workers': [len(os.listdir(os.path.dirname(worker)))]})`,
      },
    ],
  });
  const results = lines.filter((l) => l.result).sort((a, b) => a.request! - b.request!);
  assert.equal(results.length, 2);
  assert.deepEqual(results[1]!.result!.resultSets[0]!.rows, [[1, 1]], 'one worker folder, one session: its own');
});

test('accounts mode refuses to start without root', { skip }, async () => {
  const lines = await asUser({ settings: { ...settings(), mode: 'accounts' } });
  assert.match(lines[0]!.refused!.join('\n'), /Mode accounts needs root/);
});
