// Issue 10, item 3: every place a script can write — its session folder, /tmp, /var/tmp, /dev/shm —
// shares one size-limited storage per session, in accounts and in namespaces mode. A write past it
// fails inside the script with ENOSPC near the limit, the session ends with the error visible, the
// host disk does not grow by more than the limit, and the next session runs normally.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, readFileSync, statfsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Launcher } from '../../../server/src/node/launcher/launcher';
import { accountsSkip, errors, mountsUnder, pool, printed, PYTHON, records, run, runOnceAs, sessionFoldersUnder, sleep, TestBed } from './harness';

const skip = accountsSkip();
const MiB = 1024 * 1024;
const LIMIT_MIB = 48;
// What the storage holds besides the filler: the runner and the request's files (a few KiB).
const SLACK = 2 * MiB;

// Fills each place until the write fails, then frees it for the next; at the folder's peak it
// prints a mark and waits, so the test can look at the host's disk while the folder is full.
const FILL = `
import errno, os, time
block = b'x' * (1024 * 1024)
rows = []
for place in ['.', '/tmp', '/var/tmp', '/dev/shm', '/dev']:
    path = os.path.join(place, 'fill')
    written, outcome = 0, 'ok'
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            while written < ${4 * LIMIT_MIB} * len(block):
                written += os.write(fd, block)
        finally:
            os.close(fd)
    except OSError as e:
        outcome = errno.errorcode.get(e.errno, str(e.errno))
    if place == '.':
        print('folder full', flush=True)
        time.sleep(1.5)
    if os.path.exists(path):
        os.unlink(path)
    rows.append((place, written, outcome))
OutputDataSet = pandas.DataFrame(rows, columns=['place', 'written', 'outcome'])
`;

// Does not catch the error: the session must still end, failed, saying why.
const OVERFLOW = `
with open('/dev/shm/big', 'wb') as f:
    f.write(b'y' * ${2 * LIMIT_MIB} * 1024 * 1024)
`;

function usedBytes(path: string): number {
  const s = statfsSync(path);
  return (s.blocks - s.bfree) * s.bsize;
}

interface Filled {
  place: string;
  written: number;
  outcome: string;
}

function assertFilled(rows: Filled[]): void {
  const by = new Map(rows.map((r) => [r.place, r]));
  for (const place of ['.', '/tmp', '/var/tmp', '/dev/shm']) {
    const row = by.get(place);
    assert.ok(row, `${place} was tried`);
    assert.equal(row.outcome, 'ENOSPC', `${place}: the write past the limit fails with ENOSPC (errno 28)`);
    assert.ok(row.written <= LIMIT_MIB * MiB && row.written >= LIMIT_MIB * MiB - SLACK, `${place}: stopped at ${(row.written / MiB).toFixed(1)} MiB, want about ${LIMIT_MIB}`);
  }
  assert.equal(by.get('/dev')!.outcome, 'EROFS', "bubblewrap's own /dev takes no files");
}

function assertOverflow(state: string, stderr: string): void {
  assert.equal(state, 'failed');
  assert.match(stderr, /No space left on device/);
}

// ---------------------------------------------------------------------------------------------
// accounts mode (root)

const bed = new TestBed('storage');
const PREFIX = 'sqlmltq';
const KEEP_PREFIX = 'sqlmltk';
let launcher: Launcher;

before(async () => {
  if (skip) return;
  await bed.provision(PREFIX, 2);
  await bed.provision(KEEP_PREFIX, 1);
  launcher = await bed.start({ pools: [pool(PREFIX, 2, {}, { sessionStorageMiB: LIMIT_MIB })] });
});

after(async () => {
  if (skip) return;
  await bed.teardown();
  await nsTeardown();
});

test('accounts: the status shows the storage per session and how it is bounded', { skip }, () => {
  const storage = launcher.pools()[0]!.enforcement.find((e) => e.limit === 'storage')!;
  assert.equal(storage.value, `${LIMIT_MIB} MiB per session`);
  assert.equal(storage.mechanism, 'tmpfs');
  assert.match(storage.detail, /folder, \/tmp, \/var\/tmp and \/dev\/shm/);
});

