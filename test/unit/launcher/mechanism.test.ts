// The pure parts of the Node mechanism: cgroup layout detection and limit files (v1 and v2),
// the sandbox's argument vector, the posture judgement, the exchange format and CSV input.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { detectLayout } from '../../../server/src/node/launcher/cgroups/layout';
import { poolLimitWrites } from '../../../server/src/node/launcher/cgroups/limitWrites';
import { parseMountInfo } from '../../../server/src/node/launcher/mounts';
import { bwrapArgs, spawnPlan, type HostLayout, type SandboxSpec } from '../../../server/src/node/launcher/sandbox';
import { judgePosture, type ObservedPosture } from '../../../server/src/node/launcher/posture';
import { ALLOWED_VARIABLES, satelliteEnvironment } from '../../../server/src/node/launcher/environment';
import { encodeDataset } from '../../../server/src/node/launcher/exchange/encode';
import { decodeFile } from '../../../server/src/node/launcher/exchange/decode';
import { MAGIC } from '../../../server/src/node/launcher/exchange/format';
import { readCsv } from '../../../server/src/node/launcher/csv';
import { rlimitPlan } from '../../../server/src/node/launcher/rlimits';

const V1_HOST = `
25 1 0:22 / /sys/fs/cgroup rw - tmpfs tmpfs rw,mode=755
26 25 0:23 / /sys/fs/cgroup/cpu rw - cgroup cgroup rw,cpu
27 25 0:24 / /sys/fs/cgroup/cpuacct rw - cgroup cgroup rw,cpuacct
28 25 0:25 / /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory
29 25 0:26 / /sys/fs/cgroup/freezer rw - cgroup cgroup rw,freezer
30 25 0:27 / /sys/fs/cgroup/pids rw - cgroup cgroup rw,pids
31 25 0:28 / /sys/fs/cgroup/unified rw - cgroup2 cgroup2 rw`;

const V2_HOST = `
25 1 0:22 / /sys/fs/cgroup rw,nosuid - cgroup2 cgroup2 rw,nsdelegate
40 1 8:1 / /var/lib/my\\040dir rw - ext4 /dev/sda1 rw`;

test('cgroup v1 hosts (this machine kind) and v2 hosts are told apart from the mount table', () => {
  const v1 = detectLayout(parseMountInfo(V1_HOST), () => []);
  assert.equal(v1.version, 1);
  if (v1.version === 1) {
    assert.equal(v1.mounts.get('pids'), '/sys/fs/cgroup/pids');
    assert.equal(v1.mounts.get('freezer'), '/sys/fs/cgroup/freezer');
  }
  const v2 = detectLayout(parseMountInfo(V2_HOST), () => ['cpuset', 'cpu', 'io', 'memory', 'pids']);
  assert.deepEqual(v2, { version: 2, mount: '/sys/fs/cgroup' });
  const none = detectLayout(parseMountInfo(V2_HOST), () => ['hugetlb']);
  assert.equal(none.version, 0);
  assert.equal(parseMountInfo(V2_HOST)[1]!.mountPoint, '/var/lib/my dir', 'octal escapes in mount points are decoded');
});

test('pool limits go to the right files for each cgroup version; unlimited is written explicitly', () => {
  const limits = { cpuQuotaUs: 50_000, memoryBytes: 209_715_200, processes: 30 };
  assert.deepEqual(
    poolLimitWrites(1, limits).map((w) => `${w.controller}/${w.file}=${w.value}`),
    ['cpu/cpu.cfs_period_us=100000', 'cpu/cpu.cfs_quota_us=50000', 'memory/memory.limit_in_bytes=209715200', 'pids/pids.max=30'],
  );
  assert.deepEqual(
    poolLimitWrites(2, limits).map((w) => `${w.file}=${w.value}`),
    ['cpu.max=50000 100000', 'memory.max=209715200', 'pids.max=30'],
  );
  assert.deepEqual(
    poolLimitWrites(2, {}).map((w) => `${w.file}=${w.value}`),
    ['cpu.max=max 100000', 'memory.max=max', 'pids.max=max'],
  );
});

test('without a writable cgroup, rlimits stand in and the status says CPU is not enforced', () => {
  const settings = { cpu: 'MAX_CPU_PERCENT = 25', memory: 'MAX_MEMORY_PERCENT = 10', processes: 'MAX_PROCESSES = 30' };
  const plan = rlimitPlan({ cpuQuotaUs: 50_000, memoryBytes: 1 << 28, processes: 30 }, settings, 'no writable cgroup');
  assert.deepEqual(plan.prefix, ['/usr/bin/prlimit', `--as=${1 << 28}`, '--nproc=30', '--']);
  assert.deepEqual(plan.enforcement.map((e) => e.mechanism), ['none', 'rlimit', 'rlimit']);
  assert.match(plan.enforcement[0]!.detail, /not enforced/);
});

