// An instance whose external pools keep warm satellites (instance create --warm-python/--warm-r):
// status and the Pools data say so, and once the pool has filled a script runs in a satellite that
// was started before the call (its process is older than the call), as itself and with its result.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { cli, instanceSkip, TestInstance } from './harness';

const skip = instanceSkip();
const instance = new TestInstance('warm', 'sqlmlwi');

before(() => {
  if (skip) return;
  instance.create(2, ['--warm-python', '1', '--warm-r', '1', '--warm-memory', '512']);
  const started = cli(['instance', 'start', '--path', instance.path]);
  assert.equal(started.status, 0, started.stderr);
});

after(async () => {
  if (!skip) await instance.teardown();
});

/** The age of the satellite's own process when the script runs, and who it runs as. */
const AGE = `import os, getpass
ticks = os.sysconf("SC_CLK_TCK")
started = int(open("/proc/self/stat").read().rsplit(")", 1)[1].split()[19]) / ticks
uptime = float(open("/proc/uptime").read().split()[0])
OutputDataSet = pandas.DataFrame({"age": [uptime - started], "worker": [getpass.getuser()]})`;

function runAge(): { age: number; worker: string } {
  const file = join(instance.base, 'age.sql');
  writeFileSync(file, `EXEC sp_execute_external_script @language = N'Python', @script = N'${AGE.replace(/'/g, "''")}'\nWITH RESULT SETS ((age float, worker nvarchar(50)));`);
  const r = instance.run([file]);
  assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}\n${instance.daemonLog()}`);
  const [age, worker] = r.json.batches[0]!.resultSets[0]!.rows[0]! as [number, string];
  return { age, worker };
}

test('warm satellites per pool: instance status names them; after the pool fills, a script runs in a satellite started before the call', { skip, timeout: 240_000 }, async () => {
  const text = cli(['instance', 'status', '--path', instance.path]);
  assert.match(text.stdout, /warm satellites per pool: Python 1, R 1, within 512 MiB/);
  const setup = join(instance.base, 'enable.sql');
  writeFileSync(setup, "EXEC sp_configure 'external scripts enabled', 1;\nRECONFIGURE;\n");
  assert.equal(instance.run([setup]).status, 0);

  // The first call starts the launcher, and with it the pool's warm satellites.
  runAge();
  const client = await instance.connect();
  try {
    const deadline = Date.now() + 180_000;
    let warm = (await client.pools()).pools[0]?.warm;
    while (!(warm && warm.python.ready === 1 && warm.r.ready === 1) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 250));
      warm = (await client.pools()).pools[0]?.warm;
    }
    assert.deepEqual([warm?.python.target, warm?.python.ready, warm?.r.target, warm?.r.ready], [1, 1, 1, 1], JSON.stringify(warm));
    assert.ok(warm!.memoryBytes > 0 && warm!.budgetBytes === 512 * 2 ** 20, JSON.stringify(warm));
  } finally {
    client.close();
  }
  // Waiting makes a warm satellite's process older than any cold start could be.
  await new Promise((r) => setTimeout(r, 3000));
  const warmRun = runAge();
  assert.ok(warmRun.age > 2.5, `the satellite's process was ${warmRun.age.toFixed(2)} s old: it was not started ahead`);
  assert.match(warmRun.worker, /^sqlmlwi0\d$/, 'it runs as a worker account');
});