test('#45 [accounts] folder, /tmp, /var/tmp and /dev/shm each stop with ENOSPC at the one limit; the host disk does not grow', { skip }, async () => {
  const before = usedBytes(bed.sessionsRoot);
  let peak = before;
  const result = await run(launcher, { caller: 'filler', script: FILL }, { onMessage: (m) => void (m.text.includes('folder full') && (peak = usedBytes(bed.sessionsRoot))) });
  assert.equal(result.session.state, 'succeeded', errors(result));
  assertFilled(records(result) as unknown as Filled[]);
  assert.ok(peak - before < LIMIT_MIB * MiB, `the host disk grew by ${((peak - before) / MiB).toFixed(1)} MiB while the folder was full`);
  assert.deepEqual(sessionFoldersUnder(bed.sessionsRoot), [], 'and nothing is left on it after the session');
  assert.deepEqual(mountsUnder(bed.base), [], 'no mount on the host');
});

test('accounts: the storage counts in the pool’s memory cgroup while the session holds it', { skip }, async () => {
  const pool = 'default';
  const file = [`/sys/fs/cgroup/memory/${bed.cgroupName}/${pool}/memory.usage_in_bytes`, `/sys/fs/cgroup/${bed.cgroupName}/${pool}/memory.current`].find(existsSync);
  assert.ok(file, 'the pool has a memory cgroup');
  const usage = () => Number(readFileSync(file, 'utf8'));
  let held = 0;
  const script = "import time\nwith open('/tmp/hold', 'wb') as f:\n    f.write(b'z' * 32 * 1024 * 1024)\nprint('holding', flush=True)\ntime.sleep(1.5)";
  const result = await run(launcher, { caller: 'holder', script }, { onMessage: (m) => void (m.text.includes('holding') && (held = usage())) });
  assert.equal(result.session.state, 'succeeded', errors(result));
  assert.ok(held >= 32 * MiB, `the pool's cgroup counted ${(held / MiB).toFixed(1)} MiB while 32 MiB sat in /tmp`);
});

test('#45 [accounts] an uncaught write past the limit fails the session with ENOSPC visible; the next session works', { skip }, async () => {
  const result = await run(launcher, { caller: 'overflow', script: OVERFLOW });
  assertOverflow(result.session.state, `${printed(result, 'stderr')}\n${errors(result)}`);
  const next = await run(launcher, { caller: 'overflow', script: "import os\nOutputDataSet = pandas.DataFrame({'free': [os.statvfs('.').f_bavail * os.statvfs('.').f_frsize]})" });
  assert.equal(next.session.state, 'succeeded', errors(next));
  assert.ok(Number(records(next)[0]!.free) > (LIMIT_MIB - 2) * MiB, 'the next session starts with its whole storage');
  assert.deepEqual(sessionFoldersUnder(bed.sessionsRoot), []);
});

test('accounts: a folder kept for debugging is copied back, bounded by the limit, as a plain folder', { skip }, async () => {
  const kept = join(bed.base, 'kept');
  const keeping = await bed.start({ pools: [pool(KEEP_PREFIX, 1, {}, { sessionStorageMiB: LIMIT_MIB })], keepSessionFolders: true, cgroupName: `${bed.cgroupName}-keep`, sessionsRoot: kept });
  try {
    const before = usedBytes(kept);
    const script = "import os\nos.chmod('.', 0o777)\nfd = os.open('fill', os.O_WRONLY | os.O_CREAT)\ntry:\n    while True:\n        os.write(fd, b'x' * 1048576)\nexcept OSError as e:\n    print(e.errno)\n# Room for the result.\nos.ftruncate(fd, os.fstat(fd).st_size - 2 * 1048576)";
    const result = await run(keeping, { caller: 'debugger', script });
    assert.equal(printed(result), '28', errors(result));
    assert.equal(printed(result, 'stderr'), '', 'copying back says nothing');
    const folder = keeping.sessions().find((s) => s.id === result.session.id)!.folder!;
    assert.ok(existsSync(join(folder, 'fill')) && existsSync(join(folder, 'runner.py')), 'what the script left is kept');
    assert.ok(usedBytes(kept) - before <= LIMIT_MIB * MiB + SLACK, 'the kept copy is no bigger than the storage');
    const size = Number(execFileSync('/usr/bin/du', ['-s', '-B1', folder], { encoding: 'utf8' }).split('\t')[0]);
    assert.ok(size > (LIMIT_MIB - 4) * MiB && size <= LIMIT_MIB * MiB + SLACK, `the kept folder holds ${(size / MiB).toFixed(1)} MiB`);
    assert.deepEqual(mountsUnder(bed.base), [], 'a kept folder is a plain folder, not a mount');
    const st = statSync(folder);
    assert.deepEqual([st.uid, st.mode & 0o7777], [0, 0o770], 'the script’s chmod of its folder reached only its own storage: the host folder is root’s, 0770');
  } finally {
    // Its close removes its cgroups; the teardown removes the kept folder with the test's base.
    await bed.stop(keeping);
  }
});

