// Accounts mode against the adversarial matrix of reference/isolation.md §6: the posture seen
// from outside (#1, #2, #6), and escape attempts from inside a session (#5, #7–#14, #16, #20–#22,
// #26–#29, #40). Every attempt's errno is asserted; L-side checks look at the host directly.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, openSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import type { Launcher } from '../../../server/src/node/launcher/launcher';
import { cgroupLines, commandName, environmentNames, namespaceIds, NAMESPACES, openFds, processStatus } from '../../../server/src/node/launcher/procfs';
import { accountsSkip, errors, outcomes, pool, PROBE, run, settleWarm, sleep, TestBed, uidOf, workerProcesses } from './harness';

const skip = accountsSkip();
const bed = new TestBed('posture');
const PREFIX = 'sqlmlta';
let launcher: Launcher;
let tcp: Server;
let abstract: Server;
let tcpPort = 0;
const CONFIG = join(bed.base, 'launcher.conf');
const TOKEN = `p${process.pid}`;

before(async () => {
  if (skip) return;
  await bed.provision(PREFIX, 3);
  // Things a satellite must not reach: a secret in the launcher's environment, a root-only
  // config file, a file and sockets the launcher holds open, loopback and abstract listeners.
  process.env.LAUNCHER_SECRET = 'hunter2';
  launcher = await bed.start({ pools: [pool(PREFIX, 3)] });
  writeFileSync(CONFIG, 'secret=1\n', { mode: 0o600 });
  openSync(CONFIG, 'r');
  tcp = createServer((s) => s.end('hello'));
  await new Promise<void>((r) => tcp.listen(0, '127.0.0.1', r));
  tcpPort = (tcp.address() as { port: number }).port;
  abstract = createServer((s) => s.end('hello'));
  await new Promise<void>((r) => abstract.listen(`\0sqlml-test-${TOKEN}`, r));
});

after(async () => {
  if (skip) return;
  delete process.env.LAUNCHER_SECRET;
  tcp?.close();
  abstract?.close();
  await bed.teardown();
});

/** Starts a script that prints "ready" and sleeps; resolves once it is running, with its pid. */
async function holdSession(caller: string, body = '') {
  let ready!: () => void;
  const isReady = new Promise<void>((r) => (ready = r));
  const done = run(launcher, { caller, script: `${body}\nprint('ready', flush=True)\nimport time\ntime.sleep(20)` }, { onMessage: (m) => m.text.includes('ready') && ready() });
  await isReady;
  const session = launcher.sessions().find((s) => s.caller === caller && s.state === 'running')!;
  const uid = uidOf(session.worker!);
  const pid = workerProcesses([uid]).find((p) => commandName(p) === 'python3')!;
  return { session, pid, uid, done, stop: () => launcher.cancel(session.id) };
}

test('#1 #2 #6 posture from outside: worker uid/gid, no groups, no capabilities, NoNewPrivs, 7 new namespaces, fds 0-2, session cgroup', { skip }, async () => {
  const held = await holdSession('posture');
  try {
    const status = processStatus(held.pid)!;
    const gid = Number(execFileSync('/usr/bin/id', ['-g', held.session.worker!], { encoding: 'utf8' }));
    assert.deepEqual(status.get('Uid')!.split(/\s+/).map(Number), [held.uid, held.uid, held.uid, held.uid]);
    assert.deepEqual(status.get('Gid')!.split(/\s+/).map(Number), [gid, gid, gid, gid]);
    assert.equal(status.get('Groups'), '');
    for (const cap of ['CapInh', 'CapPrm', 'CapEff', 'CapBnd', 'CapAmb']) assert.match(status.get(cap)!, /^0+$/, cap);
    assert.equal(status.get('NoNewPrivs'), '1');
    const theirs = namespaceIds(held.pid);
    const mine = namespaceIds('self');
    for (const ns of NAMESPACES) assert.notEqual(theirs[ns], mine[ns], `${ns} namespace must differ`);
    assert.deepEqual(openFds(held.pid), [0, 1, 2]);
    assert.ok(cgroupLines(held.pid).some((l) => l.endsWith(`/${bed.cgroupName}/default/${held.session.id}`)), cgroupLines(held.pid).join('\n'));
    assert.ok(!environmentNames(held.pid)!.includes('LAUNCHER_SECRET'));
  } finally {
    held.stop();
    assert.equal((await held.done).session.state, 'cancelled');
  }
});

