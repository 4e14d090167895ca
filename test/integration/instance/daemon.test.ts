// The daemon's clients: twenty callers at once, the pools and sessions views with live changes,
// cancelling a session, SQL logins by password, the loopback with implied authentication, and the
// environment the daemon is started with.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { InstanceClient } from '../../../server/src/node/instance/instanceClient';
import type { RunOutcome, WireSessionRecord } from '../../../server/src/node/instance/protocol';
import { ANOTHER_LOGIN } from '../../../server/src/core/launcher/visibility';
import { cli, instanceSkip, TestInstance } from './harness';

const skip = instanceSkip();
const instance = new TestInstance('daemon', 'sqlmltd');
let admin: InstanceClient;

before(async () => {
  if (skip) return;
  instance.create(20);
  admin = await instance.connect();
  const setup = await admin.run(`EXEC sp_configure 'external scripts enabled', 1;
RECONFIGURE;
GO
CREATE DATABASE daemon_db;
GO
USE daemon_db;
CREATE TABLE dbo.secret (v int);
INSERT INTO dbo.secret VALUES (42);`);
  assert.deepEqual(errorsOf(setup), []);
});

after(async () => {
  admin?.close();
  if (!skip) await instance.teardown();
});

function errorsOf(outcome: RunOutcome): string[] {
  return outcome.batches.flatMap((b) => b.messages.filter((m) => m.kind === 'error').map((m) => `${m.number}: ${m.text}`));
}

function rowsOf(outcome: RunOutcome): unknown[][] {
  return outcome.batches.flatMap((b) => b.resultSets.flatMap((s) => s.rows));
}

test('twenty SQL logins call sp_execute_external_script at once: each gets its own answer, on its own worker', { skip }, async () => {
  const names = Array.from({ length: 20 }, (_, i) => `caller${String(i + 1).padStart(2, '0')}`);
  const create = names.map((n) => `CREATE LOGIN ${n} WITH PASSWORD = N'Pass-${n}-1'; CREATE USER ${n} FOR LOGIN ${n}; GRANT EXECUTE ANY EXTERNAL SCRIPT TO ${n};`).join('\n');
  assert.deepEqual(errorsOf(await admin.run(`USE daemon_db;\n${create}`)), []);
  const clients = await Promise.all(names.map((n) => instance.connect({ name: n, password: `Pass-${n}-1` })));
  try {
    assert.deepEqual(clients.map((c) => c.hello.login), names);
    const outcomes = await Promise.all(
      clients.map((c) =>
        c.run(
          `EXEC sp_execute_external_script @language = N'Python', @script = N'
import time, getpass
time.sleep(0.5)
OutputDataSet = pandas.DataFrame({"who": [who], "worker": [getpass.getuser()]})',
  @params = N'@who nvarchar(50)', @who = @me
WITH RESULT SETS ((who nvarchar(50), worker nvarchar(50)));`.replace('@who = @me', `@who = N'${c.hello.login}'`),
          { database: 'daemon_db' },
        ),
      ),
    );
    const rows = outcomes.map((o, i) => {
      assert.deepEqual(errorsOf(o), [], names[i]);
      return rowsOf(o)[0] as [string, string];
    });
    assert.deepEqual(rows.map((r) => r[0]), names);
    assert.equal(new Set(rows.map((r) => r[1])).size, 20, 'twenty callers, twenty workers');
    assert.ok(rows.every((r) => /^sqlmltd\d\d$/.test(r[1])));
  } finally {
    for (const c of clients) c.close();
  }
});

test("the daemon started on first use asks glibc for huge pages for malloc's large blocks", { skip }, () => {
  const pid = instance.daemonPid();
  assert.ok(pid, 'the daemon is running');
  const environment = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
  assert.ok(environment.includes('GLIBC_TUNABLES=glibc.malloc.hugetlb=1'), environment.filter((v) => v.startsWith('GLIBC')).join(' ') || 'no GLIBC_TUNABLES');
});

test('a wrong password is Msg 18456, and the connection has no login', { skip }, async () => {
  await assert.rejects(instance.connect({ name: 'caller01', password: 'wrong' }), /Login failed for user 'caller01'/);
});

test('a closed client answers every request with a rejection, never a throw (the editor closes it while a connect is under way)', { skip }, async () => {
  const client = await instance.connect();
  client.close();
  const requests: Array<[string, () => Promise<unknown>]> = [
    ['run', () => client.run('SELECT 1')],
    ['pools', () => client.pools()],
    ['sessions', () => client.sessions()],
    ['cancelSession', () => client.cancelSession('none')],
    ['status', () => client.status()],
    ['watchSessions', () => client.watchSessions(() => undefined)],
    ['watchCatalog', () => client.watchCatalog(() => undefined)],
  ];
  for (const [name, request] of requests) {
    let answer: Promise<unknown> | undefined;
    assert.doesNotThrow(() => (answer = request()), `${name} threw instead of rejecting`);
    await assert.rejects(answer!, /disposed|closed/i, name);
  }
});

