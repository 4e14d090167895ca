// sqlml's own backend over TDS (`mssql`), against the embedded instance's TDS endpoint — the same
// code path a real SQL Server gets: runs stream result sets, rows and messages (PRINT, a script's
// STDOUT) as they come; GO batches map error lines back; cancel stops a running batch; the
// pre-flight asks the same T-SQL and gets the same answers as over the instance's own socket;
// the Sessions and Pools views come from the DMVs.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { askInstance, assembleAnswers, planPreflight, preflightProblems, questionsFor } from '../../../server/src/core/preflight';
import { analyze, DEFAULT_OPTIONS } from '../../../server/src/core/analysis/analyze';
import { EmbeddedConnection } from '../../../server/src/node/connection/embeddedConnection';
import type { InstanceConnection } from '../../../server/src/node/connection/instanceConnection';
import { InstanceUnavailable } from '../../../server/src/node/instance/instanceClient';
import { TdsConnection } from '../../../server/src/node/remote/tdsConnection';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli } from '../instance/harness';
import { LspClient } from '../../lsp/lspClient';
import { InstanceStartRequest, InstanceStateRequest, InstanceStopRequest, PoolsRequest, ProvisionWorkersRequest, RunScriptRequest } from '../../../server/src/protocol';
import { SQL, TdsBed, tdsSkip, type Login } from '../tds/harness';
import { decodeResultSet } from '../../../server/src/core/results/encodedResultSets';
import { nodeBase64 } from '../../../server/src/node/instance/wireResultSets';

const skip = tdsSkip();

