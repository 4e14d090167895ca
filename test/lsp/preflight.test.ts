// The security pre-flight through the language server. Part one: the server in this process over
// in-memory streams, with a fake instance answering its T-SQL (diagnostics merged with the static
// ones, quick fixes, hover, re-check on save and by command, check as another login, credentials,
// an unreachable instance told once). Part two: the real instance, created with
// `sqlml instance create` in a temporary folder and reached through sqlml.instance.path. Only a
// missing build skips it (test/support/requireOrSkip.ts); an instance that can't be created or set up
// is a failure.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import {
  CodeActionRequest,
  createProtocolConnection,
  DidChangeConfigurationNotification,
  DidOpenTextDocumentNotification,
  DidSaveTextDocumentNotification,
  HoverRequest,
  InitializedNotification,
  InitializeRequest,
  PublishDiagnosticsNotification,
  ShowMessageNotification,
  ShutdownRequest,
  StreamMessageReader,
  StreamMessageWriter,
  type CodeAction,
  type Diagnostic,
  type MarkupContent,
  type ProtocolConnection,
  type PublishDiagnosticsParams,
} from 'vscode-languageserver-protocol/node';
import { createConnection } from 'vscode-languageserver/node';
import type { EmbeddedChecker } from '../../server/src/core/embedded/ports';
import { createServer } from '../../server/src/lsp/server';
import type { InstanceTarget, PreflightConnection } from '../../server/src/lsp/preflight/instanceTarget';
import { CredentialsNeededNotification, InstanceStartRequest, PreflightCheckRequest, SetCredentialsRequest, type CredentialsNeededParams } from '../../server/src/protocol';
import { InstanceClient } from '../../server/src/node/instance/instanceClient';
import { instanceLayout } from '../../server/src/node/instance/layout';
import { skipReason } from '../support/requireOrSkip';
import { FakeInstance, fakeWorld, type FakeWorld } from '../unit/preflight/helpers';
import { LspClient } from './lspClient';

const NO_CHECKER: EmbeddedChecker = { check: async () => ({ findings: [] }), dispose: () => undefined };

/** The server of lsp/server.ts in this process, with a real protocol client over in-memory streams. */
class InProcess {
  readonly client: ProtocolConnection;
  readonly published: PublishDiagnosticsParams[] = [];
  readonly messages: string[] = [];
  readonly credentialsNeeded: CredentialsNeededParams[] = [];
  readonly targets: InstanceTarget[] = [];
  private readonly waiters: (() => void)[] = [];
  private version = new Map<string, number>();

  constructor(
    public world: FakeWorld,
    public fake = new FakeInstance(world),
    public reachable = true,
  ) {
    const up = new PassThrough();
    const down = new PassThrough();
    const server = createConnection(new StreamMessageReader(up), new StreamMessageWriter(down));
    createServer(server, {
      createChecker: () => NO_CHECKER,
      preflight: {
        retryAfterMs: 60_000,
        open: async (target): Promise<PreflightConnection> => {
          this.targets.push(target);
          if (!this.reachable) throw new Error(`connect ENOENT /nowhere/run/owner/sqlml.sock`);
          if (target.sqlLogin && target.sqlLogin.password !== 'right') throw Object.assign(new Error(`Login failed for user '${target.sqlLogin.name}'.`), {});
          return { runner: this.fake, login: target.sqlLogin?.name ?? this.world.login, describe: '/fake', workerGroups: ['sqlmlusers'], close: () => undefined };
        },
      },
    });
    server.listen();
    this.client = createProtocolConnection(new StreamMessageReader(down), new StreamMessageWriter(up));
    this.client.onNotification(PublishDiagnosticsNotification.type, (p) => this.notify(() => this.published.push(p)));
    this.client.onNotification(ShowMessageNotification.type, (p) => this.notify(() => this.messages.push(p.message)));
    this.client.onNotification(CredentialsNeededNotification, (p) => this.notify(() => this.credentialsNeeded.push(p)));
    this.client.listen();
  }

  private notify(record: () => void): void {
    record();
    for (const w of this.waiters.splice(0)) w();
  }

