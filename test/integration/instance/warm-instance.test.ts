// An instance whose external pools keep warm satellites (instance create --warm-python/--warm-r):
// status and the Pools data say so, and once the pool has filled a script runs in a satellite that
// was started before the call (its process is older than the call), as itself and with its result;
// the TDS relay it started while it waited serves the session's trusted connections (pyodbc, RODBC).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { InstanceClient } from '../../../server/src/node/instance/instanceClient';
import type { RunOutcome } from '../../../server/src/node/instance/protocol';
import { skipReason } from '../../support/requireOrSkip';
import { cli, instanceSkip, TestInstance } from './harness';

const skip = instanceSkip();
const odbcSkip =
  skipReason(spawnSync('/usr/bin/python3', ['-I', '-c', 'import pyodbc']).status === 0 ? undefined : 'needs pyodbc (apt-get install python3-pyodbc tdsodbc)') ??
  skipReason(spawnSync('/usr/bin/Rscript', ['-e', 'library(RODBC)']).status === 0 ? undefined : 'needs RODBC (apt-get install r-cran-rodbc tdsodbc)');
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

/**
 * The pool's warm data once a Python and an R satellite are ready (or the deadline passed), three
 * seconds later: waiting makes a warm satellite's process older than any cold start could be.
 */
async function poolFilled(client: InstanceClient) {
  const deadline = Date.now() + 180_000;
  let warm = (await client.pools()).pools[0]?.warm;
  while (!(warm && warm.python.ready === 1 && warm.r.ready === 1) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 250));
    warm = (await client.pools()).pools[0]?.warm;
  }
  await new Promise((r) => setTimeout(r, 3000));
  return warm;
}

function runAge(): { age: number; worker: string } {
  const file = join(instance.base, 'age.sql');
  writeFileSync(file, `EXEC sp_execute_external_script @language = N'Python', @script = N'${AGE.replace(/'/g, "''")}'\nWITH RESULT SETS ((age float, worker nvarchar(50)));`);
  const r = instance.run([file]);
  assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}\n${instance.daemonLog()}`);
  const [age, worker] = r.json.batches[0]!.resultSets[0]!.rows[0]! as [number, string];
  return { age, worker };
}

test('warm satellites per pool: instance status names them, and the live ones once the launcher runs; after the pool fills, a script runs in a satellite started before the call', { skip, timeout: 240_000 }, async () => {
  const text = cli(['instance', 'status', '--path', instance.path]);
  assert.match(text.stdout, /warm satellites per pool: Python 1, R 1, within 512 MiB/);
  assert.doesNotMatch(text.stdout, /ready of/, 'no satellite is started before the launcher is');
  const setup = join(instance.base, 'enable.sql');
  writeFileSync(setup, "EXEC sp_configure 'external scripts enabled', 1;\nRECONFIGURE;\n");
  assert.equal(instance.run([setup]).status, 0);

  // The first call starts the launcher, and with it the pool's warm satellites.
  runAge();
  const client = await instance.connect();
  try {
    const warm = await poolFilled(client);
    assert.deepEqual([warm?.python.target, warm?.python.ready, warm?.r.target, warm?.r.ready], [1, 1, 1, 1], JSON.stringify(warm));
    assert.ok(warm!.memoryBytes > 0 && warm!.budgetBytes === 512 * 2 ** 20, JSON.stringify(warm));
    const live = cli(['instance', 'status', '--path', instance.path]).stdout;
    assert.match(live, /pool default: warm satellites: Python 1 ready of 1, R 1 ready of 1; holding [1-9]\d* MiB of a 512 MiB budget/, live);
  } finally {
    client.close();
  }
  const warmRun = runAge();
  assert.ok(warmRun.age > 2.5, `the satellite's process was ${warmRun.age.toFixed(2)} s old: it was not started ahead`);
  assert.match(warmRun.worker, /^sqlmlwi0\d$/, 'it runs as a worker account');
});

const errorsOf = (outcome: RunOutcome) => outcome.batches.flatMap((b) => b.messages.filter((m) => m.kind === 'error').map((m) => `Msg ${m.number}: ${m.text}`));
const printedOf = (outcome: RunOutcome) => outcome.batches.flatMap((b) => b.messages.map((m) => m.text)).join('\n');