const HOST: HostLayout = { links: [['usr/bin', '/bin']], dirs: [], etc: ['/etc/R'], networkEtc: ['/etc/resolv.conf'] };

function spec(patch: Partial<SandboxSpec> = {}): SandboxSpec {
  return {
    mode: 'accounts',
    bwrapPath: '/usr/bin/bwrap',
    worker: { uid: 999, gid: 995 },
    cgroupProcs: ['/sys/fs/cgroup/pids/sqlml/default/S/cgroup.procs'],
    rlimitPrefix: [],
    folder: '/var/lib/sqlml/sessions/sqlml01/S',
    allowNetwork: false,
    quotaBytes: 1 << 20,
    keepFolder: false,
    loopback: false,
    env: { PATH: '/usr/bin:/bin', HOME: '/var/lib/sqlml/sessions/sqlml01/S' },
    command: ['/usr/bin/python3', '-I', '/var/lib/sqlml/sessions/sqlml01/S/runner.py'],
    ...patch,
  };
}

test('accounts: join the cgroup as root, switch to the worker, then bubblewrap with every namespace', () => {
  const plan = spawnPlan(spec(), HOST);
  const argv = [plan.file, ...plan.args];
  const at = (x: string) => argv.indexOf(x);
  assert.equal(plan.file, '/bin/sh');
  assert.ok(at('/usr/bin/setpriv') > at('/sys/fs/cgroup/pids/sqlml/default/S/cgroup.procs'), 'cgroup join comes before the uid switch');
  assert.ok(at('/usr/bin/bwrap') > at('/usr/bin/setpriv'), 'bubblewrap runs after the switch, as the worker');
  for (const flag of ['--unshare-all', '--unshare-user', '--disable-userns', '--new-session', '--die-with-parent', '--clearenv', '--clear-groups', '--no-new-privs']) {
    assert.ok(argv.includes(flag), flag);
  }
  assert.ok(!argv.includes('--share-net'), 'no network unless the pool allows it');
  assert.deepEqual(plan.env, {}, 'the chain gets no environment; bwrap sets the allow-list');
  assert.deepEqual(argv.slice(-3), spec().command);
  const bind = argv.indexOf('--bind');
  assert.deepEqual(argv.slice(bind, bind + 3), ['--bind', `${spec().folder}/work`, spec().folder], 'the session folder is its storage’s part, at its own path');
});

test('a warm satellite is made the OOM killer’s first choice by the join script, while still root', () => {
  const argv = (oomFirst: boolean) => spawnPlan(spec({ oomFirst }), HOST).args;
  const join = (args: string[]) => args.slice(args.indexOf('sqlml-join') + 1, args.indexOf('sqlml-join') + 3);
  assert.deepEqual(join(argv(true)), ['1000', '1'], 'oom_score_adj 1000, then one cgroup.procs file');
  assert.deepEqual(join(argv(false)), ['', '1'], 'a session keeps the launcher’s ranking');
  assert.ok(argv(true).indexOf('sqlml-join') < argv(true).indexOf('/usr/bin/setpriv'));
});

test('a pool that allows network shares the host network and its resolver files', () => {
  const args = bwrapArgs(spec({ allowNetwork: true }), HOST);
  assert.ok(args.includes('--share-net'));
  assert.ok(args.includes('/etc/resolv.conf'));
});

test('namespaces mode runs bubblewrap as the current user; none mode runs the runtime directly', () => {
  const ns = spawnPlan(spec({ mode: 'namespaces', worker: undefined, cgroupProcs: [] }), HOST);
  assert.ok(ns.args.includes('/usr/bin/bwrap'));
  assert.ok(!ns.args.includes('--reuid'), 'no switch of user');
  const none = spawnPlan(spec({ mode: 'none', worker: undefined, cgroupProcs: [] }), HOST);
  assert.equal(none.file, '/usr/bin/python3');
  assert.equal(none.env.PATH, '/usr/bin:/bin', 'unisolated, the allow-list is the whole environment');
  assert.equal(none.cwd, spec().folder);
});