  async start(settings: Record<string, unknown>): Promise<this> {
    await this.client.sendRequest(InitializeRequest.type, { processId: null, rootUri: null, capabilities: {}, workspaceFolders: null, initializationOptions: { settings, workspaceTrusted: true } });
    await this.client.sendNotification(InitializedNotification.type, {});
    return this;
  }

  async open(uri: string, text: string): Promise<void> {
    this.version.set(uri, 1);
    await this.client.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'sql', version: 1, text } });
  }

  async save(uri: string): Promise<void> {
    await this.client.sendNotification(DidSaveTextDocumentNotification.type, { textDocument: { uri } });
  }

  async until<T>(what: string, probe: () => T | undefined | false, timeoutMs = 5000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const hit = probe();
      if (hit) return hit;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${what}; published: ${JSON.stringify(this.published.slice(-2))}; messages: ${JSON.stringify(this.messages)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 200));
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** The latest diagnostics of `uri` once they satisfy `accept`. */
  diagnostics(uri: string, accept: (d: Diagnostic[]) => boolean, timeoutMs?: number): Promise<Diagnostic[]> {
    return this.until(`diagnostics of ${uri}`, () => {
      const last = [...this.published].reverse().find((p) => p.uri === uri);
      return last && accept(last.diagnostics) ? last.diagnostics : undefined;
    }, timeoutMs);
  }

  async stop(): Promise<void> {
    await this.client.sendRequest(ShutdownRequest.type).catch(() => undefined);
    this.client.dispose();
  }
}

const codes = (d: Diagnostic[]) => d.map((x) => `${x.code} ${x.range.start.line}:${x.range.start.character}`);
const live = (d: Diagnostic[]) => d.filter((x) => /^SQLML3/.test(String(x.code)));

const DOC = `USE ml;
GO
INSERT INTO dbo.scores (id, score)
EXEC sp_execute_external_script @language = N'Python',
    @script = N'
status = requests.get("https://example.com")
rows = sqlml_query("SELECT id FROM dbo.iris")
OutputDataSet = InputDataSet
',
    @input_data_1 = N'SELECT id, sepal_length, species FROM dbo.iris';
`;

