// The TDS endpoint through FreeTDS's tsql command line (Debian's freetds-bin). The password goes
// on standard input (tsql asks for it when -P is not given), then the batches, each ended by
// "go". Encryption comes from a freetds.conf named by FREETDSCONF. tsql has no way to cancel a
// statement from a script, so cancel is tested with the other clients.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { runWithInput, SQL, TdsBed, tdsSkip, type Login } from './harness';

const TSQL = '/usr/bin/tsql';
const skip = tdsSkip({ command: TSQL });

describe('TDS endpoint with tsql (FreeTDS)', { skip }, () => {
  const bed = new TdsBed('tsql', 'sqltds');
  const confDir = mkdtempSync(join(tmpdir(), 'sqlml-tsql-'));
  before(() => bed.start(), { timeout: 300_000 });
  after(async () => {
    rmSync(confDir, { recursive: true, force: true });
    await bed.stop();
  });

  async function tsql(batches: string[], options: { login?: Login; password?: string; encrypt?: boolean } = {}): Promise<{ out: string; err: string; status: number | null }> {
    const login = options.login ?? bed.admin;
    const conf = join(confDir, `${options.encrypt === false ? 'off' : 'require'}.conf`);
    writeFileSync(conf, `[global]\n\ttds version = 7.4\n\tencryption = ${options.encrypt === false ? 'off' : 'require'}\n`);
    const input = `${options.password ?? login.password}\n${batches.map((b) => `${b}\ngo\n`).join('')}`;
    const previous = process.env.FREETDSCONF;
    process.env.FREETDSCONF = conf;
    try {
      const r = await runWithInput(TSQL, ['-H', '127.0.0.1', '-p', String(bed.port), '-U', login.name, '-o', 'q'], input);
      return { out: r.stdout, err: r.stderr, status: r.status };
    } finally {
      if (previous === undefined) delete process.env.FREETDSCONF;
      else process.env.FREETDSCONF = previous;
    }
  }

  const lines = (text: string) => text.split('\n').filter((l) => l !== '');

  test('connects with encryption required and with it off', async () => {
    for (const encrypt of [true, false]) {
      const r = await tsql([SQL.whoAmI], { encrypt });
      assert.deepEqual(lines(r.out), ['who\tdb', `${bed.admin.name}\tmaster`], r.err);
    }
  });

  test('a batch with several result sets and PRINT', async () => {
    const r = await tsql([SQL.batch]);
    assert.deepEqual(lines(r.out), ['id\tname', '1\tone', '2\ttwo', '3\tthree', 'n', '3']);
    assert.match(r.err, /between the result sets/);
  });

  test('a parameterized query through sp_executesql', async () => {
    const r = await tsql(["EXEC sp_executesql N'SELECT name FROM dbo.items WHERE id = @id', N'@id int', @id = 2"]);
    assert.deepEqual(lines(r.out), ['name', 'two']);
  });

  test('a procedure with an OUTPUT parameter', async () => {
    const r = await tsql(['DECLARE @y int; EXEC dbo.add_one 41, @y OUTPUT; SELECT @y AS y']);
    assert.deepEqual(lines(r.out), ['x', '41', 'y', '42']);
  });

  test('sp_execute_external_script in Python and R with their STDOUT', { timeout: 120_000 }, async () => {
    const r = await tsql([SQL.python, SQL.r]);
    // The scripts' columns are unnamed (no WITH RESULT SETS): each header line is empty.
    assert.deepEqual(lines(r.out), ['1', '2', '3', '1', '2', '3'], `stderr: ${r.err}\ndaemon log:\n${bed.instance.daemonLog()}`);
    assert.match(r.err, /STDOUT message\(s\) from external script:\s*\nhello from python/);
    assert.match(r.err, /hello from R/);
  });

  test('a script error is Msg 39004, then the runtime error with the script line', { timeout: 120_000 }, async () => {
    const r = await tsql([SQL.scriptError]);
    assert.match(r.err, /Msg 39004 \(severity 16, state 20\)/);
    assert.match(r.err, /Msg 39019 \(severity 16, state 2\)[\s\S]*line 3[\s\S]*boom at three/);
  });

  test('a permission error is Msg 297', async () => {
    const r = await tsql([SQL.python], { login: bed.user });
    assert.match(r.err, /Msg 297 \(severity 16[^)]*\)[\s\S]*The user does not have permission to perform this action\./);
  });

  test('a wrong password is Msg 18456', async () => {
    const r = await tsql(['SELECT 1'], { password: 'not the password' });
    assert.match(r.err, /Msg 18456 \(severity 14, state 1\)[\s\S]*Login failed for user 'tds_admin'\./);
    assert.notEqual(r.status, 0);
  });
});