function observed(patch: Partial<ObservedPosture> = {}): ObservedPosture {
  const status = new Map([
    ['Uid', '999\t999\t999\t999'],
    ['Gid', '995\t995\t995\t995'],
    ['Groups', ''],
    ['CapInh', '0000000000000000'],
    ['CapPrm', '0000000000000000'],
    ['CapEff', '0000000000000000'],
    ['CapBnd', '0000000000000000'],
    ['CapAmb', '0000000000000000'],
    ['NoNewPrivs', '1'],
  ]);
  const ns = (tag: string) => ({ user: `user:[${tag}1]`, mnt: `mnt:[${tag}2]`, pid: `pid:[${tag}3]`, net: `net:[${tag}4]`, ipc: `ipc:[${tag}5]`, uts: `uts:[${tag}6]`, cgroup: `cgroup:[${tag}7]` });
  return {
    status,
    namespaces: ns('9'),
    launcherNamespaces: ns('4'),
    interfaces: ['lo'],
    environment: ['PATH', 'HOME', 'PWD'],
    fds: [0, 1, 2],
    cgroups: ['8:pids:/sqlml/default/S', '4:memory:/sqlml/default/S'],
    ...patch,
  };
}

const WANT = { mode: 'accounts' as const, uid: 999, gid: 995, allowNetwork: false, cgroupSuffix: '/sqlml/default/S' };

test('the posture judgement accepts the promised posture and names every difference', () => {
  assert.deepEqual(judgePosture(observed(), WANT), []);
  const bad = observed({
    interfaces: ['lo', 'eth0'],
    environment: ['PATH', 'LAUNCHER_SECRET'],
    fds: [0, 1, 2, 251],
    cgroups: ['8:pids:/'],
  });
  bad.status.set('CapBnd', '000001fffeffffff');
  bad.status.set('NoNewPrivs', '0');
  bad.status.set('Uid', '0\t0\t0\t0');
  bad.namespaces.net = bad.launcherNamespaces.net;
  const problems = judgePosture(bad, WANT).join('\n');
  for (const expected of [/LAUNCHER_SECRET/, /251/, /uid 0/, /CapBnd/, /NoNewPrivs/, /net namespace/, /eth0/, /session cgroup/]) assert.match(problems, expected);
  assert.deepEqual(judgePosture(observed({ interfaces: ['lo', 'eth0'], namespaces: observed().launcherNamespaces }), { ...WANT, allowNetwork: true }).filter((p) => /net/.test(p)), []);
});

test('the exchange format carries every kind and NULL both ways, and refuses malformed bytes', () => {
  const columns = [
    { name: 'f', type: 'float', kind: 'f8' as const },
    { name: 'i', type: 'int', kind: 'i4' as const },
    { name: 'b', type: 'bit', kind: 'b1' as const },
    { name: 's', type: 'nvarchar(10)', kind: 'str' as const },
    { name: 'd', type: 'datetime', kind: 'dt' as const },
    { name: 'x', type: 'varbinary(8)', kind: 'bin' as const },
    { name: 'l', type: 'bigint', kind: 'i8' as const },
  ];
  const rows = [
    [1.5, -7, true, 'héllo wörld', new Date(1700000000123), new Uint8Array([1, 2, 3]), 2n ** 60n],
    [null, null, null, null, null, null, null],
    [0, 2147483647, false, '', new Date(0), new Uint8Array(0), 42],
  ];
  const encoded = encodeDataset(columns, rows);
  assert.ok(encoded.ok);
  if (!encoded.ok) return;
  const decoded = decodeFile(Buffer.concat([MAGIC, ...encoded.chunks]));
  assert.ok(decoded.ok);
  if (!decoded.ok) return;
  assert.deepEqual(decoded.datasets[0]!.rows, [
    [1.5, -7, true, 'héllo wörld', new Date(1700000000123), new Uint8Array([1, 2, 3]), 2n ** 60n],
    [null, null, null, null, null, null, null],
    [0, 2147483647, false, '', new Date(0), new Uint8Array(0), 42],
  ]);
  const wrong = encodeDataset([columns[1]!], [[1.5]]);
  assert.equal(wrong.ok, false);
  assert.match(wrong.ok ? '' : wrong.message, /row 1, column 'i' \(int\) is not a 32-bit whole number/);
  // A decimal past a double's digits comes from the storage as its exact text: it goes as the nearest double; other text does not.
  const exact = encodeDataset([{ name: 'm', type: 'decimal(38,2)', kind: 'f8' }], [['19999999999999999.98'], ['-0.50']]);
  assert.ok(exact.ok);
  const exactRows = exact.ok ? decodeFile(Buffer.concat([MAGIC, ...exact.chunks])) : null;
  assert.deepEqual(exactRows?.ok && exactRows.datasets[0]!.rows, [[19999999999999999.98], [-0.5]]);
  const text = encodeDataset([columns[0]!], [['1e5']]);
  assert.match(text.ok ? '' : text.message, /row 1, column 'f' \(float\) is a string, not a number/);
  const nul = encodeDataset([columns[3]!], [['a\u0000b']]);
  assert.match(nul.ok ? '' : nul.message, /NUL character/);
  const truncated = Buffer.concat([MAGIC, ...encoded.chunks]).subarray(0, 200);
  assert.match(decodeFile(truncated).ok ? '' : (decodeFile(truncated) as { message: string }).message, /malformed/);
  assert.equal(decodeFile(Buffer.from('not an exchange file')).ok, false);
  const lie = Buffer.alloc(24);
  MAGIC.copy(lie);
  lie.writeDoubleLE(1e15, 8);
  assert.equal(decodeFile(lie).ok, false, 'a row count larger than the file is refused before any allocation');
});