describe('pre-flight in the language server, against a fake instance', () => {
  test('live findings are published with the static ones, as the login of sqlml.preflight.checkAsLogin, in one run', async () => {
    const world = fakeWorld();
    world.scriptsEnabled = false;
    world.databases.ml!.executeAny = [];
    world.databases.ml!.tables['dbo.iris']!.grants = {};
    world.groupLogins = [];
    const lsp = await new InProcess(world).start({ preflight: { checkAsLogin: 'alice' } });
    try {
      const uri = 'file:///tmp/preflight-live.sql';
      await lsp.open(uri, DOC);
      const diagnostics = await lsp.diagnostics(uri, (d) => d.some((x) => x.code === 'SQLML300'));
      assert.deepEqual(codes(diagnostics), [
        'SQLML303 2:12',
        'SQLML300 3:5',
        'SQLML301 3:5',
        'SQLML312 5:9',
        'SQLML310 6:7',
        'SQLML302 6:35',
        'SQLML302 9:60',
      ]);
      assert.ok(diagnostics.every((d) => d.source === 'sqlml'));
      // One text as alice, one (the group logins) as the connected login.
      assert.deepEqual(lsp.fake.texts.map((t) => t.asLogin), ['alice', undefined]);

      const grant = diagnostics.find((d) => d.code === 'SQLML302' && d.range.start.line === 9)!;
      const actions = (await lsp.client.sendRequest(CodeActionRequest.type, { textDocument: { uri }, range: grant.range, context: { diagnostics: [grant] } })) as CodeAction[];
      assert.deepEqual(actions.map((a) => a.title), ['Add the DBA statement: GRANT SELECT ON [dbo].[iris] TO [alice];']);
      const edit = actions[0]!.edit!.changes![uri]![0]!;
      assert.deepEqual(edit.range, { start: { line: 2, character: 0 }, end: { line: 2, character: 0 } });
      assert.equal(edit.newText, '-- sqlml pre-flight (SQLML302): for a DBA to run\nUSE [ml];\nGRANT SELECT ON [dbo].[iris] TO [alice];\nGO\n');

      const hover = await lsp.client.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line: 7, character: 18 } });
      const value = (hover!.contents as MarkupContent).value;
      assert.match(value, /\*\*InputDataSet\*\*: the rows of @input_data_1, as the instance describes them \(database ml\)/);
      assert.match(value, /\| id \| int \|\n\| sepal_length \| float \|\n\| species \| nvarchar\(20\) \|/);
      const paramHover = await lsp.client.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line: 9, character: 8 } });
      const paramValue = (paramHover!.contents as MarkupContent).value;
      assert.match(paramValue, /^`@input_data_1 nvarchar\(max\)`/, 'the core hover first');
      assert.match(paramValue, /---\n\n\*\*InputDataSet\*\*/, 'then the columns');
    } finally {
      await lsp.stop();
    }
  });

  test('answers are cached while typing; a save asks again, and what a DBA granted clears the finding', async () => {
    const world = fakeWorld();
    world.databases.ml!.tables['dbo.scores']!.grants = { INSERT: ['alice'] };
    world.databases.ml!.tables['dbo.iris']!.grants = {};
    const lsp = await new InProcess(world).start({ preflight: { checkAsLogin: 'alice' } });
    try {
      const uri = 'file:///tmp/preflight-save.sql';
      await lsp.open(uri, DOC);
      await lsp.diagnostics(uri, (d) => d.filter((x) => x.code === 'SQLML302').length === 2);
      const asked = lsp.fake.texts.length;
      await lsp.client.sendNotification(DidChangeConfigurationNotification.type, { settings: { sqlml: { preflight: { checkAsLogin: 'alice' } } } });
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(lsp.fake.texts.length, asked, 'a re-validation with the same questions does not ask again');
      world.databases.ml!.tables['dbo.iris']!.grants = { SELECT: ['alice'] };
      await lsp.save(uri);
      const after = await lsp.diagnostics(uri, (d) => !d.some((x) => x.code === 'SQLML302'));
      assert.deepEqual(codes(after), ['SQLML312 5:9']);
      assert.ok(lsp.fake.texts.length > asked);
    } finally {
      await lsp.stop();
    }
  });

  test('the check command re-checks at once and can check as another login (and back to the setting)', async () => {
    const world = fakeWorld();
    world.databases.ml!.tables['dbo.scores']!.grants = {};
    const lsp = await new InProcess(world).start({ preflight: { checkAsLogin: 'alice' } });
    try {
      const uri = 'file:///tmp/preflight-command.sql';
      await lsp.open(uri, DOC);
      await lsp.diagnostics(uri, (d) => live(d).some((x) => x.code === 'SQLML303'));
      const asDev = await lsp.client.sendRequest(PreflightCheckRequest, { asLogin: 'dev' });
      assert.deepEqual(asDev, { reachable: true, login: 'dev', documents: 1, problems: 1 });
      await lsp.diagnostics(uri, (d) => live(d).length === 1 && live(d)[0]!.code === 'SQLML312');
      assert.equal(lsp.fake.texts.at(-1)!.asLogin, undefined, 'the group logins');
      assert.ok(lsp.fake.texts.some((t) => t.asLogin === 'dev'));
      const back = await lsp.client.sendRequest(PreflightCheckRequest, { uri, asLogin: null });
      assert.equal(back.login, 'alice');
      assert.equal(back.problems, 2);
      await lsp.diagnostics(uri, (d) => live(d).some((x) => x.code === 'SQLML303'));
      const nobody = await lsp.client.sendRequest(PreflightCheckRequest, { asLogin: 'mallory' });
      assert.equal(nobody.reachable, true);
      assert.equal(nobody.problems, 1, 'only what the script shows');
      await lsp.until('the refusal', () => lsp.messages.find((m) => /refused the permission check as login 'mallory': Msg 15406/.test(m)));
    } finally {
      await lsp.stop();
    }
  });

  test('an unreachable instance is told once; the static checks and the script findings go on', async () => {
    const lsp = await new InProcess(fakeWorld(), undefined, false).start({});
    try {
      const first = 'file:///tmp/preflight-down-1.sql';
      const second = 'file:///tmp/preflight-down-2.sql';
      await lsp.open(first, DOC);
      await lsp.open(second, DOC.replace("N'Python'", "N'Pyhton'"));
      const d1 = await lsp.diagnostics(first, (d) => d.length > 0);
      assert.deepEqual(codes(d1), ['SQLML312 5:9']);
      const d2 = await lsp.diagnostics(second, (d) => d.some((x) => x.code === 'SQLML105'));
      assert.ok(d2.some((x) => x.code === 'SQLML105'), 'static checks go on');
      await lsp.until('the message', () => lsp.messages.length > 0);
      await lsp.save(first);
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(lsp.messages.length, 1, lsp.messages.join('\n'));
      assert.match(lsp.messages[0]!, /^sqlml: cannot reach the instance \(.*\): connect ENOENT .*The permission and loopback checks are off until it answers; the other checks go on\.$/);
      assert.ok(lsp.targets.length >= 2, 'a save tries again');
      // It comes back: the next check says nothing and finds what there is.
      lsp.reachable = true;
      const result = await lsp.client.sendRequest(PreflightCheckRequest, {});
      assert.equal(result.reachable, true);
      assert.equal(lsp.messages.length, 1);
    } finally {
      await lsp.stop();
    }
  });

  test('a SQL login: the server asks the client for its password, and connects with what sqlml/setCredentials gives', async () => {
    const lsp = await new InProcess(fakeWorld()).start({ instance: { login: 'bob', path: '/srv/sqlml/ml' } });
    try {
      await lsp.open('file:///tmp/preflight-login.sql', DOC);
      const needed = await lsp.until('credentialsNeeded', () => lsp.credentialsNeeded[0]);
      assert.deepEqual(needed, { login: 'bob', instance: '/srv/sqlml/ml' });
      assert.equal(lsp.targets.length, 0, 'no connection without the password');
      const wrong = await lsp.client.sendRequest(SetCredentialsRequest, { login: 'bob', password: 'wrong' });
      assert.deepEqual(wrong, { ok: false, login: null, message: "Login failed for user 'bob'." });
      const right = await lsp.client.sendRequest(SetCredentialsRequest, { login: 'bob', password: 'right' });
      assert.deepEqual(right, { ok: true, login: 'bob' });
      assert.deepEqual(lsp.targets.at(-1), { path: '/srv/sqlml/ml', sqlLogin: { name: 'bob', password: 'right' } });
    } finally {
      await lsp.stop();
    }
  });

  test('sqlml.preflight.enabled = false: no pre-flight findings and no connection', async () => {
    const world = fakeWorld();
    world.scriptsEnabled = false;
    const lsp = await new InProcess(world).start({ preflight: { enabled: false } });
    try {
      const uri = 'file:///tmp/preflight-off.sql';
      await lsp.open(uri, DOC);
      const d = await lsp.diagnostics(uri, () => true);
      await new Promise((r) => setTimeout(r, 200));
      assert.deepEqual(live(d), []);
      assert.equal(lsp.targets.length, 0);
    } finally {
      await lsp.stop();
    }
  });
});

