// Where an instance can run scripts, said at `instance create` rather than at the first run: a
// folder above it that others may write, or one worker accounts cannot pass through, is refused
// (--force creates it anyway, with the warning). And each instance has its own worker prefix by
// default, as SQL Server names a worker group per instance: two instances created without --prefix
// run scripts at the same time. Real CLI, real daemons, real worker accounts (root).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { join } from 'node:path';
import { deprovision } from '../../../server/src/node/launcher/accounts';
import { InstanceClient } from '../../../server/src/node/instance/instanceClient';
import { instanceLayout } from '../../../server/src/node/instance/layout';
import { CLI, cli, instanceSkip } from './harness';

const skip = instanceSkip();
const BASE = '/var/lib/sqlml-test-folders';

const prefixOf = (path: string) => (JSON.parse(readFileSync(join(path, 'instance.json'), 'utf8')) as { launcher: { prefix: string } }).launcher.prefix;

describe('instance create refuses a folder where scripts could never run', { skip }, () => {
  before(() => {
    rmSync(BASE, { recursive: true, force: true });
    mkdirSync(BASE, { mode: 0o755 });
    chmodSync(BASE, 0o755);
  });

  after(() => rmSync(BASE, { recursive: true, force: true }));

  test('a folder above it writable by others: refused, nothing created; --force creates it with the warning', () => {
    const open = join(BASE, 'open');
    mkdirSync(open);
    chmodSync(open, 0o777);
    const path = join(open, 'instance');
    const refused = cli(['instance', 'create', '--path', path, '--isolation', 'none']);
    assert.equal(refused.status, 1, refused.stderr);
    assert.match(refused.stderr, new RegExp(`${open}, above the instance folder ${path}, is writable by others \\(mode 0777\\)`));
    assert.match(refused.stderr, /--force creates it anyway/);
    assert.doesNotMatch(refused.stderr, /internal error/);
    assert.equal(existsSync(path), false, 'no instance folder');
    const forced = cli(['instance', 'create', '--path', path, '--isolation', 'none', '--force']);
    assert.equal(forced.status, 0, forced.stderr);
    assert.match(forced.stderr, /warning: .* is writable by others/);
    assert.ok(existsSync(join(path, 'instance.json')));
  });

  test('with worker accounts, a folder above it they cannot pass through: refused, saying which and how to fix it', () => {
    const closed = join(BASE, 'closed');
    mkdirSync(closed);
    chmodSync(closed, 0o700);
    const path = join(closed, 'instance');
    const refused = cli(['instance', 'create', '--path', path, '--isolation', 'accounts', '--prefix', 'sqlmltf', '--workers', '1']);
    assert.equal(refused.status, 1, refused.stderr);
    assert.match(refused.stderr, new RegExp(`Worker accounts cannot pass through ${closed} \\(mode 0700\\).*chmod o\\+x ${closed}`));
    assert.equal(existsSync(path), false);
    // The same folder is fine without worker accounts: only they need to pass through it.
    const namespaces = cli(['instance', 'create', '--path', path, '--isolation', 'none']);
    assert.equal(namespaces.status, 0, namespaces.stderr);
  });
});

