// The session's storage as the launcher plans it: its size from the pool, where the storage
// script sits in the command chain, what bubblewrap binds from it, and how the status reports it.
// (test/integration/launcher/storage-quota.test.ts fills it for real.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_SESSION_STORAGE_MIB, describeValue, sessionStorageBytes } from '../../../server/src/core/launcher/limits';
import { defaultPool, validatePools } from '../../../server/src/core/launcher/pools';
import { bwrapArgs, spawnPlan, type HostLayout, type SandboxSpec } from '../../../server/src/node/launcher/sandbox';
import { storageEnforcement } from '../../../server/src/node/launcher/storage';

const MiB = 1024 * 1024;
const HOST: HostLayout = { links: [['usr/bin', '/bin']], dirs: [], etc: [], networkEtc: [] };
const FOLDER = '/var/lib/sqlml/sessions/sqlml01/S';

function spec(patch: Partial<SandboxSpec> = {}): SandboxSpec {
  return {
    mode: 'accounts',
    bwrapPath: '/usr/bin/bwrap',
    worker: { uid: 999, gid: 995 },
    cgroupProcs: [],
    rlimitPrefix: [],
    folder: FOLDER,
    allowNetwork: false,
    quotaBytes: 64 * MiB,
    keepFolder: false,
    loopback: false,
    env: {},
    command: ['/usr/bin/python3', '-I', `${FOLDER}/runner.py`],
    ...patch,
  };
}

test('a session’s storage: the pool’s setting, else 1 GiB kept within the pool’s memory limit', () => {
  assert.equal(sessionStorageBytes(64, undefined), 64 * MiB);
  assert.equal(sessionStorageBytes(64, 10 * MiB), 64 * MiB, 'an explicit setting is taken as it is');
  assert.equal(sessionStorageBytes(undefined, undefined), DEFAULT_SESSION_STORAGE_MIB * MiB);
  assert.equal(sessionStorageBytes(undefined, 200 * MiB + 4096), 200 * MiB, 'whole MiB of the memory limit');
  assert.equal(sessionStorageBytes(undefined, 8 * 1024 * MiB), 1024 * MiB);
  assert.equal(sessionStorageBytes(undefined, 4096), MiB, 'never 0: a tmpfs of size 0 is unbounded');
  assert.equal(describeValue('storage', { storageBytes: 64 * MiB }), '64 MiB per session');
});

test('the pool’s storage setting must be a whole number of MiB', () => {
  assert.deepEqual(validatePools([{ ...defaultPool(), sessionStorageMiB: 512 }]), []);
  for (const bad of [0, -1, 1.5, Number.NaN]) {
    assert.match(validatePools([{ ...defaultPool(), sessionStorageMiB: bad }]).join('\n'), /session storage must be a whole number of MiB/, String(bad));
  }
});

test('accounts: the storage script runs as the worker, after the switch, before prlimit and bubblewrap', () => {
  const plan = spawnPlan(spec({ cgroupProcs: ['/sys/fs/cgroup/pids/x/cgroup.procs'], rlimitPrefix: ['/usr/bin/prlimit', '--as=1', '--'] }), HOST);
  const argv = [plan.file, ...plan.args];
  const at = (x: string) => argv.indexOf(x);
  assert.ok(at('--reuid') < at('/usr/bin/unshare'), 'the switch to the worker comes first: the worker mounts its own tmpfs');
  assert.ok(at('--pdeathsig') > 0 && at('--pdeathsig') < at('/usr/bin/unshare'), 'the storage script dies with the launcher');
  const unshare = at('/usr/bin/unshare');
  assert.deepEqual(argv.slice(unshare, unshare + 6), ['/usr/bin/unshare', '--user', '--map-current-user', '--mount', '--keep-caps', '--']);
  const script = argv.indexOf('sqlml-storage');
  assert.deepEqual(argv.slice(script + 1, script + 6), [FOLDER, String(64 * MiB), '4096', '0', String(process.pid)], 'folder, bytes, inodes, keep, the launcher');
  assert.match(argv[script - 1]!, /\[ "\$PPID" = "\$launcher" \] \|\| exit/, 'a script whose launcher died before the parent-death signal was set stops');
  assert.ok(at('/usr/bin/prlimit') > script && at('/usr/bin/bwrap') > at('/usr/bin/prlimit'));
  const drop = argv.indexOf('/usr/bin/setpriv', script);
  assert.ok(drop > script && drop < at('/usr/bin/bwrap'), 'the namespace’s capabilities are dropped before bubblewrap');
  assert.ok(argv.slice(drop, at('/usr/bin/bwrap')).includes('--ambient-caps=-all'));
  // bubblewrap is the storage script's child: it dies with the script, and stops if the script died before its signal was armed.
  const armed = argv.indexOf('--pdeathsig', script);
  assert.ok(armed > drop && armed < at('/usr/bin/bwrap'), 'the script’s child has a parent-death signal of its own');
  const check = argv.indexOf('sqlml-parent');
  assert.ok(check > armed && check < at('/usr/bin/prlimit'), 'and checks its parent after arming it, before prlimit and bubblewrap');
  assert.match(argv[check - 1]!, /\[ "\$PPID" = "\$SQLML_STORAGE_PID" \] \|\| exit 124\nexec "\$@"/);
  assert.match(argv[script - 1]!, /SQLML_STORAGE_PID=\$\$ "\$@"/, 'the script tells its child its pid');
  assert.equal(spawnPlan(spec({ keepFolder: true }), HOST).args[spawnPlan(spec({ keepFolder: true }), HOST).args.indexOf('sqlml-storage') + 4], '1');
});