const PYTHON_ODBC = `import os, pyodbc
started = int(open("/proc/self/stat").read().rsplit(")", 1)[1].split()[19]) / os.sysconf("SC_CLK_TCK")
age = float(open("/proc/uptime").read().split()[0]) - started
relays = [p for p in os.listdir("/proc") if p.isdigit() and b"tds_relay.py" in open("/proc/%s/cmdline" % p, "rb").read()]
started = int(open("/proc/%s/stat" % relays[0]).read().rsplit(")", 1)[1].split()[19]) / os.sysconf("SC_CLK_TCK")
relay_age = float(open("/proc/uptime").read().split()[0]) - started
conn = pyodbc.connect("Driver={ODBC Driver 17 for SQL Server};Server=.;Database=warm_db;Trusted_Connection=yes", autocommit=True)
who, n = conn.cursor().execute("SELECT SUSER_NAME(), COUNT(*) FROM dbo.t").fetchone()
OutputDataSet = pandas.DataFrame({"age": [min(age, relay_age)], "who": [who], "n": [n]})`;

const R_ODBC = `library(RODBC)
stat <- strsplit(sub("^.*[)] ", "", readLines("/proc/self/stat")), " ")[[1]]
uptime <- as.numeric(strsplit(readLines("/proc/uptime"), " ")[[1]][1])
age <- uptime - as.numeric(stat[20]) / 100
pids <- list.files("/proc", pattern = "^[0-9]+$")
relay <- Filter(function(p) length(grepRaw("tds_relay.py", readBin(file.path("/proc", p, "cmdline"), "raw", 65536), fixed = TRUE)) > 0, pids)[1]
relayStat <- strsplit(sub("^.*[)] ", "", readLines(file.path("/proc", relay, "stat"))), " ")[[1]]
age <- min(age, uptime - as.numeric(relayStat[20]) / 100)
ch <- odbcDriverConnect("Driver={ODBC Driver 17 for SQL Server};Server=.;Database=warm_db;Trusted_Connection=yes")
if (!inherits(ch, "RODBC")) stop("no connection")
row <- sqlQuery(ch, "SELECT SUSER_NAME() AS who, COUNT(*) AS n FROM dbo.t")
odbcClose(ch)
OutputDataSet <- data.frame(age = age, who = row$who, n = row$n)`;

test("a warm satellite's relay, started while it waited, takes the session's channel: pyodbc and RODBC connect as the caller", { skip: skip ?? odbcSkip, timeout: 240_000 }, async () => {
  const client = await instance.connect();
  try {
    const setup = await client.run(`CREATE DATABASE warm_db;
GO
USE warm_db;
CREATE TABLE dbo.t (v int);
INSERT INTO dbo.t VALUES (1), (2), (3);
CREATE LOGIN [sqlmlwiusers] FROM OS;
CREATE LOGIN caller WITH PASSWORD = N'Caller-Pass-1';
CREATE USER caller FOR LOGIN caller;
GRANT EXECUTE ANY EXTERNAL SCRIPT TO caller;
GRANT SELECT ON dbo.t TO caller;`);
    assert.deepEqual(errorsOf(setup), []);
    await poolFilled(client);
    for (const [language, script] of [['Python', PYTHON_ODBC], ['R', R_ODBC]] as const) {
      const outcome = await client.run(`EXEC sp_execute_external_script @language = N'${language}', @script = N'${script.replace(/'/g, "''")}' WITH RESULT SETS ((age float, who nvarchar(100), n int));`, {
        database: 'warm_db',
        asLogin: 'caller',
      });
      assert.deepEqual(errorsOf(outcome), [], `${language}: ${printedOf(outcome)}`);
      const [age, who, n] = outcome.batches[0]!.resultSets[0]!.rows[0]! as [number, string, number];
      // Each figure is the younger of the satellite and its relay: both were started ahead.
      assert.ok(age > 2.5, `${language}: the satellite's process (or its relay) was ${age.toFixed(2)} s old: it was not started ahead`);
      assert.deepEqual([who, n], ['caller', 3], language);
    }
  } finally {
    client.close();
  }
});
