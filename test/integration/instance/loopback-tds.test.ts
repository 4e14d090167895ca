// The loopback as SQL Server's tutorials write it: inside the sandbox, pyodbc and RODBC (Debian's
// FreeTDS ODBC driver, unchanged) open a trusted connection to "." and reach the instance through
// the session's own relay. A real daemon, real worker accounts, real sandboxes: refused with
// Msg 18456 without the worker-group login; with it, the script acts as its caller (Msg 229 where
// the caller may not read); another session's relay is its own, and the host has none.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import type { InstanceClient } from '../../../server/src/node/instance/instanceClient';
import type { RunOutcome } from '../../../server/src/node/instance/protocol';
import { skipReason } from '../../support/requireOrSkip';
import { instanceSkip, TestInstance } from './harness';
import { spawnSync } from 'node:child_process';

const skip =
  instanceSkip() ??
  skipReason(spawnSync('/usr/bin/python3', ['-I', '-c', 'import pyodbc']).status === 0 ? undefined : 'needs pyodbc (apt-get install python3-pyodbc tdsodbc)');
const rSkip = skipReason(spawnSync('/usr/bin/Rscript', ['-e', 'library(RODBC)']).status === 0 ? undefined : 'needs RODBC (apt-get install r-cran-rodbc tdsodbc)');
const instance = new TestInstance('loopback-tds', 'sqlmllt');
let admin: InstanceClient;

before(async () => {
  if (skip) return;
  instance.create(3);
  admin = await instance.connect();
  assert.deepEqual(
    errorsOf(
      await admin.run(`EXEC sp_configure 'external scripts enabled', 1;
RECONFIGURE;
GO
CREATE DATABASE tds_db;
GO
USE tds_db;
CREATE TABLE dbo.open_data (v int);
INSERT INTO dbo.open_data VALUES (7), (8);
CREATE TABLE dbo.secret (v int);
INSERT INTO dbo.secret VALUES (42);
CREATE LOGIN reader WITH PASSWORD = N'Reader-Pass-1';
CREATE USER reader FOR LOGIN reader;
GRANT EXECUTE ANY EXTERNAL SCRIPT TO reader;
GRANT SELECT ON dbo.open_data TO reader;`),
    ),
    [],
  );
});

after(async () => {
  admin?.close();
  if (!skip) await instance.teardown();
});

function errorsOf(outcome: RunOutcome): string[] {
  return outcome.batches.flatMap((b) => b.messages.filter((m) => m.kind === 'error').map((m) => `Msg ${m.number}: ${m.text}`));
}

function printedOf(outcome: RunOutcome): string {
  return outcome.batches.flatMap((b) => b.messages.filter((m) => m.kind !== 'error').map((m) => m.text)).join('\n');
}

function rowsOf(outcome: RunOutcome): unknown[][] {
  return outcome.batches.flatMap((b) => b.resultSets.flatMap((s) => s.rows));
}