test('#5 #7 #8 #11 #12 #13 #16 #20 #21 #26 #28 #29 escape attempts from inside fail with the expected errno', { skip }, async () => {
  const script = `${PROBE}
attempt('env', lambda: sorted(os.environ))
attempt('secret', lambda: os.environ['LAUNCHER_SECRET'])
attempt('shadow', lambda: read('/etc/shadow'))
attempt('config', lambda: read(${JSON.stringify(CONFIG)}))
attempt('list root', lambda: ','.join(sorted(os.listdir(${JSON.stringify(bed.sessionsRoot)}))))
attempt('list worker', lambda: len(os.listdir(os.path.dirname(os.getcwd()))))
attempt('list /', lambda: ','.join(sorted(os.listdir('/'))))
attempt('list /sys', lambda: ','.join(sorted(os.listdir('/sys'))))
attempt('list /sys/kernel', lambda: ','.join(sorted(os.listdir('/sys/kernel'))))
attempt('write thp', lambda: write('/sys/kernel/mm/transparent_hugepage/enabled'))
attempt('write /usr', lambda: write('/usr/sqlml-x'))
attempt('write /etc', lambda: write('/etc/sqlml-x'))
for d in ('/tmp', '/var/tmp', '/dev/shm'):
    attempt('write ' + d, lambda d=d: write(d + '/sqlmlprobe-${TOKEN}'))
attempt('hardlink shadow', lambda: os.link('/etc/shadow', 'h'))
attempt('symlink shadow', lambda: os.symlink('/etc/shadow', 'planted'))
attempt('read planted', lambda: read('planted'))
attempt('chmod session', lambda: os.chmod('.', 0o777))
attempt('pids', lambda: len([p for p in os.listdir('/proc') if p.isdigit()]))
attempt('launcher cmdline', lambda: read('/proc/${process.pid}/cmdline'))
attempt('kill launcher', lambda: os.kill(${process.pid}, 9))
import subprocess
# The probe's own process has pandas' threads, and unshare(2) of a user namespace refuses any
# multi-threaded caller (EINVAL); util-linux's unshare is single-threaded.
attempt('unshare userns', lambda: subprocess.run(['unshare', '--user', 'id'], capture_output=True, text=True).stderr.strip())
attempt('su', lambda: subprocess.run(['su', '-c', 'id'], capture_output=True, timeout=5, stdin=subprocess.DEVNULL).returncode)
attempt('abstract socket', lambda: connect(socket.AF_UNIX, '\\0sqlml-test-${TOKEN}'))
attempt('loopback tcp', lambda: connect(socket.AF_INET, ('127.0.0.1', ${tcpPort})))
attempt('interfaces', lambda: ','.join(l.split(':')[0].strip() for l in open('/proc/net/dev').read().splitlines()[2:]))
OutputDataSet = report()`;
  const result = await run(launcher, { caller: 'prober', script });
  assert.equal(result.session.state, 'succeeded', errors(result));
  const o = outcomes(result);
  const detail = new Map(result.resultSets[0]!.rows.map((r) => [r[0], String(r[2])]));
  assert.equal(o.get('env'), 'ok');
  assert.deepEqual(detail.get('env'), "['GLIBC_TUNABLES', 'HOME', 'LANG', 'LOGNAME', 'PATH', 'PWD', 'SQLML_SESSION_ID', 'TMPDIR', 'TZ', 'USER']", '#5 only the allow-list');
  assert.equal(o.get('secret'), 'KeyError', '#5');
  assert.match(o.get('shadow')!, /^(EACCES|ENOENT)$/, '#7');
  assert.equal(o.get('config'), 'ENOENT', '#8 the launcher config is not even mounted');
  assert.equal(detail.get('list root'), launcher.sessions().find((s) => s.caller === 'prober')!.worker, '#11 only its own worker folder is visible');
  assert.equal(detail.get('list worker'), '1', '#11 and in it only its own session');
  assert.ok(!detail.get('list /')!.includes('root') && !detail.get('list /')!.includes('home'), `#11 ${detail.get('list /')}`);
  assert.equal(detail.get('list /sys'), 'kernel', '#11 of /sys only the huge page settings malloc reads');
  assert.equal(detail.get('list /sys/kernel'), 'mm');
  assert.match(o.get('write thp')!, /^(EROFS|EACCES)$/, '#12');
  assert.equal(o.get('write /usr'), 'EROFS', '#12');
  assert.match(o.get('write /etc')!, /^(EROFS|EACCES)$/, '#12');
  assert.equal(existsSync('/etc/sqlml-x') || existsSync('/usr/sqlml-x'), false, '#12 nothing written on the host');
  for (const d of ['/tmp', '/var/tmp', '/dev/shm']) {
    assert.equal(o.get(`write ${d}`), 'ok', `#12 ${d} is writable inside`);
    assert.equal(existsSync(`${d}/sqlmlprobe-${TOKEN}`), false, `#12 but nothing reaches the host's ${d}`);
  }
  assert.match(o.get('hardlink shadow')!, /^(EXDEV|EPERM|ENOENT)$/, '#13');
  assert.equal(o.get('symlink shadow'), 'ok', '#13 a link may be planted…');
  assert.match(o.get('read planted')!, /^(ENOENT|EACCES)$/, '#13 …but leads nowhere inside');
  // The folder the script sees is its own private storage (storage.ts); the host folder, root:<worker>
  // 0770, is never mounted into the sandbox (storage-quota.test.ts checks it keeps its mode).
  assert.equal(o.get('chmod session'), 'ok', '#16 a chmod reaches only the script’s own storage');
  assert.ok(Number(detail.get('pids')) <= 3, `#20 sees ${detail.get('pids')} pids`);
  assert.equal(o.get('launcher cmdline'), 'ENOENT', '#20');
  assert.equal(o.get('kill launcher'), 'ESRCH', '#21');
  assert.match(detail.get('unshare userns')!, /No space left on device|Operation not permitted/, '#26 nested user namespaces are disabled');
  assert.notEqual(detail.get('su'), '0', '#26 su does not succeed');
  assert.equal(o.get('abstract socket'), 'ECONNREFUSED', '#28');
  assert.equal(o.get('loopback tcp'), 'ECONNREFUSED', '#29 the sandbox has its own empty loopback');
  assert.equal(detail.get('interfaces'), 'lo');
});