// ---- the real instance ---------------------------------------------------------------------------

const ROOT = join(__dirname, '..', '..');
const CLI = join(ROOT, 'server', 'dist', 'cli.js');

describe('pre-flight against the real embedded instance', { skip: skipReason(existsSync(CLI) ? undefined : `${CLI} is missing: run npm run build`) }, () => {
  let folder = '';
  let owner: InstanceClient | null = null;
  let lsp: LspClient | null = null;

  const run = async (sql: string) => {
    const outcome = await owner!.run(sql);
    const errors = outcome.batches.flatMap((b) => b.messages.filter((m) => m.kind === 'error'));
    if (errors.length) throw new Error(errors.map((e) => `Msg ${e.number}: ${e.text}`).join('\n'));
    return outcome;
  };

  before(async () => {
    folder = join(mkdtempSync(join(tmpdir(), 'sqlml-preflight-')), 'instance');
    // --force: scripts could never run below /tmp (instance create refuses it), but the pre-flight runs none.
    const created = spawnSync(process.execPath, [CLI, 'instance', 'create', '--path', folder, '--isolation', 'none', '--force'], { encoding: 'utf8', timeout: 60_000 });
    // A set-up that fails is a failure of every test below (node:test fails them with the hook's error).
    assert.equal(created.status, 0, `'sqlml instance create' failed: ${(created.stderr || created.stdout || String(created.error ?? '')).trim()}`);
    owner = await InstanceClient.connect(instanceLayout({ path: folder }), { autoStart: true, clientName: 'preflight test', startTimeoutMs: 30_000 });
    await run(
      [
        'CREATE DATABASE ml;',
        'GO',
        'USE ml;',
        'CREATE TABLE dbo.iris (id int, sepal_length float, species nvarchar(20));',
        'CREATE TABLE dbo.scores (id int, score float);',
        "CREATE LOGIN alice WITH PASSWORD = N'Al1ce-Passw0rd!';",
        'CREATE USER alice FOR LOGIN alice;',
      ].join('\n'),
    );
    lsp = await LspClient.start({ instance: { path: folder }, preflight: { checkAsLogin: 'alice' }, python: { path: '/usr/bin/python3' } });
  });

  after(async () => {
    await lsp?.stop();
    owner?.close();
    if (folder && existsSync(join(folder, 'instance.json'))) spawnSync(process.execPath, [CLI, 'instance', 'stop', '--path', folder], { timeout: 30_000 });
    if (folder) rmSync(join(folder, '..'), { recursive: true, force: true });
  });

  const uri = 'file:///tmp/preflight-real.sql';

  test('as alice: scripts disabled, no EXECUTE ANY EXTERNAL SCRIPT, no SELECT, no INSERT, no worker-group login', async () => {
    await lsp!.open(uri, DOC);
    const d = await lsp!.diagnostics(uri, (x) => x.some((y) => y.code === 'SQLML302'), 30_000);
    const found = new Set(live(d).map((x) => x.code));
    for (const code of ['SQLML300', 'SQLML301', 'SQLML302', 'SQLML303', 'SQLML310', 'SQLML312']) assert.ok(found.has(code), `${code} in ${JSON.stringify(codes(d))}`);
    const select = live(d).find((x) => x.code === 'SQLML302' && x.range.start.line === 9)!;
    assert.equal(select.range.start.character, 60);
    assert.match(String(select.message), /'alice' lacks SELECT on dbo\.iris/);
  });

  test('hover on InputDataSet shows the columns the instance describes', async () => {
    const hover = await lsp!.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line: 7, character: 18 } });
    const value = (hover?.contents as MarkupContent | undefined)?.value ?? '';
    assert.match(value, /\| id \| int \|/);
    assert.match(value, /\| sepal_length \| float \|/);
    assert.match(value, /\| species \| nvarchar\(20\) \|/);
  });

  test('a DBA runs the quick fixes; the check command then finds those permissions granted', async () => {
    const d = await lsp!.diagnostics(uri, (x) => x.some((y) => y.code === 'SQLML302'));
    // Every fix is taken before any runs: each change to the catalog re-runs the pre-flight.
    const statements: string[] = [];
    for (const diagnostic of live(d).filter((x) => ['SQLML300', 'SQLML301', 'SQLML302', 'SQLML303'].includes(String(x.code)))) {
      const actions = (await lsp!.connection.sendRequest(CodeActionRequest.type, { textDocument: { uri }, range: diagnostic.range, context: { diagnostics: [diagnostic] } })) as CodeAction[];
      statements.push(actions.find((a) => a.title.startsWith('Add the DBA statement'))!.edit!.changes![uri]![0]!.newText);
    }
    for (const statement of statements) await run(statement);
    const result = await lsp!.connection.sendRequest(PreflightCheckRequest.method, {});
    assert.equal((result as { reachable: boolean }).reachable, true);
    const after = await lsp!.diagnostics(uri, (x) => !x.some((y) => ['SQLML300', 'SQLML301', 'SQLML302', 'SQLML303'].includes(String(y.code))), 30_000);
    assert.ok(live(after).some((x) => x.code === 'SQLML312'), 'the network finding stays');
  });

  // No save and no check command below: the instance tells the server its catalog changed.
  test('a permission revoked on the instance shows up in Problems at once, and its grant clears it again', async () => {
    const lacksSelect = (d: Diagnostic[]) => live(d).some((x) => x.code === 'SQLML302');
    await lsp!.latestDiagnostics(uri, (d) => !lacksSelect(d), 30_000);
    await run('USE ml; REVOKE SELECT ON dbo.iris FROM alice;');
    const revoked = await lsp!.latestDiagnostics(uri, lacksSelect, 30_000);
    assert.match(String(live(revoked).find((x) => x.code === 'SQLML302')!.message), /'alice' lacks SELECT on dbo\.iris/);
    await run('USE ml; GRANT SELECT ON dbo.iris TO alice;');
    await lsp!.latestDiagnostics(uri, (d) => !lacksSelect(d), 30_000);
  });

  test("sp_configure 'external scripts enabled' with RECONFIGURE re-runs the pre-flight of every open document", async () => {
    const other = 'file:///tmp/preflight-real-2.sql';
    await lsp!.open(other, DOC);
    const disabled = (d: Diagnostic[]) => live(d).some((x) => x.code === 'SQLML300');
    await lsp!.latestDiagnostics(other, (d) => !disabled(d) && live(d).some((x) => x.code === 'SQLML312'), 30_000);
    await run("EXEC sp_configure 'external scripts enabled', 0; RECONFIGURE;");
    await lsp!.latestDiagnostics(uri, disabled, 30_000);
    await lsp!.latestDiagnostics(other, disabled, 30_000);
    await run("EXEC sp_configure 'external scripts enabled', 1; RECONFIGURE;");
    await lsp!.latestDiagnostics(uri, (d) => !disabled(d), 30_000);
    await lsp!.latestDiagnostics(other, (d) => !disabled(d), 30_000);
  });
});