describe('each instance has its own workers: two instances run scripts at the same time', { skip }, () => {
  const base = '/var/lib/sqlml-test-twoinst';
  const paths = [join(base, 'first', 'instance'), join(base, 'second', 'instance')];
  const clients: InstanceClient[] = [];

  before(() => {
    rmSync(base, { recursive: true, force: true });
    for (const path of paths) {
      mkdirSync(join(path, '..'), { recursive: true, mode: 0o755 });
      const created = cli(['instance', 'create', '--path', path, '--workers', '2']);
      assert.equal(created.status, 0, created.stderr);
    }
  });

  after(async () => {
    for (const client of clients) client.close();
    for (const path of paths) {
      if (!existsSync(join(path, 'instance.json'))) continue;
      const prefix = prefixOf(path);
      cli(['instance', 'stop', '--path', path]);
      await deprovision(prefix);
    }
    rmSync(base, { recursive: true, force: true });
  });

  test('instances with the same name in different folders get different prefixes, neither the plain default', () => {
    const [a, b] = paths.map(prefixOf);
    assert.notEqual(a, b);
    for (const prefix of [a!, b!]) {
      assert.match(prefix, /^sqlmlinstance[0-9a-f]{4}$/);
      assert.ok(`${prefix}users`.length <= 32, 'a valid group name');
    }
  });

  test('a script in each instance, started together, runs in both at once', async () => {
    for (const path of paths) {
      const client = await InstanceClient.connect(instanceLayout({ path }), { autoStart: true, idleStopSeconds: 60, clientName: 'two instances', startTimeoutMs: 120_000 });
      clients.push(client);
      await client.run("EXEC sp_configure 'external scripts enabled', 1; RECONFIGURE;");
    }
    // Each script says when it started and when it ended (the clock of the same machine): both
    // ran at once when each started before the other ended (20 s each: a loaded machine may
    // start one satellite seconds after the other). A second instance sharing the first
    // one's workers could not run its script until the first launcher let them go.
    const script = `EXEC sp_execute_external_script @language = N'Python', @script = N'
import time
start = time.time()
time.sleep(20)
OutputDataSet = pandas.DataFrame({"start": [start], "end": [time.time()]})
' WITH RESULT SETS ((start float, [end] float));`;
    const outcomes = await Promise.all(clients.map((c) => c.run(script)));
    const spans = outcomes.map((o, i) => {
      const errors = o.batches.flatMap((b) => b.messages.filter((m) => m.kind === 'error'));
      assert.deepEqual(errors, [], `instance ${i + 1}: ${JSON.stringify(errors)}`);
      const row = o.batches.flatMap((b) => b.resultSets.flatMap((r) => r.rows))[0] as [number, number];
      return { start: row[0], end: row[1], worker: o.sessions[0]?.worker };
    });
    const [a, b] = spans as [(typeof spans)[number], (typeof spans)[number]];
    assert.ok(a.start < b.end && b.start < a.end, `the scripts did not overlap: ${JSON.stringify(spans)}`);
    assert.ok(a.worker?.startsWith(prefixOf(paths[0]!)) && b.worker?.startsWith(prefixOf(paths[1]!)), `each ran on its own instance's worker: ${a.worker}, ${b.worker}`);
  });

  test("sqlml launcher exec, with the launcher's own defaults, runs a script while an instance runs one", async () => {
    // The instance's launcher holds its pool while the instance lives; before each instance had its
    // own prefix, `launcher exec` (prefix sqlml) was refused as a second launcher of the same workers.
    // The default workers are removed afterwards only when this test made them.
    const hadDefaultWorkers = spawnSync('getent', ['group', 'sqlmlusers']).status === 0;
    const provisioned = cli(['launcher', 'provision', '--workers', '2']);
    assert.equal(provisioned.status, 0, provisioned.stderr);
    const script = join(base, 'beside.py');
    writeFileSync(script, 'import time\nstart = time.time()\ntime.sleep(8)\nOutputDataSet = pandas.DataFrame({"start": [start], "end": [time.time()]})\n');
    const root = join(base, 'launcher-sessions');
    mkdirSync(root);
    chmodSync(root, 0o711); // as the launcher requires of a sessions root: workers pass through, none lists it
    try {
      const client = clients[0] ?? (await InstanceClient.connect(instanceLayout({ path: paths[0]! }), { autoStart: true, idleStopSeconds: 60, clientName: 'beside', startTimeoutMs: 120_000 }));
      if (!clients.includes(client)) clients.push(client);
      const inInstance = client.run(`EXEC sp_execute_external_script @language = N'Python', @script = N'
import time
start = time.time()
time.sleep(20)
OutputDataSet = pandas.DataFrame({"start": [start], "end": [time.time()]})
' WITH RESULT SETS ((start float, [end] float));`);
      const exec = await promisify(execFile)(process.execPath, [CLI, 'launcher', 'exec', '--language', 'python', '--script', script, '--workers', '2', '--root', root, '--format', 'json'], { encoding: 'utf8', timeout: 120_000 }).catch((e: { code?: number; stderr?: string; stdout?: string }) => e);
      assert.ok(!('code' in exec) || !exec.code, `launcher exec failed beside the instance: ${exec.stderr ?? ''}${exec.stdout ?? ''}`);
      const beside = JSON.parse(exec.stdout!) as { resultSets: { rows: [number, number][] }[] };
      const [start, end] = beside.resultSets[0]!.rows[0]!;
      const outcome = await inInstance;
      const errors = outcome.batches.flatMap((b) => b.messages.filter((m) => m.kind === 'error'));
      assert.deepEqual(errors, []);
      const [iStart, iEnd] = outcome.batches.flatMap((b) => b.resultSets.flatMap((r) => r.rows))[0] as [number, number];
      assert.ok(start < iEnd && iStart < end, `the scripts did not overlap: launcher exec ${start}-${end}, instance ${iStart}-${iEnd}`);
    } finally {
      if (!hadDefaultWorkers) await deprovision('sqlml');
    }
  });
});