// ---------------------------------------------------------------------------------------------
// namespaces mode: the launcher run by an unprivileged user, as namespaces.test.ts does

const USER = 'sqlmltquser';
let nsReady = false;
let uid = 0;
let gid = 0;
let home = '';

function nsSetup(): void {
  if (nsReady) return;
  execFileSync('/usr/sbin/useradd', ['--system', '--user-group', '--no-create-home', '--home-dir', '/nonexistent', '--shell', '/usr/sbin/nologin', '--comment', 'sqlml storage test user', USER]);
  uid = Number(execFileSync('/usr/bin/id', ['-u', USER], { encoding: 'utf8' }));
  gid = Number(execFileSync('/usr/bin/id', ['-g', USER], { encoding: 'utf8' }));
  home = join(bed.base, 'home');
  mkdirSync(home, { mode: 0o700 });
  chownSync(home, uid, gid);
  nsReady = true;
}

async function nsTeardown(): Promise<void> {
  if (!nsReady) return;
  spawnSync('/usr/bin/pkill', ['-KILL', '-u', USER]);
  await sleep(200);
  spawnSync('/usr/sbin/userdel', [USER]);
}

interface Line {
  refused?: string[];
  status?: { pools: { enforcement: { limit: string; value: string; mechanism: string; detail: string }[] }[] };
  message?: { kind: string; text: string };
  request?: number;
  result?: { session: { state: string }; resultSets: { columns: { name: string }[]; rows: unknown[][] }[]; messages: { kind: string; text: string }[] };
}

function asUser(requests: { script: string }[], onLine: (line: Line) => void = () => {}): Promise<Line[]> {
  const settings = {
    mode: 'namespaces',
    sessionsRoot: join(home, 'sessions'),
    cgroupName: `${bed.cgroupName}-ns`,
    pythonPath: PYTHON,
    pools: [pool('sqlmltqn', 2, {}, { sessionStorageMiB: LIMIT_MIB })],
  };
  const job = { settings, requests: requests.map((r) => ({ caller: 'u', database: 'db', language: 'python', ...r })) };
  return runOnceAs<Line>({ uid, gid, home }, job, onLine);
}

function resultOf(lines: Line[], request = 0): NonNullable<Line['result']> {
  const found = lines.find((l) => l.result && l.request === request)?.result;
  assert.ok(found, JSON.stringify(lines.find((l) => l.refused) ?? lines.at(-1)));
  return found;
}

const stderrOf = (r: NonNullable<Line['result']>) => r.messages.map((m) => m.text).join('\n');

test('#45 [namespaces] the same one limit holds for an unprivileged launcher; the host disk does not grow; the next session works', { skip }, async () => {
  nsSetup();
  const root = join(home, 'sessions');
  const before = usedBytes(home);
  let peak = before;
  const lines = await asUser([{ script: FILL }], (line) => {
    if (line.message?.text.includes('folder full')) peak = usedBytes(home);
  });
  const storage = lines.find((l) => l.status)!.status!.pools[0]!.enforcement.find((e) => e.limit === 'storage')!;
  assert.equal(storage.value, `${LIMIT_MIB} MiB per session`);
  assert.match(storage.detail, /not counted in the pool's memory as a whole|no memory limit/, 'without a cgroup the status says the pool does not count it');
  const result = resultOf(lines);
  assert.equal(result.session.state, 'succeeded', stderrOf(result));
  const set = result.resultSets[0]!;
  assertFilled(set.rows.map((row) => Object.fromEntries(set.columns.map((c, i) => [c.name, row[i]]))) as unknown as Filled[]);
  assert.ok(peak - before < LIMIT_MIB * MiB, `the host disk grew by ${((peak - before) / MiB).toFixed(1)} MiB while the folder was full`);
  assert.deepEqual(sessionFoldersUnder(root), []);

  const again = await asUser([{ script: OVERFLOW }, { script: "OutputDataSet = pandas.DataFrame({'ok': [1]})" }]);
  const overflow = resultOf(again, 0);
  assertOverflow(overflow.session.state, stderrOf(overflow));
  assert.equal(resultOf(again, 1).session.state, 'succeeded', 'a session beside the full one runs normally');
  const next = resultOf(await asUser([{ script: "OutputDataSet = pandas.DataFrame({'ok': [1]})" }]));
  assert.equal(next.session.state, 'succeeded', stderrOf(next));
  assert.deepEqual(sessionFoldersUnder(root), [], 'nothing is left on the host disk');
});