test('#9 #10 #22 other sessions are invisible: another worker’s, and the same worker’s running at the same time', { skip }, async () => {
  const held = await holdSession('alice', "open('secret.txt', 'w').write('alice')");
  try {
    const secret = join(held.session.folder!, 'secret.txt');
    // The file is in the held session's own storage, seen through its mount namespace (storage.ts).
    const inHeld = `/proc/${held.pid}/root${secret}`;
    assert.ok(existsSync(inHeld), 'the held session wrote its file');
    const script = `${PROBE}
attempt('read', lambda: read(${JSON.stringify(secret)}))
attempt('list', lambda: os.listdir(${JSON.stringify(held.session.folder)}))
attempt('ptrace', lambda: checked(libc.ptrace(16, ${held.pid}, None, None)))
attempt('kill', lambda: os.kill(${held.pid}, 9))
OutputDataSet = report()`;
    const other = await run(launcher, { caller: 'bob', script });
    const same = await run(launcher, { caller: 'alice', script });
    assert.notEqual(other.session.worker, held.session.worker);
    assert.equal(same.session.worker, held.session.worker, 'parallel statements of one caller share a worker');
    for (const [label, result] of [['#9 other worker', other], ['#10 same worker', same]] as const) {
      const o = outcomes(result);
      assert.equal(o.get('read'), 'ENOENT', label);
      assert.equal(o.get('list'), 'ENOENT', label);
      assert.equal(o.get('ptrace'), 'ESRCH', `#22 ${label}`);
      assert.equal(o.get('kill'), 'ESRCH', `#22 ${label}`);
    }
    assert.ok(existsSync(inHeld), 'and the held session is untouched');
  } finally {
    held.stop();
    await held.done;
  }
});