describe('sqlml over TDS through mssql (the embedded instance as the server)', { skip }, () => {
  const bed = new TdsBed('remote', 'sqlrmt');
  const open: InstanceConnection[] = [];

  before(() => bed.start(), { timeout: 300_000 });
  after(async () => {
    for (const c of open) await c.close();
    await bed.stop();
  });

  async function tds(login: Login = bed.admin, encrypt = true): Promise<TdsConnection> {
    const c = await TdsConnection.open(
      { server: '127.0.0.1', port: bed.port, authenticationType: 'SqlLogin', user: login.name, encrypt, trustServerCertificate: true },
      { password: login.password, appName: 'sqlml test' },
    );
    open.push(c);
    return c;
  }

  async function socket(): Promise<EmbeddedConnection> {
    const c = new EmbeddedConnection(await bed.instance.connect(), bed.instance.path);
    open.push(c);
    return c;
  }

  test('connects with and without encryption as the SQL login; a wrong password is a clear error, not a stack', async () => {
    for (const encrypt of [true, false]) assert.equal((await tds(bed.admin, encrypt)).login, bed.admin.name);
    await assert.rejects(tds({ name: bed.user.name, password: 'not-the-password-1A' }), (err: unknown) => {
      assert.ok(err instanceof InstanceUnavailable);
      assert.match(err.message, new RegExp(`cannot connect to 127\\.0\\.0\\.1,${bed.port} as 'tds_user': Login failed for user 'tds_user'`));
      return true;
    });
  });

  test('result sets, rows and PRINT stream in the order the server sends them', async () => {
    const c = await tds();
    const events: string[] = [];
    const outcome = await c.run(SQL.batch, {
      onResultSet: (batch, columns) => events.push(`set ${batch}: ${columns.map((col) => `${col.name} ${col.type}`).join(', ')}`),
      onRow: (row) => events.push(`row ${JSON.stringify(row)}`),
      onMessage: (m) => events.push(`${m.kind} ${m.number} ${m.text}`),
    });
    assert.deepEqual(
      events.filter((e) => !/rows? affected/.test(e)),
      [
        'set 0: id int, name nvarchar(50)',
        'row [1,"one"]',
        'row [2,"two"]',
        'row [3,"three"]',
        'info 0 between the result sets',
        'set 0: n int',
        'row [3]',
      ],
    );
    assert.equal(outcome.batches.length, 1);
    assert.deepEqual(outcome.batches[0]!.resultSets.map((s) => s.rows.length), [3, 1]);
  });

  test('every type reads as over the socket, and a result set arrives as columns: typed arrays, coded text', async () => {
    // The numbers 0 to 999 and a NULL, which every column turns into a NULL of its type.
    const query = `SELECT n AS i, CAST(n AS bigint) * 3000000000 AS big, CAST(n AS float) / 3 AS f, CAST(n AS real) / 4 AS r,
  CAST(n % 2 AS bit) AS b, CAST(n AS decimal(10, 2)) / 8 AS d, CAST(n AS money) AS m,
  CASE WHEN n IS NOT NULL THEN CONCAT(N'label', n % 3) END AS label, CASE WHEN n IS NOT NULL THEN CONCAT('v', n) END AS v,
  DATEADD(day, n, CAST('1969-12-30' AS date)) AS day, DATEADD(millisecond, n * 7, CAST('2020-01-02 03:04:05.997' AS datetime)) AS dt,
  CASE WHEN n IS NOT NULL THEN CAST('2020-01-02 12:35' AS smalldatetime) END AS sdt,
  CASE WHEN n IS NOT NULL THEN CAST('2021-03-04 05:06:07.891' AS datetime2(3)) END AS d2,
  CASE WHEN n IS NOT NULL THEN CAST('12:34:56.789' AS time(3)) END AS t,
  CASE WHEN n IS NOT NULL THEN CAST(CONCAT('b', n) AS varbinary(8)) END AS bin,
  CASE WHEN n IS NOT NULL THEN CAST('6F9619FF-8B86-D011-B42D-00C04FC964FF' AS uniqueidentifier) END AS g,
  DATEADD(microsecond, n * 7, CAST('1969-12-31 23:59:59.9995' AS datetime2(6))) AS us
FROM (SELECT a.d + 10 * b.d + 100 * c.d AS n FROM dbo.digits a CROSS JOIN dbo.digits b CROSS JOIN dbo.digits c
      UNION ALL SELECT NULL) AS numbers
ORDER BY i;`;
    const setup = await (await socket()).run('IF OBJECT_ID(\'dbo.digits\') IS NULL BEGIN CREATE TABLE dbo.digits (d int); INSERT INTO dbo.digits VALUES (0),(1),(2),(3),(4),(5),(6),(7),(8),(9); END');
    assert.deepEqual(setup.batches.flatMap((b) => b.messages).filter((m) => m.kind === 'error'), []);
    const socketRun = await (await socket()).run(query);
    assert.deepEqual(socketRun.batches[0]!.messages.filter((m) => m.kind === 'error'), []);
    const viaSocket = socketRun.batches[0]!.resultSets[0]!;
    const viaTds = (await (await tds()).run(query)).batches[0]!.resultSets[0]!;
    assert.equal(viaTds.rows.length, 1001);
    assert.deepEqual(viaTds.columns, viaSocket.columns);
    assert.deepEqual(viaTds.rows, viaSocket.rows);
    assert.deepEqual(viaTds.rows[0], new Array(17).fill(null), 'NULL in every type');
    assert.equal(viaTds.rows[1]![16], '1969-12-31 23:59:59.999500', 'a datetime2 keeps its microseconds, before 1970 too');
    assert.deepEqual(viaTds.rows[2]!.slice(0, 2), [1, 3000000000], 'a bigint that a double holds is a number');
    assert.equal(viaTds.rows[1]![9], '1969-12-30 00:00:00.000');
    const encoded = viaTds.encoded;
    assert.ok(encoded && 'data' in encoded, 'a TDS result set is kept in columns, as the socket sends it');
    const layout = encoded.data.map((column) => ('values' in column ? 'values' : column.kind));
    assert.deepEqual(layout, ['i4', 'values', 'f8', 'f8', 'b1', 'values', 'values', 'coded', 'values', 'dt', 'dt', 'dt', 'dt', 'values', 'values', 'coded', 'dt']);
  });

  test("a Python script's STDOUT comes as a message while the run goes on, with its result set", async () => {
    const c = await tds();
    const streamed: string[] = [];
    let resolved = false;
    const outcome = await c.run(SQL.python, {
      onMessage: (m) => {
        assert.equal(resolved, false, 'messages come before the run ends');
        streamed.push(m.text);
      },
    });
    resolved = true;
    assert.ok(streamed.some((t) => /STDOUT message\(s\) from external script:/.test(t) && /hello from python/.test(t)), streamed.join('\n'));
    assert.deepEqual(outcome.batches[0]!.resultSets[0]!.rows, [[1], [2], [3]]);
  });

  test("GO batches run one by one; an error's line is the line of the whole text, and the next batch still runs", async () => {
    const c = await tds();
    const outcome = await c.run(['SELECT 1 AS a;', 'GO', '', 'SELECT 2 AS b;', 'SELECT 1/0 AS c;', 'GO 2', 'SELECT 3 AS d;'].join('\n'));
    assert.deepEqual(outcome.batches.map((b) => b.line), [0, 2, 2, 6]);
    const error = outcome.batches[1]!.messages.find((m) => m.kind === 'error');
    assert.equal(error?.number, 8134);
    assert.equal(error?.line, 4, 'Msg 8134 on the 5th line of the text');
    assert.deepEqual(outcome.batches[3]!.resultSets[0]!.rows, [[3]]);
  });

  test('cancel: aborting stops a running batch and the run ends without its results', async () => {
    const c = await tds();
    const abort = new AbortController();
    const running = c.run(SQL.slow, { signal: abort.signal });
    // Well into the WAITFOR (connecting takes a moment); the abort itself may come at any point.
    setTimeout(() => abort.abort(), 3000);
    const outcome = await running;
    assert.deepEqual(outcome.batches[0]!.resultSets, [], 'SELECT 1 AS never did not run');
    assert.ok(outcome.batches[0]!.messages.some((m) => m.kind === 'error' && /cancel/i.test(m.text)), JSON.stringify(outcome.batches[0]!.messages));
    // The connection's views are still usable after a cancel.
    assert.equal((await c.run('SELECT 1 AS ok')).batches[0]!.resultSets[0]!.rows[0]![0], 1);
  });

  test('the pre-flight says the same over mssql as over the socket, for the admin and as tds_user', async () => {
    await bed.instance.connect().then(async (owner) => {
      const r = await owner.run(`CREATE TABLE dbo.secret_things (id int); REVOKE EXECUTE ANY EXTERNAL SCRIPT FROM ${bed.user.name};`);
      owner.close();
      assert.deepEqual(r.batches.flatMap((b) => b.messages).filter((m) => m.kind === 'error'), []);
    });
    const doc = [
      "EXEC sp_execute_external_script @language = N'Python', @script = N'OutputDataSet = InputDataSet',",
      "  @input_data_1 = N'SELECT i.id FROM dbo.items i JOIN dbo.secret_things s ON s.id = i.id JOIN dbo.missing_table m ON 1 = 1';",
    ].join('\n');
    const plan = planPreflight(doc, analyze(doc, DEFAULT_OPTIONS), { sqlServerVersion: 2019, workerGroups: ['sqlmlusers'] });
    const questions = questionsFor(plan);
    const ask = async (c: InstanceConnection, asLogin?: string) => {
      const { facts, failure } = await askInstance(questions, c.runner, asLogin ? { asLogin } : {});
      const answers = assembleAnswers(plan, (k) => facts.get(k));
      return { failure, answers, codes: preflightProblems(plan, answers).map((p) => `${p.code} ${doc.slice(p.start, p.end)}`) };
    };
    const viaSocket = await socket();
    const viaTds = await tds();
    for (const asLogin of [undefined, bed.user.name]) {
      const s = await ask(viaSocket, asLogin);
      const t = await ask(viaTds, asLogin);
      // The socket's own login is the OS owner, the TDS one tds_admin: both sysadmins, so everything but the name agrees.
      assert.deepEqual({ ...t, answers: { ...t.answers, login: null } }, { ...s, answers: { ...s.answers, login: null } }, `as ${asLogin ?? 'the connected login'}`);
    }
    const asUser = await ask(viaTds, bed.user.name);
    assert.equal(asUser.answers.login, bed.user.name);
    // The data-protection questions are answered, as SQL Server 2019 answers them (no TDE; dbo.items has no Always Encrypted column).
    const database = asUser.answers.databases[0]!;
    assert.equal(database.encrypted, false);
    assert.deepEqual(database.encryptedColumns?.find((t) => t.name === 'items')?.columns, []);
    assert.deepEqual(asUser.codes.sort(), ['SQLML301 sp_execute_external_script', 'SQLML302 dbo.secret_things', 'SQLML304 dbo.missing_table']);
    // tds_user over its own TDS connection (no EXECUTE AS) gets the same findings.
    const own = await ask(await tds(bed.user));
    assert.deepEqual(own.codes.sort(), asUser.codes.sort());
  });

  test('pools come from sys.resource_governor_external_resource_pools and its DMV, as the socket reads them', async () => {
    const c = await tds();
    const view = await c.pools();
    assert.equal(view.source, 'dmv');
    if (view.source !== 'dmv') return;
    assert.deepEqual(view.notShown, ['sessionFolders', 'isolationPosture', 'liveNotifications']);
    const viaSocket = await (await socket()).run('SELECT name, max_cpu_percent, max_memory_percent, max_processes FROM sys.resource_governor_external_resource_pools ORDER BY external_pool_id;');
    assert.deepEqual(
      view.pools.map((p) => [p.name, p.maxCpuPercent, p.maxMemoryPercent, p.maxProcesses]),
      viaSocket.batches[0]!.resultSets[0]!.rows,
    );
    assert.ok(view.pools.some((p) => p.name === 'default'));
  });

  test('a running script shows in the sessions view (sys.dm_external_script_requests with its request and session)', async () => {
    const runner = await tds();
    const watcher = await tds();
    const script = "EXEC sp_execute_external_script @language = N'Python', @script = N'import time\ntime.sleep(4)'";
    const running = runner.run(script);
    let seen: Awaited<ReturnType<TdsConnection['sessions']>> | null = null;
    for (let i = 0; i < 80 && !seen; i++) {
      const view = await watcher.sessions();
      if (view.source === 'dmv' && view.requests.length > 0) seen = view;
      else await new Promise((r) => setTimeout(r, 100));
    }
    await running;
    assert.ok(seen && seen.source === 'dmv', 'the running script was never listed');
    const [row] = seen.requests;
    assert.equal(row!.loginName, bed.admin.name);
    assert.match(row!.language, /^python$/i);
    assert.match(row!.externalScriptRequestId, /^[0-9a-f-]{36}$/);
    const after = await watcher.sessions();
    assert.ok(after.source === 'dmv' && after.requests.every((r) => r.externalScriptRequestId !== row!.externalScriptRequestId), 'a finished script is no longer listed');
  });

  // ---- the CLI, as sqlcmd takes a server ---------------------------------------------------------

  /** sqlml with the login's password in SQLCMDPASSWORD (never on the command line). */
  function sqlml(args: string[], login: Login = bed.admin) {
    return cli(args, { env: { ...process.env, SQLCMDPASSWORD: login.password } });
  }

  test('sqlml run -S host,port -U login -C with SQLCMDPASSWORD: results, PRINT, -d, encrypted or not', async () => {
    for (const encrypt of [[], ['-N']]) {
      const r = sqlml(['run', '-S', `127.0.0.1,${bed.port}`, '-U', bed.admin.name, '-C', ...encrypt, '-d', 'master', '--format', 'json', '-Q', `${SQL.batch}\nGO\nSELECT DB_NAME() AS db`]);
      assert.equal(r.status, 0, r.stderr);
      assert.equal(r.stderr, '', 'no warning without -P');
      const json = JSON.parse(r.stdout) as { batches: { resultSets: { rows: unknown[][] }[]; messages: { text: string }[] }[] };
      assert.deepEqual(json.batches.map((b) => b.resultSets.map((s) => s.rows)), [[[[1, 'one'], [2, 'two'], [3, 'three']], [[3]]], [[['master']]]]);
      assert.ok(json.batches[0]!.messages.some((m) => m.text === 'between the result sets'));
    }
    const text = sqlml(['run', '-S', `127.0.0.1,${bed.port}`, '-U', bed.admin.name, '-C', '-Q', "PRINT 'hello'; SELECT 1/0 AS x"]);
    assert.equal(text.status, 1, 'an error in the batch: exit 1');
    assert.match(text.stdout, /hello/);
    assert.match(text.stdout, /Msg 8134, Level 16, State 1, Line 1/);
  });

  test('-P works but warns; no password, -U without -S or -S without -U are usage errors; a wrong password exits 1 clearly', () => {
    // A wrong password on purpose: nothing secret reaches the command line.
    const p = cli(['run', '-S', `127.0.0.1,${bed.port}`, '-U', bed.user.name, '-P', 'wrong-Password-1', '-C', '-Q', 'SELECT 1'], { env: { ...process.env, SQLCMDPASSWORD: '' } });
    assert.equal(p.status, 1);
    assert.match(p.stderr, /warning: -P puts the password on the command line.*prefer the SQLCMDPASSWORD environment variable/);
    assert.match(p.stderr, /sqlml: cannot connect to 127\.0\.0\.1,\d+ as 'tds_user': Login failed for user 'tds_user'/);
    assert.doesNotMatch(p.stderr, /\n\s+at /, 'no stack trace');
    const env = { ...process.env };
    delete env.SQLCMDPASSWORD;
    const none = cli(['run', '-S', `127.0.0.1,${bed.port}`, '-U', bed.user.name, '-Q', 'SELECT 1'], { env });
    assert.equal(none.status, 2);
    assert.match(none.stderr, /no password for 'tds_user': set SQLCMDPASSWORD/);
    assert.equal(cli(['run', '-U', 'x', '-Q', 'SELECT 1'], { env }).status, 2);
    assert.match(cli(['check', '-S', 'localhost', 'x.sql'], { env }).stderr, /-S needs -U/);
    assert.match(cli(['run', '-S', 'host\\SQLEXPRESS', '-U', 'x', '-Q', 'SELECT 1'], { env }).stderr, /named instances .* give host,port/);
  });

  test('sqlml check -S: the pre-flight over TDS turns the server\'s answers into findings', () => {
    const dir = mkdtempSync(join(bed.instance.base, 'check-'));
    const file = join(dir, 'call.sql');
    writeFileSync(
      file,
      [
        "EXEC sp_execute_external_script @language = N'Python', @script = N'OutputDataSet = InputDataSet',",
        "  @input_data_1 = N'SELECT id FROM dbo.items JOIN dbo.no_such_table n ON 1 = 1';",
        '',
      ].join('\n'),
    );
    const r = sqlml(['check', '-S', `127.0.0.1,${bed.port}`, '-U', bed.user.name, '-C', '--format', 'json', file], bed.user);
    const json = JSON.parse(r.stdout) as { files: { diagnostics: { code: string; range: { start: { line: number } } }[] }[] };
    const codes = json.files[0]!.diagnostics.map((d) => d.code).sort();
    assert.deepEqual(codes, ['SQLML301', 'SQLML304'], r.stdout + r.stderr);
    // The admin may do all of it: only the missing table remains.
    const admin = sqlml(['check', '-S', `127.0.0.1,${bed.port}`, '-U', bed.admin.name, '-C', '--format', 'json', file]);
    assert.deepEqual((JSON.parse(admin.stdout) as typeof json).files[0]!.diagnostics.map((d) => d.code), ['SQLML304']);
    // Without -S, check stays offline: no findings that need a server.
    const offline = cli(['check', '--format', 'json', file]);
    assert.deepEqual((JSON.parse(offline.stdout) as typeof json).files[0]!.diagnostics, []);
  });

  // ---- the editor, through a connection profile ---------------------------------------------------

  test('the language server with a connection profile: pre-flight findings and Run Script over TDS; the views show the server\'s pools from its DMVs; Start, Stop and Provision leave it alone', async () => {
    // The profile names an environment variable for the password (inherited by the server process, readable only by this user).
    process.env.SQLML_TEST_TDS_PASSWORD = bed.user.password;
    const lsp = await LspClient.start({
      connections: [{ profileName: 'endpoint', server: '127.0.0.1', port: bed.port, authenticationType: 'SqlLogin', user: bed.user.name, trustServerCertificate: true, passwordEnvironmentVariable: 'SQLML_TEST_TDS_PASSWORD' }],
      instance: { connection: 'endpoint' },
    });
    delete process.env.SQLML_TEST_TDS_PASSWORD;
    try {
      const uri = 'file:///remote/call.sql';
      const text = "EXEC sp_execute_external_script @language = N'Python', @script = N'OutputDataSet = InputDataSet', @input_data_1 = N'SELECT id FROM dbo.items';\nGO\nPRINT 'ran over TDS'; SELECT SUSER_SNAME() AS who;\n";
      await lsp.open(uri, text);
      const found = await lsp.diagnostics(uri, (d) => d.some((x) => x.code === 'SQLML301'), 120_000);
      assert.match(String(found.find((d) => d.code === 'SQLML301')!.message), new RegExp(`'${bed.user.name}'.*may not run external scripts`));
      const run = await lsp.connection.sendRequest(RunScriptRequest, { runId: 'r1', uri, scope: 'file' });
      assert.equal(run.failed, undefined);
      assert.equal(run.instance, `127.0.0.1,${bed.port}`);
      assert.equal(run.login, bed.user.name);
      assert.equal(run.batches[0]!.messages.find((m) => m.kind === 'error')?.number, 297, 'the call is refused as the pre-flight said');
      assert.deepEqual(decodeResultSet(run.batches[1]!.resultSets[0]!, nodeBase64).rows, [[bed.user.name]]);
      assert.ok(run.batches[1]!.messages.some((m) => m.text === 'ran over TDS'));
      // The views show the server's own pools and running scripts, read from its DMVs.
      const state = await lsp.connection.sendRequest(InstanceStateRequest, { connect: true });
      assert.deepEqual({ status: state.status, name: state.name, login: state.login }, { status: 'connected', name: `127.0.0.1,${bed.port}`, login: bed.user.name });
      const refused = await lsp.connection.sendRequest(PoolsRequest);
      assert.equal(refused.view, null, "never the embedded launcher's view in the server's place");
      assert.match(refused.server?.problem ?? '', /VIEW SERVER STATE permission was denied/, 'the login may not read the DMVs yet: the view says why');
      // Granted VIEW SERVER STATE, the next reading (every few seconds) shows the pools.
      const admin = await tds(bed.admin);
      const granted = await admin.run(`GRANT VIEW SERVER STATE TO [${bed.user.name}];`);
      assert.deepEqual(granted.batches.flatMap((b) => b.messages.filter((m) => m.kind === 'error')), []);
      const deadline = Date.now() + 3 * (refused.server?.pollMs ?? 5000);
      let pools = refused;
      while (pools.server?.problem !== undefined && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 500));
        pools = await lsp.connection.sendRequest(PoolsRequest);
      }
      assert.equal(pools.server?.problem, undefined);
      assert.ok(pools.server?.pools.some((p) => p.name === 'default'), JSON.stringify(pools.server));
      assert.ok(pools.server?.notShown.some((t) => /^Session folders/.test(t)));
      // Start, Stop and Provision act on sqlml's own instances: never on (or in place of) the profile's server.
      const refusal = new RegExp(`the SQL Server at 127\\.0\\.0\\.1,${bed.port} \\(sqlml\\.instance\\.connection\\): only sqlml's embedded instances are`);
      for (const answer of [
        await lsp.connection.sendRequest(InstanceStartRequest, { create: true }),
        await lsp.connection.sendRequest(InstanceStopRequest),
      ]) {
        assert.equal(answer.ok, false);
        assert.match(answer.message, refusal);
      }
      const provisioned = await lsp.connection.sendRequest(ProvisionWorkersRequest);
      assert.deepEqual({ ok: provisioned.ok, ran: provisioned.ran }, { ok: false, ran: false });
      assert.match(provisioned.lines.join('\n'), refusal);
    } finally {
      await lsp.stop();
    }
  });
});