test('namespaces: the same storage script, with a parent-death signal of its own', () => {
  const plan = spawnPlan(spec({ mode: 'namespaces', worker: undefined }), HOST);
  assert.equal(plan.file, '/usr/bin/setpriv');
  assert.deepEqual(plan.args.slice(0, 3), ['--pdeathsig', 'KILL', '--']);
  assert.ok(plan.args.indexOf('/usr/bin/unshare') < plan.args.indexOf('/usr/bin/bwrap'));
  const none = spawnPlan(spec({ mode: 'none', worker: undefined }), HOST);
  assert.ok(!none.args.includes('/usr/bin/unshare'), 'mode none has no sandbox and no storage');
});

test('bubblewrap binds every writable place from the storage and leaves its own /dev read-only', () => {
  const args = bwrapArgs(spec(), HOST);
  const binds = args.flatMap((a, i) => (a === '--bind' ? [[args[i + 1], args[i + 2]]] : []));
  assert.deepEqual(binds, [
    [`${FOLDER}/work`, FOLDER],
    [`${FOLDER}/tmp`, '/tmp'],
    [`${FOLDER}/var-tmp`, '/var/tmp'],
    [`${FOLDER}/shm`, '/dev/shm'],
  ]);
  assert.ok(!args.includes('--tmpfs') && !args.includes('--size'), 'no tmpfs of bubblewrap’s own, each with a budget of its own');
  const ro = args.flatMap((a, i) => (a === '--remount-ro' ? [args[i + 1]] : []));
  assert.deepEqual(ro, ['/dev', '/']);
  assert.ok(args.indexOf('/dev/shm') > args.indexOf('--dev'), '/dev/shm is bound over the one --dev makes');
});

test('the status says how storage is bounded and whether the pool counts it', () => {
  const limits = { memoryBytes: 200 * MiB, storageBytes: 64 * MiB };
  const cgroup = storageEnforcement('accounts', limits, { limit: 'memory', setting: 'MAX_MEMORY_PERCENT = 10', value: '200 MiB', mechanism: 'cgroup v1', detail: '/sys/fs/cgroup/memory/x/memory.limit_in_bytes' });
  assert.equal(cgroup.mechanism, 'tmpfs');
  assert.equal(cgroup.value, '64 MiB per session');
  assert.match(cgroup.detail, /ENOSPC.*count in the pool's memory \(\/sys\/fs\/cgroup\/memory/);
  const rlimit = storageEnforcement('namespaces', limits, { limit: 'memory', setting: 'MAX_MEMORY_PERCENT = 10', value: '200 MiB', mechanism: 'rlimit', detail: 'RLIMIT_AS of each process' });
  assert.match(rlimit.detail, /not counted in the pool's memory as a whole/);
  assert.match(storageEnforcement('accounts', { storageBytes: MiB }, undefined).detail, /sets no memory limit/);
  assert.equal(storageEnforcement('none', limits, undefined).mechanism, 'none');
});