test('#27 SysV IPC objects made inside never appear on the host, during or after the session', { skip }, async () => {
  const ipcs = () => execFileSync('/usr/bin/ipcs', ['-m', '-q', '-s'], { encoding: 'utf8' });
  const before = ipcs();
  let during = '';
  const script = `
import ctypes, time
libc = ctypes.CDLL(None, use_errno=True)
shm = libc.shmget(0, 4096, 0o1644)
msg = libc.msgget(0, 0o1644)
print('made', shm, msg, flush=True)
time.sleep(1.5)`;
  const result = await run(launcher, { caller: 'ipc', script }, { onMessage: (m) => m.text.includes('made') && (during = ipcs()) });
  assert.equal(result.session.state, 'succeeded', errors(result));
  assert.match(result.messages[0]!.text, /made \d+ \d+/, 'the objects were made inside');
  assert.equal(during, before, 'no new IPC object on the host while the session runs');
  assert.equal(ipcs(), before, 'nor after');
});

test('#13 #14 the launcher never follows or blocks on what a script leaves as its result', { skip }, async () => {
  const cases: [string, string, RegExp][] = [
    ['symlink to /etc/shadow', "os.symlink('/etc/shadow', 'result.bin')", /symbolic link/],
    ['FIFO', "os.mkfifo('result.bin')", /not a regular file/],
    ['folder', "os.mkdir('result.bin')", /not a regular file/],
    // A link inside the session's own storage can only reach the script's own files; result.bin
    // comes back to the host as a copy (storage.ts), which then is refused as what it holds.
    ['hard link', "open('other', 'w').write('x')\nos.link('other', 'result.bin')", /hard links|malformed/],
    ['10 GB sparse file', "f = open('result.bin', 'wb')\nf.truncate(10 * 1024 ** 3)\nf.close()", /larger than/],
  ];
  for (const [what, plant, reason] of cases) {
    const started = Date.now();
    const result = await run(launcher, { caller: 'planter', script: `import os\n${plant}\nos._exit(0)` });
    assert.equal(result.session.state, 'failed', what);
    assert.match(errors(result), reason, what);
    assert.ok(!errors(result).includes('root:'), `${what}: no shadow data reaches the caller`);
    assert.ok(Date.now() - started < 10_000, `${what}: no hang`);
  }
  const bad = await launcher.launch({ caller: 'x', database: 'd', language: 'python', script: '', inputName: '../etc/passwd' });
  assert.equal(bad.ok, false, '#14 input names are checked');
  const nul = await launcher.launch({ caller: 'x', database: 'd', language: 'python', script: '', outputName: 'a\u0000b' });
  assert.equal(nul.ok, false);
});

test('#40 a worker reused by another caller shows nothing of the previous session', { skip }, async () => {
  // With warm satellites, both sessions get the first worker once every worker has one again.
  await settleWarm(launcher);
  const first = await run(launcher, {
    caller: 'xavier',
    script: `
import os, subprocess, ctypes
for d in ('/tmp', '/var/tmp', '/dev/shm'):
    open(d + '/left-behind', 'w').write('x')
open('left-behind', 'w').write('x')
ctypes.CDLL(None).shmget(0, 4096, 0o1644)
subprocess.Popen(['sleep', '60'], start_new_session=True)`,
  });
  assert.equal(first.session.state, 'succeeded', errors(first));
  await settleWarm(launcher);
  const second = await run(launcher, {
    caller: 'yvonne',
    script: `${PROBE}
for d in ('/tmp', '/var/tmp', '/dev/shm', '.'):
    attempt('files ' + d, lambda d=d: ','.join(sorted(f for f in os.listdir(d) if f not in ('runner.py', 'tds_relay.py', 'script.py', 'request.txt', 'params.bin', 'input-1.bin'))))
attempt('processes', lambda: ','.join(sorted(open('/proc/%s/comm' % p).read().strip() for p in os.listdir('/proc') if p.isdigit())))
attempt('ipc', lambda: open('/proc/sysvipc/shm').read().count('\\n') - 1)
OutputDataSet = report()`,
  });
  assert.equal(second.session.worker, first.session.worker, 'the same worker served both');
  const rows = new Map(second.resultSets[0]!.rows.map((r) => [r[0], String(r[2])]));
  for (const d of ['/tmp', '/var/tmp', '/dev/shm', '.']) assert.equal(rows.get(`files ${d}`), '', `${d} is empty`);
  assert.ok(!rows.get('processes')!.includes('sleep'), rows.get('processes'));
  assert.equal(rows.get('ipc'), '0');
  await sleep(100);
  assert.deepEqual(workerProcesses([uidOf(first.session.worker!)]), [], 'no process of the worker survives on the host');
});