const sql = (text: string) => text.replace(/'/g, "''");

/**
 * A Python script as a tutorial writes it: pyodbc, a trusted connection to the local server. With
 * autocommit: pyodbc's default (off) makes FreeTDS send a transaction-manager request, which the
 * instance's TDS endpoint does not serve yet.
 */
function pythonScript(driver: string, server: string, query: string): string {
  return `import pyodbc
conn = pyodbc.connect("Driver={${driver}};Server=${server};Database=tds_db;Trusted_Connection=yes", autocommit=True)
try:
    rows = conn.cursor().execute("${query}").fetchall()
    OutputDataSet = pandas.DataFrame({"who": [r[0] for r in rows], "v": [r[1] for r in rows]})
except pyodbc.Error as e:
    print("SQLERROR", e)
    raise`;
}

function runPython(script: string, asLogin: string): Promise<RunOutcome> {
  return admin.run(`EXEC sp_execute_external_script @language = N'Python', @script = N'${sql(script)}' WITH RESULT SETS ((who nvarchar(100), v int));`, {
    database: 'tds_db',
    asLogin,
  });
}

test('pyodbc, trusted connection: Msg 18456 without the worker-group login', { skip }, async () => {
  const outcome = await runPython(pythonScript('ODBC Driver 17 for SQL Server', '.', 'SELECT SUSER_NAME(), v FROM dbo.open_data'), 'reader');
  const errors = errorsOf(outcome).join('\n');
  assert.match(printedOf(outcome) + errors, /18456/);
  assert.match(printedOf(outcome) + errors, /Login failed for user 'sqlmllt\d\d'/);
});

test('pyodbc, trusted connection with the worker-group login: rows as the caller, under every name of the local server', { skip }, async () => {
  assert.deepEqual(errorsOf(await admin.run('CREATE LOGIN [sqlmlltusers] FROM OS;')), []);
  const servers: [string, string][] = [
    ['ODBC Driver 17 for SQL Server', '.'],
    ['SQL Server', 'localhost'],
    ['ODBC Driver 18 for SQL Server', '(local)'],
    ['FreeTDS', '127.0.0.1'],
  ];
  for (const [driver, server] of servers) {
    const outcome = await runPython(pythonScript(driver, server, 'SELECT SUSER_NAME(), v FROM dbo.open_data ORDER BY v'), 'reader');
    assert.deepEqual(errorsOf(outcome), [], `${driver} / ${server}: ${printedOf(outcome)}`);
    assert.deepEqual(rowsOf(outcome), [
      ['reader', 7],
      ['reader', 8],
    ]);
  }
});

test('pyodbc: a table the caller cannot read is Msg 229 inside the script', { skip }, async () => {
  const outcome = await runPython(pythonScript('ODBC Driver 17 for SQL Server', '.', 'SELECT SUSER_NAME(), v FROM dbo.secret'), 'reader');
  assert.match(printedOf(outcome), /SQLERROR.*SELECT permission was denied on the object 'secret'.*\(229\)/s);
  assert.ok(errorsOf(outcome).length > 0, 'the script failed');
});

test('R: RODBC with a trusted connection queries as the caller, and sees Msg 229', { skip: skip ?? rSkip }, async () => {
  const script = `library(RODBC)
ch <- odbcDriverConnect("Driver={ODBC Driver 17 for SQL Server};Server=.;Database=tds_db;Trusted_Connection=yes")
if (!inherits(ch, "RODBC")) stop("no connection")
df <- sqlQuery(ch, "SELECT SUSER_NAME() AS who, v FROM dbo.open_data ORDER BY v")
denied <- sqlQuery(ch, "SELECT v FROM dbo.secret")
print(denied)
odbcClose(ch)
OutputDataSet <- data.frame(who = df$who, v = df$v)`;
  const outcome = await admin.run(`EXEC sp_execute_external_script @language = N'R', @script = N'${sql(script)}' WITH RESULT SETS ((who nvarchar(100), v int));`, {
    database: 'tds_db',
    asLogin: 'reader',
  });
  assert.deepEqual(errorsOf(outcome), [], printedOf(outcome));
  assert.deepEqual(rowsOf(outcome), [
    ['reader', 7],
    ['reader', 8],
  ]);
  assert.match(printedOf(outcome), /229.*SELECT permission was denied on the object 'secret'/s);
});

test('a trusted connection to @@SERVERNAME, passed in as the R clustering tutorial does, reaches the session\'s relay (R and Python)', { skip }, async () => {
  const python = `import pyodbc
conn = pyodbc.connect("Driver={SQL Server};Server=" + instance_name + ";Database=tds_db;Trusted_Connection=yes", autocommit=True)
rows = conn.cursor().execute("SELECT SUSER_NAME(), v FROM dbo.open_data ORDER BY v").fetchall()
OutputDataSet = pandas.DataFrame({"who": [r[0] for r in rows], "v": [r[1] for r in rows]})`;
  const r = `library(RODBC)
connStr <- paste("Driver=SQL Server; Server=", instance_name, "; Database=tds_db; Trusted_Connection=true;", sep = "")
ch <- odbcDriverConnect(connStr)
if (!inherits(ch, "RODBC")) stop("no connection to ", instance_name)
df <- sqlQuery(ch, "SELECT SUSER_NAME() AS who, v FROM dbo.open_data ORDER BY v")
odbcClose(ch)
OutputDataSet <- data.frame(who = df$who, v = df$v)`;
  for (const [language, script] of [['Python', python], ...(rSkip ? [] : [['R', r]])] as const) {
    const outcome = await admin.run(
      `DECLARE @instance_name nvarchar(100) = @@SERVERNAME;
EXEC sp_execute_external_script @language = N'${language}', @script = N'${sql(script)}', @params = N'@instance_name nvarchar(100)', @instance_name = @instance_name
WITH RESULT SETS ((who nvarchar(100), v int));`,
      { database: 'tds_db', asLogin: 'reader' },
    );
    assert.deepEqual(errorsOf(outcome), [], `${language}: ${printedOf(outcome)}`);
    assert.deepEqual(rowsOf(outcome), [
      ['reader', 7],
      ['reader', 8],
    ], language);
  }
});

test("another session's relay is its own: two callers at once each act as themselves, and the host has no relay", { skip }, async () => {
  assert.deepEqual(errorsOf(await admin.run(`USE tds_db; GRANT SELECT ON dbo.secret TO reader;`)), []);
  // Both sessions run at once: each script's "." is its own session's relay.
  const query = 'SELECT SUSER_NAME(), COUNT(*) FROM dbo.secret';
  const slow = (script: string) => `import time\ntime.sleep(1.5)\n${script}`;
  // Two connections, so that the two calls run at once (one connection's requests take turns).
  const reader = await instance.connect({ name: 'reader', password: 'Reader-Pass-1' });
  const [asReader, asAdmin] = await Promise.all([
    reader.run(`EXEC sp_execute_external_script @language = N'Python', @script = N'${sql(slow(pythonScript('SQL Server', '.', query)))}' WITH RESULT SETS ((who nvarchar(100), v int));`, { database: 'tds_db' }),
    admin.run(`EXEC sp_execute_external_script @language = N'Python', @script = N'${sql(slow(pythonScript('SQL Server', '.', query)))}' WITH RESULT SETS ((who nvarchar(100), v int));`, { database: 'tds_db' }),
  ]);
  reader.close();
  assert.deepEqual(errorsOf(asReader), [], printedOf(asReader));
  assert.deepEqual(errorsOf(asAdmin), [], printedOf(asAdmin));
  assert.deepEqual(rowsOf(asReader), [['reader', 1]]);
  assert.notEqual((rowsOf(asAdmin)[0] as unknown[])[0], 'reader');
  // The relay listens in the sandbox's own network namespace, never on the host.
  const refused = await new Promise<string>((resolve) => {
    const socket = connect({ host: '127.0.0.1', port: 1433 });
    socket.once('connect', () => {
      socket.destroy();
      resolve('connected');
    });
    socket.once('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'error'));
  });
  assert.equal(refused, 'ECONNREFUSED');
});
