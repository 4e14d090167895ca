// A real instance with its TDS endpoint for the client tests: created and started through the CLI
// (its daemon serves TDS on the port status reports), with two SQL logins made through the owner's
// socket: tds_admin (sysadmin) and tds_user (a user in master who may read dbo.items and nothing
// more). Passwords are made per run and never reach a command line: clients get them in-process
// or on standard input.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { skipReason } from '../../support/requireOrSkip';
import { cli, instanceSkip, TestInstance } from '../instance/harness';

export const PYTHON = '/usr/bin/python3';

export interface Login {
  name: string;
  password: string;
}

/** Why the TDS tests can't run here: an instance can't (instanceSkip), or `need` (a client) is missing. */
export function tdsSkip(need: { python?: string; command?: string } = {}): string | undefined {
  const instance = instanceSkip();
  if (instance) return instance;
  if (need.python && spawnSync(PYTHON, ['-c', `import ${need.python}`]).status !== 0) {
    return skipReason(`needs ${PYTHON} with ${need.python} (apt-get install python3-${need.python}${need.python === 'pyodbc' ? ' tdsodbc' : ''})`);
  }
  if (need.command && !existsSync(need.command)) return skipReason(`needs ${need.command} (apt-get install freetds-bin)`);
  return undefined;
}

function password(): string {
  return `Tds!${randomBytes(9).toString('base64url')}9a`;
}

export class TdsBed {
  readonly instance: TestInstance;
  readonly admin: Login = { name: 'tds_admin', password: password() };
  readonly user: Login = { name: 'tds_user', password: password() };
  port = 0;

  constructor(tag: string, prefix: string) {
    this.instance = new TestInstance(`tds-${tag}`, prefix);
  }

  async start(): Promise<void> {
    this.instance.create(3);
    const started = cli(['instance', 'start', '--path', this.instance.path]);
    assert.equal(started.status, 0, started.stderr);
    const status = cli(['instance', 'status', '--path', this.instance.path, '--format', 'json']);
    const port = (JSON.parse(status.stdout) as { status: { tds: { port: number } | null } }).status.tds?.port;
    assert.ok(port, `instance status shows no TDS port: ${status.stdout}`);
    this.port = port;
    const owner = await this.instance.connect();
    try {
      const setup = await owner.run(
        [
          "EXEC sp_configure 'external scripts enabled', 1; RECONFIGURE;",
          `CREATE LOGIN ${this.admin.name} WITH PASSWORD = N'${this.admin.password}'; ALTER SERVER ROLE sysadmin ADD MEMBER ${this.admin.name};`,
          `CREATE LOGIN ${this.user.name} WITH PASSWORD = N'${this.user.password}'; CREATE USER ${this.user.name} FOR LOGIN ${this.user.name};`,
          "CREATE TABLE dbo.items (id int, name nvarchar(50)); INSERT INTO dbo.items VALUES (1, N'one'), (2, N'two'), (3, N'three');",
          `GRANT SELECT ON dbo.items TO ${this.user.name};`,
          'GO',
          'CREATE PROCEDURE dbo.add_one @x int, @y int OUTPUT AS BEGIN SET @y = @x + 1; SELECT @x AS x; RETURN 7; END',
          'GO',
          // No result set: DB-Library clients read OUTPUT values as soon as the call returns.
          'CREATE PROCEDURE dbo.add_two @x int, @y int OUTPUT AS BEGIN SET @y = @x + 2; END',
        ].join('\n'),
      );
      const errors = setup.batches.flatMap((b) => b.messages).filter((m) => m.kind === 'error');
      assert.deepEqual(errors, [], 'setting up the logins failed');
    } finally {
      owner.close();
    }
  }

  async stop(): Promise<void> {
    await this.instance.teardown();
  }
}

export interface Ran {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a program with `input` on its standard input (where passwords go), without blocking the event loop. */
export function runWithInput(command: string, args: string[], input: string, timeoutMs = 120_000): Promise<Ran> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
    child.stdin.end(input);
  });
}

/**
 * Runs one scenario of the Python client in `file` (pymssql_client.py, pyodbc_client.py): the
 * connection settings and password travel as JSON on standard input, the outcome comes back as
 * JSON on standard output.
 */
export async function pythonScenario(file: string, scenario: string, settings: { port: number; login: Login; encrypt: boolean; [k: string]: unknown }): Promise<Record<string, unknown>> {
  const r = await runWithInput(PYTHON, [join(__dirname, file), scenario], JSON.stringify({ ...settings, login: settings.login.name, password: settings.login.password }));
  assert.equal(r.status, 0, `${file} ${scenario} failed:\n${r.stdout}\n${r.stderr}`);
  try {
    return JSON.parse(r.stdout.trim().split('\n').pop()!) as Record<string, unknown>;
  } catch {
    return assert.fail(`${file} ${scenario} printed no JSON:\n${r.stdout}\n${r.stderr}`);
  }
}

/** The scripts every client runs (one text, so each client is held to the same behaviour). */
export const SQL = {
  whoAmI: 'SELECT SUSER_SNAME() AS who, DB_NAME() AS db',
  batch: "SELECT id, name FROM dbo.items ORDER BY id; PRINT 'between the result sets'; SELECT COUNT(*) AS n FROM dbo.items",
  python: [
    "EXEC sp_execute_external_script @language = N'Python',",
    "  @script = N'print(\"hello from python\")",
    "OutputDataSet = InputDataSet',",
    "  @input_data_1 = N'SELECT id FROM dbo.items'",
  ].join('\n'),
  r: [
    "EXEC sp_execute_external_script @language = N'R',",
    "  @script = N'print(\"hello from R\")",
    "OutputDataSet <- InputDataSet',",
    "  @input_data_1 = N'SELECT id FROM dbo.items'",
  ].join('\n'),
  /** The error is on the script's third line. */
  scriptError: ["EXEC sp_execute_external_script @language = N'Python', @script = N'x = 1", 'y = 2', "raise ValueError(\"boom at three\")'"].join('\n'),
  slow: "WAITFOR DELAY '00:00:30'; SELECT 1 AS never",
};