describe('pre-flight when the instance appears', { skip: skipReason(existsSync(CLI) ? undefined : `${CLI} is missing: run npm run build`) }, () => {
  // Under /var/lib, not /tmp: the instance is created by the editor with sqlml's defaults, which refuse a
  // folder other users can write above.
  const parent = '/var/lib/sqlml-test-lsp-appears';
  const folder = join(parent, 'instance');

  before(() => rmSync(parent, { recursive: true, force: true }));
  after(() => {
    if (existsSync(join(folder, 'instance.json'))) spawnSync(process.execPath, [CLI, 'instance', 'stop', '--path', folder], { timeout: 30_000 });
    rmSync(parent, { recursive: true, force: true });
  });

  test('an instance created and started from the editor re-runs the pre-flight of the open documents at once', async () => {
    const lsp = await LspClient.start({ instance: { path: folder }, python: { path: '/usr/bin/python3' } });
    const told: string[] = [];
    lsp.connection.onNotification(ShowMessageNotification.type, (m) => void told.push(m.message));
    try {
      const uri = 'file:///var/lib/sqlml-test-lsp-appears/appears.sql';
      await lsp.open(uri, `EXEC sp_execute_external_script @language = N'Python', @script = N'OutputDataSet = InputDataSet', @input_data_1 = N'SELECT 1 AS x';\n`);
      await lsp.diagnostics(uri, () => true);
      const deadline = Date.now() + 15_000;
      while (!told.some((m) => /cannot reach the instance/.test(m)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      assert.ok(told.some((m) => /cannot reach the instance/.test(m)), `the missing instance is said once: ${JSON.stringify(told)}`);
      assert.deepEqual(live(await lsp.latestDiagnostics(uri, () => true)), [], 'nothing live is claimed while there is no instance');

      const started = await lsp.connection.sendRequest(InstanceStartRequest, { create: true });
      assert.equal(started.ok, true, started.message);
      // No edit, save or command from here: only the instance's arrival can make the server ask again
      // (the retry after a failure to reach is 30 s away).
      const d = await lsp.latestDiagnostics(uri, (x) => live(x).length > 0, 20_000);
      assert.ok(live(d).some((x) => x.code === 'SQLML300'), `scripts are off on a new instance: ${JSON.stringify(codes(d))}`);
    } finally {
      await lsp.stop();
    }
  });
});