test('fuzz regression: data sets without columns cannot claim more rows in all than the file has bytes', () => {
  // Each such data set is 16 bytes and costs no bytes per row: 1000 of them claiming 16008 rows
  // each made the launcher build 16 million empty rows (64 KB of them: out of memory).
  const header = Buffer.alloc(16);
  header.writeDoubleLE(1000 * 16 + MAGIC.length, 0);
  const file = Buffer.concat([MAGIC, ...Array<Buffer>(1000).fill(header)]);
  const decoded = decodeFile(file);
  assert.equal(decoded.ok, false);
  assert.match((decoded as { message: string }).message, /^The satellite's result is malformed: the row count is \d+\.$/);
  // A real file's data set without columns (no OUTPUT parameters: one row) still reads.
  const empty = encodeDataset([], [[]]);
  assert.ok(empty.ok);
  const one = decodeFile(Buffer.concat([MAGIC, ...empty.chunks, ...empty.chunks]));
  assert.ok(one.ok);
  assert.deepEqual(one.datasets.map((d) => d.rows.length), [1, 1]);
});

test('CSV input: typed and inferred columns, quoting, NULL versus empty text', () => {
  const csv = readCsv('id:int,name,score\n1,"Smith, J",2.5\n2,"",\n3,"say ""hi""",4\n');
  assert.ok(csv.ok);
  if (!csv.ok) return;
  assert.deepEqual(csv.input.columns, [
    { name: 'id', type: 'int' },
    { name: 'name', type: 'nvarchar(max)' },
    { name: 'score', type: 'float' },
  ]);
  assert.deepEqual(csv.input.rows, [
    [1, 'Smith, J', 2.5],
    [2, '', null],
    [3, 'say "hi"', 4],
  ]);
  assert.match((readCsv('a:int\nx\n') as { message: string }).message, /not a number/);
  assert.match((readCsv('a,b\n1\n') as { message: string }).message, /has 1 fields/);
});

test('fuzz regression: in a one-column CSV a blank line is a NULL row, not skipped', () => {
  // The results panel's CSV export writes a one-column NULL as a blank line; skipping blank lines
  // dropped those rows on the way back in.
  const one = readCsv('x:nvarchar(10)\r\na\r\n\r\nb\r\n\r\n');
  assert.ok(one.ok);
  assert.deepEqual(one.ok && one.input.rows, [['a'], [null], ['b'], [null]]);
  // With more columns a blank line is still skipped, and so are blank lines before the header.
  const two = readCsv('\n\nx,y\n1,2\n\n3,4\n');
  assert.ok(two.ok);
  assert.deepEqual(two.ok && two.input.rows, [[1, 2], [3, 4]]);
});

test('a session with a loopback channel gets it as a descriptor: its number is the only trace on the command line', () => {
  const env = satelliteEnvironment({ sessionId: 'S', folder: spec().folder, worker: 'sqlml01', loopback: true });
  const plan = spawnPlan(spec({ loopback: true, env }), HOST);
  assert.equal(plan.loopback, true, 'spawned with descriptor 3');
  const argv = [plan.file, ...plan.args];
  const loopbackArgs = argv.filter((a) => /loopback/i.test(a));
  assert.deepEqual(loopbackArgs, ['SQLML_LOOPBACK_FD'], 'no socket path, no token');
  assert.equal(argv[argv.indexOf('SQLML_LOOPBACK_FD') + 1], '3');
  assert.ok(
    argv.every((a, i) => a !== '--bind' || argv[i + 1]!.startsWith(`${spec().folder}/`)),
    'the session’s own storage is the only thing bound writable: no socket file',
  );
  const without = satelliteEnvironment({ sessionId: 'S', folder: spec().folder, worker: 'sqlml01', loopback: false });
  assert.ok(!('SQLML_LOOPBACK_FD' in without));
  assert.ok(Object.keys(env).every((name) => ALLOWED_VARIABLES.has(name)));
});
