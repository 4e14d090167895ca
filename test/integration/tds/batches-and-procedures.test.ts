// Two things SQL Server does that drivers rely on: a SQL batch is one batch (GO is a client
// tool's separator; the server answers Msg 102 and runs nothing of the batch), and the OUTPUT
// values of a procedure called with parameters by position come back named as the procedure
// declares them (tedious passes a value without a name by position and reports the name the
// server sent).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Connection } from 'tedious';
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

});
