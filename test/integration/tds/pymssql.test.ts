// The TDS endpoint through Python's pymssql (Debian's python3-pymssql, on FreeTDS): each scenario
// is one run of pymssql_client.py, with encryption required and off.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { pythonScenario, SQL, TdsBed, tdsSkip } from './harness';

const skip = tdsSkip({ python: 'pymssql' });

describe('TDS endpoint with pymssql', { skip }, () => {
  const bed = new TdsBed('pymssql', 'sqltdp');
  before(() => bed.start(), { timeout: 300_000 });
  after(() => bed.stop());

  const run = (scenario: string, extra: Record<string, unknown> = {}, encrypt = true) => pythonScenario('pymssql_client.py', scenario, { port: bed.port, login: bed.admin, encrypt, ...extra });
  type Message = { number: number; text: string };

  test('connects with encryption required and with it off', async () => {
    for (const encrypt of [true, false]) {
      const r = await run('who', { sql: SQL.whoAmI }, encrypt);
      assert.deepEqual(r.rows, [[bed.admin.name, 'master']]);
    }
  });

  test('a batch with several result sets and PRINT', async () => {
    const r = await run('batch', { sql: SQL.batch });
    assert.deepEqual(r.sets, [[[1, 'one'], [2, 'two'], [3, 'three']], [[3]]]);
    assert.ok((r.messages as Message[]).some((m) => m.text === 'between the result sets'));
  });

  test('a parameterized query', async () => {
    assert.deepEqual((await run('parameters')).rows, [['two']]);
  });

  test('a decimal past the 15 digits a double holds arrives exact (pymssql reads a Decimal)', async () => {
    const sql = 'DECLARE @t TABLE (v decimal(18,2)); INSERT @t VALUES (9999999999999999.99), (9999999999999999.99);\nSELECT SUM(v) AS s, MAX(v) * 2 AS twice, CAST(-12345678901234567890.125 AS decimal(38,3)) AS n, CAST(0.1 AS decimal(5,2)) AS small FROM @t;';
    const r = await run('batch', { sql });
    assert.deepEqual(r.sets, [[['19999999999999999.98', '19999999999999999.98', '-12345678901234567890.125', '0.10']]]);
  });

  test('a procedure with an OUTPUT parameter (RPC)', async () => {
    const r = await run('procedure');
    assert.deepEqual(r.output, [40, 42]);
  });

  test('sp_execute_external_script in Python and R with their STDOUT', { timeout: 120_000 }, async () => {
    for (const [sql, said] of [
      [SQL.python, 'hello from python'],
      [SQL.r, 'hello from R'],
    ] as const) {
      const r = await run('batch', { sql });
      assert.equal(r.error, undefined, JSON.stringify(r.error));
      assert.deepEqual(r.sets, [[[1], [2], [3]]]);
      const text = (r.messages as Message[]).map((m) => m.text).join('\n');
      assert.match(text, /STDOUT message\(s\) from external script:/);
      assert.match(text, new RegExp(said));
    }
  });

  test('a script error is Msg 39004 with the line of the script', { timeout: 120_000 }, async () => {
    const r = await run('batch', { sql: SQL.scriptError });
    const error = r.error as Message;
    const all = [error, ...(r.messages as Message[])];
    assert.ok(all.some((m) => m.number === 39004), JSON.stringify(all));
    const text = all.map((m) => m.text).join('\n');
    assert.match(text, /boom at three/);
    assert.match(text, /line 3/);
  });

  test('a permission error is Msg 297', async () => {
    const r = await run('as_user', { sql: SQL.python, user: bed.user.name, userPassword: bed.user.password });
    const all = [r.error as Message, ...(r.messages as Message[])];
    assert.ok(all.some((m) => m.number === 297 && /does not have permission/.test(m.text)), JSON.stringify(all));
  });

  test('cancel stops the statement and the connection goes on', async () => {
    const r = await run('cancel', { sql: SQL.slow });
    assert.equal(r.rows, undefined, 'the statement did not run to its end');
    assert.ok((r.seconds as number) < 10, `cancelled after ${String(r.seconds)} s`);
    assert.deepEqual(r.after, [[1]]);
  });

  test('a wrong password is Msg 18456', async () => {
    const r = await run('wrong_password');
    assert.match(String(r.error), /18456|Login failed for user 'tds_admin'/);
  });
});
