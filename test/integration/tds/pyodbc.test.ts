// The TDS endpoint through pyodbc on FreeTDS's ODBC driver (Debian's python3-pyodbc and tdsodbc):
// each scenario is one run of pyodbc_client.py, with encryption required and off.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { pythonScenario, SQL, TdsBed, tdsSkip } from './harness';

const skip = tdsSkip({ python: 'pyodbc' });

describe('TDS endpoint with pyodbc (FreeTDS ODBC)', { skip }, () => {
  const bed = new TdsBed('pyodbc', 'sqltdo');
  before(() => bed.start(), { timeout: 300_000 });
  after(() => bed.stop());

  const run = (scenario: string, extra: Record<string, unknown> = {}, encrypt = true) => pythonScenario('pyodbc_client.py', scenario, { port: bed.port, login: bed.admin, encrypt, ...extra });

  test('connects with encryption required and with it off', async () => {
    for (const encrypt of [true, false]) {
      assert.deepEqual((await run('who', { sql: SQL.whoAmI }, encrypt)).rows, [[bed.admin.name, 'master']]);
    }
  });

  test('a batch with several result sets and PRINT', async () => {
    const r = await run('batch', { sql: SQL.batch });
    assert.deepEqual(r.sets, [[[1, 'one'], [2, 'two'], [3, 'three']], [[3]]]);
    assert.ok((r.messages as string[]).some((m) => m.endsWith('between the result sets')), JSON.stringify(r.messages));
  });

  test('parameterized queries (the driver binds ? parameters)', async () => {
    assert.deepEqual((await run('parameters')).rows, [['two'], ['three']]);
  });

  test('a procedure with an OUTPUT parameter', async () => {
    assert.deepEqual((await run('procedure')).sets, [[[41]], [[42]]]);
  });

  test('sp_execute_external_script in Python and R with their STDOUT', { timeout: 120_000 }, async () => {
    for (const [sql, said] of [
      [SQL.python, 'hello from python'],
      [SQL.r, 'hello from R'],
    ] as const) {
      const r = await run('batch', { sql });
      assert.equal(r.error, undefined, `${String(r.error)}\ndaemon log:\n${bed.instance.daemonLog()}`);
      assert.deepEqual(r.sets, [[[1], [2], [3]]]);
      const text = (r.messages as string[]).join('\n');
      assert.match(text, /STDOUT message\(s\) from external script:/);
      assert.match(text, new RegExp(said));
    }
  });

  test('a script error is Msg 39004', { timeout: 120_000 }, async () => {
    // pyodbc raises with the first error only: the runtime's Msg 39019 (with the script's line)
    // that follows is not reachable from it; the other clients' tests check that one.
    const r = await run('batch', { sql: SQL.scriptError });
    assert.match(String(r.error), /A 'Python' script error occurred during execution of 'sp_execute_external_script' with HRESULT 0x80004004\..*\(39004\)/);
  });

  test('a permission error is Msg 297', async () => {
    const r = await run('as_user', { sql: SQL.python, user: bed.user.name, userPassword: bed.user.password });
    assert.match(String(r.error), /The user does not have permission to perform this action\. \(297\)/);
  });

  test('cancel stops the statement and the connection goes on', async () => {
    const r = await run('cancel', { sql: SQL.slow }, false);
    assert.equal(r.rows, undefined);
    assert.match(String(r.error), /cancel/i);
    assert.ok((r.seconds as number) < 10, `cancelled after ${String(r.seconds)} s`);
    assert.deepEqual(r.after, [[1]]);
  });

  test('a wrong password is Msg 18456', async () => {
    assert.match(String((await run('wrong_password')).error), /Login failed for user 'tds_admin'\. \(18456\)/);
  });
});
