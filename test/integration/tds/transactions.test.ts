// Transactions over the TDS endpoint as drivers run them: pyodbc's default autocommit=False
// (FreeTDS begins, commits and rolls back with transaction manager requests), mssql's Transaction
// and tedious's beginTransaction; BEGIN/COMMIT/ROLLBACK in a batch announced to the driver
// (ENVCHANGE with the transaction descriptor, which tedious tracks); the distributed-transaction
// requests refused with an error, never a hang. What a second connection sees is the proof.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import sql from 'mssql';
import { Request, type Connection } from 'tedious';
import { pythonScenario, TdsBed, tdsSkip, type Login } from './harness';
import { openTedious, tediousBatch } from './tediousClient';

const skip = tdsSkip();
const pyodbcSkip = tdsSkip({ python: 'pyodbc' });

describe('TDS endpoint: transactions begun and ended by drivers', { skip }, () => {
  const bed = new TdsBed('transactions', 'sqltdx');
  const pools: sql.ConnectionPool[] = [];
  const connections: Connection[] = [];
  let observer: sql.ConnectionPool;

  before(async () => {
    await bed.start();
    observer = await pool();
    await observer.request().batch('CREATE TABLE dbo.tx_pyodbc (id int, note nvarchar(50)); CREATE TABLE dbo.tx_mssql (id int, note nvarchar(50)); CREATE TABLE dbo.tx_tedious (id int);');
  }, { timeout: 300_000 });
  after(async () => {
    for (const c of connections) c.close();
    for (const p of pools) await p.close().catch(() => undefined);
    await bed.stop();
  });

  async function pool(login: Login = bed.admin): Promise<sql.ConnectionPool> {
    const p = new sql.ConnectionPool({ server: '127.0.0.1', port: bed.port, user: login.name, password: login.password, options: { encrypt: true, trustServerCertificate: true }, pool: { max: 2 } });
    await p.connect();
    pools.push(p);
    return p;
  }

  /** What a connection that is not in the transaction sees. */
  async function visible(table: string, id: number): Promise<number> {
    const r = await observer.request().input('id', sql.Int, id).query<{ n: number }>(`SELECT COUNT(*) AS n FROM ${table} WHERE id = @id`);
    return r.recordset[0]!.n;
  }

  async function tedious(): Promise<Connection> {
    const c = await openTedious(bed.port, bed.admin);
    connections.push(c);
    return c;
  }

  const call = (begin: (done: (err?: Error | null) => void) => void) => new Promise<Error | undefined>((resolve) => begin((err) => resolve(err ?? undefined)));

  test("pyodbc's default autocommit=False: commit() makes the rows visible to others, rollback() discards them", { skip: pyodbcSkip }, async () => {
    const r = await pythonScenario('pyodbc_client.py', 'driver_transactions', { port: bed.port, login: bed.admin, encrypt: true, table: 'dbo.tx_pyodbc' });
    assert.deepEqual(r, {
      trancount: 1,
      before_commit: 0,
      after_commit: 1,
      own_before_rollback: 1,
      after_rollback: 0,
      second_commit: 1,
    });
    assert.deepEqual((await observer.request().query('SELECT id, note FROM dbo.tx_pyodbc ORDER BY id')).recordset, [
      { id: 1, note: 'committed' },
      { id: 3, note: 'second commit' },
    ]);
  });

  test("mssql's Transaction: commit and rollback, with an isolation level", async () => {
    const p = await pool();
    const committed = new sql.Transaction(p);
    await committed.begin(sql.ISOLATION_LEVEL.SERIALIZABLE);
    await new sql.Request(committed).query("INSERT INTO dbo.tx_mssql VALUES (1, N'kept')");
    assert.deepEqual((await new sql.Request(committed).query('SELECT @@TRANCOUNT AS n')).recordset, [{ n: 1 }]);
    assert.equal(await visible('dbo.tx_mssql', 1), 0, 'not visible before the commit');
    await committed.commit();
    assert.equal(await visible('dbo.tx_mssql', 1), 1);

    const discarded = new sql.Transaction(p);
    await discarded.begin();
    await new sql.Request(discarded).query("INSERT INTO dbo.tx_mssql VALUES (2, N'gone')");
    await discarded.rollback();
    assert.equal(await visible('dbo.tx_mssql', 2), 0);
    // The pooled connection is out of its transaction: what it runs next is committed at once.
    await p.request().query("INSERT INTO dbo.tx_mssql VALUES (3, N'autocommit')");
    assert.equal(await visible('dbo.tx_mssql', 3), 1);
  });

  test('tedious follows BEGIN/COMMIT/ROLLBACK run in a batch, and a rollback by XACT_ABORT', async () => {
    const c = await tedious();
    const none = Buffer.alloc(8).toString('hex');
    assert.equal((await tediousBatch(c, 'BEGIN TRANSACTION; INSERT INTO dbo.tx_tedious VALUES (1)')).error, undefined);
    assert.equal(c.inTransaction, true);
    const first = c.currentTransactionDescriptor().toString('hex');
    assert.notEqual(first, none, 'the driver holds the descriptor the server announced');
    assert.equal((await tediousBatch(c, 'COMMIT')).error, undefined);
    assert.equal(c.inTransaction, false);
    assert.equal(await visible('dbo.tx_tedious', 1), 1);

    assert.equal((await tediousBatch(c, 'BEGIN TRAN; INSERT INTO dbo.tx_tedious VALUES (2); COMMIT; BEGIN TRAN; INSERT INTO dbo.tx_tedious VALUES (3)')).error, undefined);
    assert.equal(c.inTransaction, true);
    assert.notEqual(c.currentTransactionDescriptor().toString('hex'), first, 'a new transaction has a new descriptor');
    assert.equal((await tediousBatch(c, 'ROLLBACK')).error, undefined);
    assert.equal(c.inTransaction, false);
    assert.equal(await visible('dbo.tx_tedious', 2), 1);
    assert.equal(await visible('dbo.tx_tedious', 3), 0);

    // An error under XACT_ABORT rolls the transaction back: the driver is told so.
    const failed = await tediousBatch(c, 'SET XACT_ABORT ON; BEGIN TRAN; INSERT INTO dbo.tx_tedious VALUES (4); SELECT 1 / 0;');
    assert.match(String(failed.error?.message), /Divide by zero/);
    assert.equal(c.inTransaction, false);
    assert.equal(await visible('dbo.tx_tedious', 4), 0);
    assert.deepEqual((await tediousBatch(c, 'SET XACT_ABORT OFF; SELECT @@TRANCOUNT')).rows, [[0]]);
  });

  test("tedious's beginTransaction/commitTransaction/rollbackTransaction, and SAVE TRANSACTION refused as in a batch", async () => {
    const c = await tedious();
    assert.equal(await call((done) => c.beginTransaction(done, 'named_one')), undefined);
    assert.deepEqual((await tediousBatch(c, 'INSERT INTO dbo.tx_tedious VALUES (5); SELECT @@TRANCOUNT')).rows, [[1]]);
    const saved = await call((done) => c.saveTransaction(done, 'halfway'));
    assert.match(String(saved?.message), /SAVE TRANSACTION is not supported/);
    assert.equal(await call((done) => c.commitTransaction(done, 'named_one')), undefined);
    assert.equal(await visible('dbo.tx_tedious', 5), 1);
    assert.equal(await call((done) => c.beginTransaction(done)), undefined);
    await tediousBatch(c, 'INSERT INTO dbo.tx_tedious VALUES (6)');
    assert.equal(await call((done) => c.rollbackTransaction(done)), undefined);
    assert.equal(await visible('dbo.tx_tedious', 6), 0);
    // COMMIT without a transaction is SQL Server's Msg 3902, through the transaction manager too.
    const orphan = await call((done) => c.commitTransaction(done));
    assert.match(String(orphan?.message), /The COMMIT TRANSACTION request has no corresponding BEGIN TRANSACTION/);
  });

  test('a distributed transaction request (TM_PROMOTE_XACT) is refused with an error; the connection goes on', async () => {
    const c = await tedious();
    // ALL_HEADERS (the transaction descriptor header), then the request type: tedious has no
    // public call for it, so its own request machinery sends the bytes.
    const body = Buffer.alloc(22 + 2);
    body.writeUInt32LE(22, 0);
    body.writeUInt32LE(18, 4);
    body.writeUInt16LE(2, 8);
    body.writeUInt32LE(1, 18);
    body.writeUInt16LE(6, 22);
    const error = await new Promise<Error | undefined>((resolve) => {
      const request = new Request('TM_PROMOTE_XACT', (err) => resolve(err ?? undefined));
      c.makeRequest(request, 0x0e, { *[Symbol.iterator]() { yield body; }, toString: () => 'TM_PROMOTE_XACT' });
    });
    assert.match(String(error?.message), /MSDTC on server '.+' is unavailable\./);
    assert.deepEqual((await tediousBatch(c, 'SELECT 1')).rows, [[1]]);
  });
});