test('pools and sessions: the view, live changes, and cancelling a running session', { skip }, async () => {
  const changes: WireSessionRecord[] = [];
  let running: (id: string) => void;
  const started = new Promise<string>((resolve) => (running = resolve));
  await admin.watchSessions((change) => {
    if ('session' in change) {
      changes.push(change.session);
      if (change.session.state === 'running') running(change.session.id);
    }
  });
  const outcome = admin.run(`EXEC sp_execute_external_script @language = N'Python', @script = N'import time
time.sleep(60)';`);
  const id = await started;
  const pools = await admin.pools();
  assert.equal(pools.mode, 'accounts');
  assert.equal(pools.pools[0]!.size, 20);
  assert.ok(pools.pools[0]!.workers.some((w) => w.caller === 'root'), 'the busy worker shows its caller');
  assert.ok(pools.pools[0]!.enforcement.some((e) => e.setting.startsWith('MAX_MEMORY_PERCENT')));
  const bystander = await instance.connect({ name: 'caller02', password: 'Pass-caller02-1' });
  try {
    const seen = (await bystander.pools()).pools[0]!.workers.map((w) => w.caller);
    assert.ok(seen.includes(ANOTHER_LOGIN) && !seen.includes('root'), `without VIEW SERVER STATE a worker is busy, not busy for whom: ${seen.join()}`);
    assert.ok(!(await bystander.sessions()).some((s) => s.id === id), "nor does it see the other caller's session");
  } finally {
    bystander.close();
  }
  const t0 = Date.now();
  assert.deepEqual(await admin.cancelSession(id), { cancelled: true });
  const result = await outcome;
  assert.ok(Date.now() - t0 < 5000, 'cancelled promptly');
  assert.ok(errorsOf(result).length > 0, 'the statement reports the cancellation');
  const after = (await admin.sessions()).find((s) => s.id === id)!;
  assert.equal(after.state, 'cancelled');
  assert.ok(changes.some((s) => s.id === id && s.state === 'cancelled'), 'the change was notified');
  const free = await admin.pools();
  assert.ok(!free.pools[0]!.workers.some((w) => w.caller === 'root'), 'the worker is free again');
});

test('loopback: refused without the worker-group login; with it, the script queries as its caller', { skip }, async () => {
  assert.deepEqual(errorsOf(await admin.run(`USE daemon_db;
CREATE LOGIN looper WITH PASSWORD = N'Looper-Pass-1';
CREATE USER looper FOR LOGIN looper;
GRANT EXECUTE ANY EXTERNAL SCRIPT TO looper;`)), []);
  const script = `EXEC sp_execute_external_script @language = N'Python', @script = N'OutputDataSet = sqlml_query("SELECT v FROM dbo.secret")';`;
  const asLooper = () => admin.run(script, { database: 'daemon_db', asLogin: 'looper' });

  const refused = errorsOf(await asLooper()).join('\n');
  assert.match(refused, /Msg 18456.*Login failed for user 'sqlmltd\d\d'/s);

  assert.deepEqual(errorsOf(await admin.run('CREATE LOGIN [sqlmltdusers] FROM OS;')), []);
  const denied = errorsOf(await asLooper()).join('\n');
  assert.match(denied, /Msg 229.*SELECT permission was denied on the object 'secret'/s);

  assert.deepEqual(errorsOf(await admin.run('USE daemon_db; GRANT SELECT ON dbo.secret TO looper;')), []);
  const allowed = await asLooper();
  assert.deepEqual(errorsOf(allowed), []);
  assert.deepEqual(rowsOf(allowed), [[42]]);
});

// Last: it stops the daemon. This process started it (on first use) and, blocked in spawnSync,
// cannot reap it: the daemon stays a zombie until the stop command has returned.
test('instance stop, run by the program that started the daemon and waits for it, returns once the daemon has exited', { skip, timeout: 60_000 }, () => {
  admin.close();
  const pid = instance.daemonPid();
  assert.ok(pid, 'the daemon runs');
  const t0 = Date.now();
  const stopped = cli(['instance', 'stop', '--path', instance.path]);
  assert.equal(stopped.status, 0, stopped.stderr);
  assert.match(stopped.stdout, /stopped/);
  assert.ok(Date.now() - t0 < 8000, `stopped in ${Date.now() - t0} ms, not at the 10 s limit`);
});
