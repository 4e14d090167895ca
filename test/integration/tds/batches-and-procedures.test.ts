// Two things SQL Server does that drivers rely on: a SQL batch is one batch (GO is a client
// tool's separator; the server answers Msg 102 and runs nothing of the batch), and a procedure's
// OUTPUT values come back as [MS-TDS] orders them, large-object ones last.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Request, TYPES, type Connection } from 'tedious';
import { pythonScenario, TdsBed, tdsSkip } from './harness';
import { openTedious, tediousBatch } from './tediousClient';

const skip = tdsSkip();
const pyodbcSkip = tdsSkip({ python: 'pyodbc' });

describe('TDS endpoint: batches and procedure calls as SQL Server answers them', { skip }, () => {
  const bed = new TdsBed('batches', 'sqltdb');
  let c: Connection;

  before(async () => {
    await bed.start();
    c = await openTedious(bed.port, bed.admin);
  }, { timeout: 300_000 });
  after(async () => {
    c?.close();
    await bed.stop();
  });

  const withGo = 'CREATE TABLE dbo.made_before_go (id int)\nGO\nINSERT INTO dbo.made_before_go VALUES (1)';

  test('GO inside a batch is not a separator: Msg 102 on its line, and nothing of the batch runs', async () => {
    const r = await tediousBatch(c, withGo);
    assert.equal(r.error?.number, 102);
    assert.equal(r.error?.message, "Incorrect syntax near 'GO'.");
    assert.equal(r.error?.lineNumber, 2);
    assert.deepEqual((await tediousBatch(c, "SELECT OBJECT_ID('dbo.made_before_go') AS id")).rows, [[null]]);
    // Where GO can be read as a column alias, SQL Server reads it so: both SELECTs run.
    assert.deepEqual((await tediousBatch(c, 'SELECT 1\nGO\nSELECT 2')).rows, [[1], [2]]);
  });

  test('the same through pyodbc (FreeTDS ODBC)', { skip: pyodbcSkip }, async () => {
    const r = await pythonScenario('pyodbc_client.py', 'batch', { port: bed.port, login: bed.admin, encrypt: true, sql: withGo });
    assert.match(String(r.error), /Incorrect syntax near 'GO'\. \(102\)/);
  });

  test('OUTPUT values come back small ones first, then the (max) ones, each group in order', async () => {
    const made = await tediousBatch(c, "CREATE PROCEDURE dbo.mixed_outputs @text nvarchar(max) OUTPUT, @n int OUTPUT, @blob varbinary(max) OUTPUT, @m int OUTPUT AS BEGIN SET @text = N'long'; SET @n = 1; SET @blob = 0x0102; SET @m = 2; END");
    assert.equal(made.error, undefined);
    const order = await new Promise<[string, unknown][]>((resolve, reject) => {
      const seen: [string, unknown][] = [];
      const request = new Request('dbo.mixed_outputs', (error) => (error ? reject(error) : resolve(seen)));
      request.addOutputParameter('text', TYPES.NVarChar, null, { length: Infinity });
      request.addOutputParameter('n', TYPES.Int, null);
      request.addOutputParameter('blob', TYPES.VarBinary, null, { length: Infinity });
      request.addOutputParameter('m', TYPES.Int, null);
      request.on('returnValue', (name: string, value: unknown) => seen.push([name, value]));
      c.callProcedure(request);
    });
    assert.deepEqual(order.map(([name]) => name), ['n', 'm', 'text', 'blob']);
    assert.deepEqual(order.map(([, value]) => value), [1, 2, 'long', Buffer.from([1, 2])]);
  });

});
