// The embedded instance's TDS endpoint through Node's mssql package (tedious underneath), the
// client sqlml itself uses for SQL Servers: with and without encryption, batches, parameters,
// procedures with OUTPUT, scripts in Python and R, errors, cancel, every type, USE, prepared
// statements, several connections at once.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import sql from 'mssql';
import { SQL, TdsBed, tdsSkip, type Login } from './harness';

const skip = tdsSkip();

describe('TDS endpoint with mssql (tedious)', { skip }, () => {
  const bed = new TdsBed('tedious', 'sqltdt');
  const pools: sql.ConnectionPool[] = [];

  before(() => bed.start(), { timeout: 300_000 });
  after(async () => {
    for (const p of pools) await p.close().catch(() => undefined);
    await bed.stop();
  });

  async function connect(login: Login = bed.admin, encrypt = true, database?: string): Promise<sql.ConnectionPool> {
    const pool = new sql.ConnectionPool({
      server: '127.0.0.1',
      port: bed.port,
      user: login.name,
      password: login.password,
      ...(database ? { database } : {}),
      options: { encrypt, trustServerCertificate: true },
      pool: { max: 4 },
    });
    await pool.connect();
    pools.push(pool);
    return pool;
  }

  /** Runs a batch, collecting INFO messages; errors come back instead of being thrown. */
  async function batch(pool: sql.ConnectionPool, text: string): Promise<{ result?: sql.IResult<unknown>; error?: sql.RequestError; infos: { number: number; message: string }[] }> {
    const request = pool.request();
    const infos: { number: number; message: string }[] = [];
    request.on('info', (i: { number: number; message: string }) => infos.push({ number: i.number, message: i.message }));
    try {
      return { result: await request.batch(text), infos };
    } catch (error) {
      return { error: error as sql.RequestError, infos };
    }
  }

  test('connects with encryption and without (login-only encryption), as the SQL login', async () => {
    for (const encrypt of [true, false]) {
      const pool = await connect(bed.admin, encrypt);
      const r = await pool.request().query(SQL.whoAmI);
      assert.deepEqual(r.recordset, [{ who: bed.admin.name, db: 'master' }]);
    }
  });

  test('LOGIN7 says who the client is: APP_NAME() and sys.dm_exec_sessions show the application and driver mssql named; the registry shows TCP on the endpoint\'s port', async () => {
    const pool = new sql.ConnectionPool({
      server: '127.0.0.1',
      port: bed.port,
      user: bed.admin.name,
      password: bed.admin.password,
      options: { encrypt: true, trustServerCertificate: true, appName: 'sqlml-tds-tests' },
    });
    await pool.connect();
    pools.push(pool);
    const r = await pool.request().query('SELECT APP_NAME() AS app, program_name, client_interface_name FROM sys.dm_exec_sessions WHERE session_id = @@SPID');
    const [row] = r.recordset as { app: string; program_name: string; client_interface_name: string }[];
    assert.equal(row!.app, 'sqlml-tds-tests');
    assert.equal(row!.program_name, 'sqlml-tds-tests');
    assert.match(row!.client_interface_name, /tedious/i);
    // The monitoring articles' check that TCP is enabled, and on which port.
    const registry = await pool.request().query("SELECT value_name, value_data FROM sys.dm_server_registry WHERE registry_key LIKE N'%SuperSocketNetLib%Tcp%' ORDER BY value_name");
    assert.deepEqual(registry.recordset, [{ value_name: 'Enabled', value_data: '1' }, { value_name: 'TcpPort', value_data: String(bed.port) }]);
  });

  test('a batch with several result sets and PRINT, in order', async () => {
    const pool = await connect();
    const { result, infos } = await batch(pool, SQL.batch);
    const sets = result!.recordsets as unknown as Record<string, unknown>[][];
    assert.equal(sets.length, 2);
    assert.deepEqual(sets[0], [
      { id: 1, name: 'one' },
      { id: 2, name: 'two' },
      { id: 3, name: 'three' },
    ]);
    assert.deepEqual(sets[1], [{ n: 3 }]);
    assert.deepEqual(result!.rowsAffected, [3, 1]);
    assert.deepEqual(infos, [{ number: 0, message: 'between the result sets' }]);
  });

  test('a parameterized query (sp_executesql with typed parameters)', async () => {
    const pool = await connect();
    const r = await pool.request().input('id', sql.Int, 2).input('suffix', sql.NVarChar(10), '!').query('SELECT name + @suffix AS name FROM dbo.items WHERE id = @id');
    assert.deepEqual(r.recordset, [{ name: 'two!' }]);
  });

  test('a procedure with an OUTPUT parameter: its result set, RETURNVALUE and return status', async () => {
    const pool = await connect();
    const r = await pool.request().input('x', sql.Int, 41).output('y', sql.Int).execute('dbo.add_one');
    assert.deepEqual(r.recordset, [{ x: 41 }]);
    assert.deepEqual(r.output, { y: 42 });
    assert.equal(r.returnValue, 7);
  });

  test('prepared statements (sp_prepare, sp_execute, sp_unprepare)', async () => {
    const pool = await connect();
    const ps = new sql.PreparedStatement(pool);
    ps.input('id', sql.Int);
    await ps.prepare('SELECT name FROM dbo.items WHERE id = @id');
    try {
      assert.deepEqual((await ps.execute({ id: 1 })).recordset, [{ name: 'one' }]);
      assert.deepEqual((await ps.execute({ id: 3 })).recordset, [{ name: 'three' }]);
    } finally {
      await ps.unprepare();
    }
  });

  test('sp_execute_external_script in Python and R: rows, and the script output as INFO messages', { timeout: 120_000 }, async () => {
    const pool = await connect();
    for (const [text, said] of [
      [SQL.python, 'hello from python'],
      [SQL.r, 'hello from R'],
    ] as const) {
      const { result, error, infos } = await batch(pool, text);
      assert.equal(error, undefined, error?.message);
      assert.deepEqual(
        (result!.recordset as unknown as Record<string, unknown>[]).map((row) => Object.values(row)[0]),
        [1, 2, 3],
      );
      const output = infos.map((i) => i.message).join('\n');
      assert.match(output, /STDOUT message\(s\) from external script:/);
      assert.match(output, new RegExp(said));
    }
  });

  test("a script error: Msg 39004, and the runtime's error with the script's line", { timeout: 120_000 }, async () => {
    const pool = await connect();
    const { error } = await batch(pool, SQL.scriptError);
    assert.ok(error, 'the batch should fail');
    const all = [...((error as unknown as { precedingErrors?: sql.RequestError[] }).precedingErrors ?? []), error];
    const numbers = all.map((e) => (e as unknown as { number: number }).number);
    assert.ok(numbers.includes(39004), `errors: ${numbers.join(', ')}`);
    const text = all.map((e) => e.message).join('\n');
    assert.match(text, /A 'Python' script error occurred during execution of 'sp_execute_external_script'/);
    assert.match(text, /boom at three/);
    assert.match(text, /line 3/);
  });

  test('a permission error: Msg 297 for a login without EXECUTE ANY EXTERNAL SCRIPT', async () => {
    const pool = await connect(bed.user);
    const { error } = await batch(pool, SQL.python);
    assert.ok(error);
    assert.equal((error as unknown as { number: number }).number, 297);
    assert.match(error.message, /The user does not have permission to perform this action/);
    // What the login may do still works on the same connection.
    assert.deepEqual((await pool.request().query('SELECT COUNT(*) AS n FROM dbo.items')).recordset, [{ n: 3 }]);
  });

  test('cancel stops the running statement and the connection goes on', async () => {
    const pool = await connect(bed.admin, true);
    const request = pool.request();
    const running = request.query(SQL.slow);
    setTimeout(() => request.cancel(), 300);
    const started = Date.now();
    await assert.rejects(running, (e: sql.RequestError) => e.code === 'ECANCEL');
    assert.ok(Date.now() - started < 10_000, 'the cancel was answered');
    assert.deepEqual((await pool.request().query('SELECT 1 AS still')).recordset, [{ still: 1 }]);
  });

  test('a wrong password is Msg 18456', async () => {
    const pool = new sql.ConnectionPool({ server: '127.0.0.1', port: bed.port, user: bed.admin.name, password: 'not the password', options: { encrypt: true, trustServerCertificate: true } });
    await assert.rejects(pool.connect(), (e: sql.ConnectionError) => e.code === 'ELOGIN' && /Login failed for user 'tds_admin'/.test(e.message));
  });

  test('every type of the instance arrives as its own type', async () => {
    const pool = await connect();
    const r = await pool.request().query(
      [
        'SELECT CAST(200 AS tinyint) AS ti, CAST(-2 AS smallint) AS si, CAST(-3 AS int) AS i, CAST(9007199254740993 AS bigint) AS bi,',
        " CAST(1 AS bit) AS b, CAST(-12.345 AS decimal(10,3)) AS de, CAST(12345678901234.5678 AS numeric(18,4)) AS nu, CAST(-1.5 AS money) AS mo, CAST(3 AS smallmoney) AS sm,",
        " CAST(1.25 AS real) AS re, CAST(2.5 AS float) AS fl, CAST('ab' AS char(3)) AS ch, CAST('café' AS varchar(10)) AS vc, CAST(N'ü€' AS nchar(2)) AS nc,",
        " CAST(REPLICATE('x', 9000) AS varchar(max)) AS vmax, CAST(N'ж' AS nvarchar(max)) AS nmax, CAST(0x0102 AS varbinary(10)) AS vb, CAST(0x03 AS varbinary(max)) AS vbmax,",
        " CAST(0x04 AS binary(2)) AS bn, CAST('2024-02-03' AS date) AS d, CAST('12:34:56.789' AS time) AS t, CAST('2024-02-03 04:05:06.007' AS datetime) AS dt,",
        " CAST('2024-02-03 04:05:06.123' AS datetime2) AS dt2, CAST('2024-01-01 10:30' AS smalldatetime) AS sdt, CAST('6F9619FF-8B86-D011-B42D-00C04FC964FF' AS uniqueidentifier) AS g,",
        ' CAST(NULL AS int) AS nint, CAST(NULL AS nvarchar(max)) AS nn, CAST(NULL AS varbinary(max)) AS nvb',
      ].join(''),
    );
    const row = r.recordset[0] as Record<string, unknown>;
    const columns = r.recordset.columns as Record<string, { type: unknown }>;
    assert.equal(columns.ti!.type, sql.TinyInt);
    assert.equal(columns.bi!.type, sql.BigInt);
    assert.equal(columns.de!.type, sql.Decimal);
    assert.equal(columns.nu!.type, sql.Numeric);
    assert.equal(columns.mo!.type, sql.Money);
    assert.equal(columns.vmax!.type, sql.VarChar);
    assert.equal(columns.nmax!.type, sql.NVarChar);
    assert.equal(columns.d!.type, sql.Date);
    assert.equal(columns.t!.type, sql.Time);
    assert.equal(columns.dt!.type, sql.DateTime);
    assert.equal(columns.dt2!.type, sql.DateTime2);
    assert.equal(columns.g!.type, sql.UniqueIdentifier);
    assert.deepEqual(
      { ti: row.ti, si: row.si, i: row.i, bi: row.bi, b: row.b, de: row.de, nu: row.nu, mo: row.mo, sm: row.sm, re: row.re, fl: row.fl },
      { ti: 200, si: -2, i: -3, bi: '9007199254740993', b: true, de: -12.345, nu: 12345678901234.568, mo: -1.5, sm: 3, re: 1.25, fl: 2.5 },
    );
    assert.equal((row.ch as string).trimEnd(), 'ab');
    assert.equal(row.vc, 'café');
    assert.equal(row.nc, 'ü€');
    assert.equal(row.vmax, 'x'.repeat(9000));
    assert.equal(row.nmax, 'ж');
    assert.deepEqual([...(row.vb as Buffer)], [1, 2]);
    assert.deepEqual([...(row.vbmax as Buffer)], [3]);
    assert.equal((row.bn as Buffer)[0], 4);
    assert.equal((row.d as Date).toISOString(), '2024-02-03T00:00:00.000Z');
    assert.equal((row.t as Date).toISOString(), '1970-01-01T12:34:56.789Z');
    assert.equal((row.dt as Date).toISOString(), '2024-02-03T04:05:06.007Z');
    assert.equal((row.dt2 as Date).toISOString(), '2024-02-03T04:05:06.123Z');
    assert.equal((row.sdt as Date).toISOString(), '2024-01-01T10:30:00.000Z');
    assert.equal(row.g, '6F9619FF-8B86-D011-B42D-00C04FC964FF');
    assert.deepEqual([row.nint, row.nn, row.nvb], [null, null, null]);
  });

  test('a result of several storage chunks, with NULLs in every column, arrives row for row', async () => {
    // 5,000 rows span three of DuckDB's chunks, so the columns read in bulk are encoded across
    // chunk boundaries; the text mixes strings stored inline (up to 12 bytes) and out of line.
    const pool = await connect();
    const r = await pool.request().batch(
      [
        'CREATE TABLE #d (d int); INSERT INTO #d VALUES (0),(1),(2),(3),(4),(5),(6),(7),(8),(9);',
        'SELECT n, CASE WHEN n % 7 = 0 THEN NULL ELSE n * 0.5E0 END AS f, CASE WHEN n % 11 = 0 THEN NULL ELSE CAST(n AS bigint) * CAST(3000000000 AS bigint) END AS big,',
        ' CASE WHEN n % 13 = 0 THEN NULL ELSE CAST(n % 2 AS bit) END AS b, CASE WHEN n % 3 = 0 THEN NULL ELSE CAST(n AS smallint) END AS s,',
        " CASE WHEN n % 5 = 0 THEN NULL ELSE CONCAT(N'é', n, REPLICATE(N'x', n % 20)) END AS t",
        ' FROM (SELECT a.d + 10 * b.d + 100 * c.d + 1000 * e.d AS n FROM #d a CROSS JOIN #d b CROSS JOIN #d c CROSS JOIN #d e) AS x WHERE n < 5000 ORDER BY n;',
      ].join('\n'),
    );
    const rows = r.recordset as unknown as Record<string, unknown>[];
    assert.equal(rows.length, 5000);
    const expected = (n: number) => ({
      n,
      f: n % 7 === 0 ? null : n * 0.5,
      big: n % 11 === 0 ? null : String(BigInt(n) * 3000000000n),
      b: n % 13 === 0 ? null : n % 2 === 1,
      s: n % 3 === 0 ? null : n,
      t: n % 5 === 0 ? null : `é${n}${'x'.repeat(n % 20)}`,
    });
    for (let n = 0; n < 5000; n++) assert.deepEqual({ ...rows[n] }, expected(n), `row ${n}`);
  });

  test('responses of every size follow one another whole on one connection', async () => {
    // The connection keeps a response's buffer for the next one while it is small, and lets a
    // grown one go: a large value, a middling one and a tiny one, twice over, must each arrive
    // exactly, with nothing of the response before them.
    const pool = new sql.ConnectionPool({ server: '127.0.0.1', port: bed.port, user: bed.admin.name, password: bed.admin.password, options: { encrypt: false, trustServerCertificate: true }, pool: { max: 1 } });
    await pool.connect();
    pools.push(pool);
    for (let round = 0; round < 2; round++) {
      for (const [size, letter] of [[1_000_000, 'a'], [100_000, 'b'], [3, 'c']] as const) {
        const r = await pool.request().query(`SELECT REPLICATE(CAST('${letter}' AS varchar(max)), ${size}) AS v, ${size} AS n;`);
        const row = r.recordset[0] as { v: string; n: number };
        assert.equal(row.n, size);
        assert.equal(row.v.length, size, `round ${round}, ${size} characters`);
        assert.equal(row.v, letter.repeat(size));
      }
    }
  });

  test("USE changes the database (ENVCHANGE and 'Changed database context'); a login's database is used at connect", async () => {
    const pool = await connect();
    await pool.request().batch('CREATE DATABASE tds_other');
    const { result, infos } = await batch(pool, 'USE tds_other; SELECT DB_NAME() AS db');
    assert.deepEqual(result!.recordset, [{ db: 'tds_other' }]);
    assert.ok(infos.some((i) => i.number === 5701 && i.message === "Changed database context to 'tds_other'."));
    const there = await connect(bed.admin, false, 'tds_other');
    assert.deepEqual((await there.request().query('SELECT DB_NAME() AS db')).recordset, [{ db: 'tds_other' }]);
    await assert.rejects(connect(bed.user, true, 'tds_other'), (e: sql.ConnectionError) => /Cannot open database "tds_other"|Login failed/.test(e.message));
  });

  test('several connections at once each run their own statements', async () => {
    const pool = await connect();
    const answers = await Promise.all(Array.from({ length: 6 }, (_, k) => pool.request().input('k', sql.Int, k).query("WAITFOR DELAY '00:00:00.200'; SELECT @k AS k, @@SPID AS spid")));
    assert.deepEqual(
      answers.map((a) => (a.recordset[0] as { k: number }).k),
      [0, 1, 2, 3, 4, 5],
    );
    const spids = new Set(answers.map((a) => (a.recordset[0] as { spid: number }).spid));
    assert.ok(spids.size > 1, 'the statements ran on more than one connection');
  });

  test('errors carry number, state, class, line and procedure', async () => {
    const pool = await connect();
    await pool.request().batch('CREATE PROCEDURE dbo.fails AS BEGIN\n  SELECT 1 AS one;\n  SELECT * FROM dbo.nothing_here;\nEND');
    const { error } = await batch(pool, 'SELECT 1;\nEXEC dbo.fails');
    assert.ok(error);
    const e = error as unknown as { number: number; class: number; state: number; lineNumber: number; procName: string };
    assert.equal(e.number, 208);
    assert.equal(e.class, 16);
    assert.equal(e.procName, 'fails');
    assert.equal(e.lineNumber, 3);
  });
});
