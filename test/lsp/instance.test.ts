// Running, the instance and the Pools and Sessions views through the language server, against a
// real instance: created with `sqlml instance create` in a folder of its own under /var/lib (own
// worker accounts, prefix sqlmlte) and reached through sqlml.instance.path; the built server is
// spawned over stdio and driven with the custom requests of protocol.ts, as the editor does. It
// reports itself skipped, with the reason, where the instance can't be created (not root, …).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { pathToFileURL } from 'node:url';
import type { NotificationType } from 'vscode-languageserver-protocol/node';
import {
  CancelRunRequest,
  CancelSessionRequest,
  DatabasesRequest,
  InstanceListRequest,
  InstanceStartRequest,
  InstanceStateNotification,
  InstanceStateRequest,
  InstanceStopRequest,
  PoolsChangedNotification,
  PoolsRequest,
  ProvisionWorkersRequest,
  RunMessageNotification,
  RunScriptRequest,
  SessionChangedNotification,
  SessionOutputRequest,
  SessionsRequest,
  SetCredentialsRequest,
  type InstanceState,
  type PoolsResult,
  type RunMessage,
  type RunScriptParams,
  type RunScriptResult,
  type SessionChange,
} from '../../server/src/protocol';
import { cli, instanceSkip, TestInstance } from '../integration/instance/harness';
import { LspClient } from './lspClient';
import { decodeResultSet } from '../../server/src/core/results/encodedResultSets';
import { nodeBase64 } from '../../server/src/node/instance/wireResultSets';

const skip = instanceSkip();
const instance = new TestInstance('lsp', 'sqlmlte');
const DOC_DIR = '/var/lib/sqlml-test-lsp/docs';

/** An LSP client that records the notifications of protocol.ts and waits on them. */
class Editor {
  readonly seen: { method: string; params: unknown }[] = [];
  private readonly waiters: (() => void)[] = [];
  private constructor(readonly lsp: LspClient) {
    for (const type of [InstanceStateNotification, PoolsChangedNotification, SessionChangedNotification, RunMessageNotification] as NotificationType<unknown>[]) {
      lsp.connection.onNotification(type, (params: unknown) => {
        this.seen.push({ method: type.method, params });
        for (const w of this.waiters.splice(0)) w();
      });
    }
  }

  static async start(settings: Record<string, unknown>, options: { pulled?: { delayMs: number } } = {}): Promise<Editor> {
    return new Editor(await LspClient.start({ preflight: { enabled: false }, ...settings }, [], options));
  }

  /** The first notification of `type` (from `from` on) that `accept` takes. */
  async next<P>(type: NotificationType<P>, accept: (p: P) => boolean, what: string, from = 0, timeoutMs = 30_000): Promise<P> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const hit = this.seen.slice(from).find((n) => n.method === type.method && accept(n.params as P));
      if (hit) return hit.params as P;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no ${what} within ${timeoutMs} ms; seen: ${JSON.stringify(this.seen.slice(from).map((n) => n.method + ' ' + JSON.stringify(n.params).slice(0, 200)))}\n${this.lsp.stderr}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  mark(): number {
    return this.seen.length;
  }

  async open(name: string, text: string): Promise<string> {
    const uri = pathToFileURL(`${DOC_DIR}/${name}`).href;
    await this.lsp.open(uri, text);
    return uri;
  }

  run(params: Omit<RunScriptParams, 'runId'> & { runId?: string }): Promise<RunScriptResult> {
    return this.lsp.connection.sendRequest(RunScriptRequest, { runId: params.runId ?? `run-${Math.random()}`, ...params });
  }
}

const ROWS = `PRINT 'before the script';
EXEC sp_execute_external_script
  @language = N'Python',
  @script = N'
print("hello from python")
OutputDataSet = pandas.DataFrame({"n": [1, 2, 3], "name": ["one", "two", "three"]})
'
WITH RESULT SETS ((n int, name nvarchar(10)));
`;

const FAILING = `-- line 0
SELECT 1 AS one;
GO
EXEC sp_execute_external_script
  @language = N'Python',
  @script = N'
x = 1
y = x / 0
'
`;

const SLEEP = (seconds: number) => `EXEC sp_execute_external_script @language = N'Python', @script = N'
import time
time.sleep(${seconds})
';
`;

const errorsOf = (r: RunScriptResult) => r.batches.flatMap((b) => b.messages.filter((m) => m.kind === 'error'));
const rowsOf = (r: RunScriptResult) => r.batches.flatMap((b) => b.resultSets.flatMap((s) => decodeResultSet(s, nodeBase64).rows));

describe('the instance through the language server', { skip }, () => {
  let editor: Editor;

  before(async () => {
    instance.create(2);
    editor = await Editor.start({ instance: { path: instance.path } });
  });

  after(async () => {
    await editor?.lsp.stop();
    await instance.teardown();
  });

  test('a created instance that is not running is "stopped"; Start starts it and the state follows', async () => {
    const state = await editor.lsp.connection.sendRequest(InstanceStateRequest, { connect: true });
    assert.equal(state.status, 'stopped');
    assert.equal(state.path, instance.path);
    assert.equal(state.isolation, 'accounts', 'read from the instance folder while it is stopped');
    const from = editor.mark();
    const started = await editor.lsp.connection.sendRequest(InstanceStartRequest, { create: false });
    assert.equal(started.ok, true, started.message);
    const connected = await editor.next(InstanceStateNotification, (s) => s.status === 'connected', 'a connected state', from);
    assert.deepEqual({ login: connected.login, authentication: connected.authentication, isolation: connected.isolation, unisolated: connected.unisolated, name: connected.name }, {
      login: 'root',
      authentication: 'os',
      isolation: 'accounts',
      unisolated: false,
      name: 'instance',
    });
    // Scripts need the switch on; a run of plain T-SQL through the server does it.
    const uri = await editor.open('setup.sql', "EXEC sp_configure 'external scripts enabled', 1;\nRECONFIGURE;\n");
    const setup = await editor.run({ uri, scope: 'file' });
    assert.deepEqual(errorsOf(setup), []);
  });

  test('Run Script: result sets, messages streamed as they happen, the session notified, the worker free again', async () => {
    const uri = await editor.open('rows.sql', ROWS);
    const from = editor.mark();
    const result = await editor.run({ uri, scope: 'file', runId: 'rows-1' });
    assert.equal(result.failed, undefined);
    assert.equal(result.cancelled, false);
    assert.deepEqual(errorsOf(result), []);
    assert.deepEqual(result.batches[0]!.resultSets[0]!.columns, [
      { name: 'n', type: 'int' },
      { name: 'name', type: 'nvarchar(10)' },
    ]);
    assert.deepEqual(rowsOf(result), [
      [1, 'one'],
      [2, 'two'],
      [3, 'three'],
    ]);
    assert.equal(result.login, 'root');
    const messages = result.batches.flatMap((b) => b.messages);
    assert.ok(messages.some((m) => m.text === 'before the script' && m.header === ''), 'PRINT');
    assert.ok(messages.some((m) => m.text.includes('STDOUT message(s) from external script:') && m.text.includes('hello from python')), 'the script output');
    const streamed = editor.seen.slice(from).filter((n) => n.method === RunMessageNotification.method).map((n) => n.params as { runId: string; message: RunMessage });
    assert.ok(streamed.some((n) => n.runId === 'rows-1' && n.message.text.includes('hello from python')), 'streamed while it ran');

    assert.equal(result.sessions.length, 1);
    const session = result.sessions[0]!;
    assert.match(session.worker ?? '', /^sqlmlte0[12]$/);
    assert.equal(session.state, 'succeeded');
    await editor.next(SessionChangedNotification, (c: SessionChange) => 'session' in c && c.session.id === session.id && c.session.state === 'running', 'the session running', from);
    await editor.next(SessionChangedNotification, (c: SessionChange) => 'session' in c && c.session.id === session.id && c.session.state === 'succeeded', 'the session succeeded', from);
    const free = await editor.next(PoolsChangedNotification, (p: PoolsResult) => !!p.view && p.view.mode === 'accounts' && p.view.pools[0]!.workers.every((w) => w.caller === null), 'the pools with every worker free', from);
    assert.equal(free.view!.pools[0]!.size, 2);
    assert.ok(free.view!.pools[0]!.enforcement.some((e) => e.setting.startsWith('MAX_MEMORY_PERCENT')), 'the limits say how they are enforced');

    const sessions = await editor.lsp.connection.sendRequest(SessionsRequest);
    assert.ok(sessions.sessions.some((s) => s.id === session.id && s.caller === 'root' && s.language === 'python'));
    const output = await editor.lsp.connection.sendRequest(SessionOutputRequest, { id: session.id });
    assert.equal(output.available, true);
    assert.match(output.text, /hello from python/);
    assert.equal(output.uri, uri);
    const unknown = await editor.lsp.connection.sendRequest(SessionOutputRequest, { id: '00000000-0000-0000-0000-000000000000' });
    assert.equal(unknown.available, false);
  });

  test('a script error comes back as Msg 39004 on the .sql line of the failing script line, in file and selection runs', async () => {
    const uri = await editor.open('failing.sql', FAILING);
    const file = await editor.run({ uri, scope: 'file' });
    const error = errorsOf(file).find((m) => m.number === 39004);
    assert.ok(error, JSON.stringify(errorsOf(file)));
    assert.equal(error.line, 7, 'y = x / 0 is on line 7 (0-based) of the document');
    assert.match(error.header, /^Msg 39004, Level 16, State \d+, Line 8$/);
    assert.ok(errorsOf(file).some((m) => m.number === 39019 && /ZeroDivisionError/.test(m.text)));
    assert.equal(file.batches[1]!.line, 3, 'the second batch starts on line 3');

    // The same call selected alone: lines are still the document's.
    const selection = await editor.run({ uri, scope: 'selection', range: { start: { line: 3, character: 0 }, end: { line: 9, character: 0 } } });
    assert.equal(selection.ran.startLine, 3);
    assert.equal(errorsOf(selection).find((m) => m.number === 39004)?.line, 7);
    assert.deepEqual(rowsOf(selection), [], 'the SELECT outside the selection did not run');
  });

  test('Run Call at Cursor runs the call under the cursor only, and says why not inside a procedure', async () => {
    const text = `SELECT 'not this' AS x;\n${ROWS}\nGO\nCREATE PROCEDURE dbo.p AS\n${SLEEP(0)}`;
    const uri = await editor.open('calls.sql', text);
    const call = await editor.run({ uri, scope: 'call', position: { line: 5, character: 2 } });
    assert.equal(call.failed, undefined);
    assert.deepEqual(rowsOf(call), [
      [1, 'one'],
      [2, 'two'],
      [3, 'three'],
    ]);
    assert.deepEqual(call.ran, { scope: 'call', startLine: 2, endLine: 8 });
    const inProcedure = await editor.run({ uri, scope: 'call', position: { line: 14, character: 8 } });
    assert.match(inProcedure.failed ?? '', /inside procedure dbo\.p/);
    const nowhere = await editor.run({ uri, scope: 'call', position: { line: 0, character: 3 } });
    assert.match(nowhere.failed ?? '', /not on a call to sp_execute_external_script/);
  });

  test('Cancel on a run stops it promptly; it is reported once, as "Query was cancelled by user.", and the session says cancelled once', async () => {
    const uri = await editor.open('long-run.sql', SLEEP(120));
    const from = editor.mark();
    const running = editor.run({ uri, scope: 'file', runId: 'long-1' });
    const started = await editor.next(SessionChangedNotification, (c: SessionChange) => 'session' in c && c.session.state === 'running', 'a running session', from, 60_000);
    const id = (started as { session: { id: string } }).session.id;
    const t0 = Date.now();
    assert.deepEqual(await editor.lsp.connection.sendRequest(CancelRunRequest, { runId: 'long-1' }), { cancelled: true });
    const result = await running;
    assert.ok(Date.now() - t0 < 10_000, `cancelled in ${Date.now() - t0} ms`);
    assert.equal(result.cancelled, true);
    assert.deepEqual(errorsOf(result).map((e) => e.text), ['Query was cancelled by user.']);
    const streamed = editor.seen
      .slice(from)
      .filter((n) => n.method === RunMessageNotification.method)
      .map((n) => n.params as { runId: string; message: RunMessage })
      .filter((p) => p.runId === 'long-1' && p.message.kind === 'error');
    assert.deepEqual(streamed.map((p) => p.message.text), ['Query was cancelled by user.']);
    await editor.next(SessionChangedNotification, (c: SessionChange) => 'session' in c && c.session.id === id && c.session.state === 'cancelled', 'the session cancelled', from);
    const cancelled = editor.seen.slice(from).filter((n) => n.method === SessionChangedNotification.method && 'session' in (n.params as object) && (n.params as { session: { id: string; state: string } }).session.id === id && (n.params as { session: { state: string } }).session.state === 'cancelled');
    assert.equal(cancelled.length, 1, 'one change to cancelled');
  });

  test('Cancel Session from the view: the session is cancelled, its run says so, the worker is free again', async () => {
    const uri = await editor.open('long-session.sql', SLEEP(120));
    const from = editor.mark();
    const running = editor.run({ uri, scope: 'file' });
    const change = await editor.next(SessionChangedNotification, (c: SessionChange) => 'session' in c && c.session.state === 'running', 'a running session', from, 60_000);
    const id = (change as { session: { id: string; worker?: string } }).session.id;
    const busy = await editor.lsp.connection.sendRequest(PoolsRequest);
    assert.ok(busy.view!.pools[0]!.workers.some((w) => w.caller === 'root'), 'a worker serves root');
    assert.deepEqual(await editor.lsp.connection.sendRequest(CancelSessionRequest, { id }), { cancelled: true });
    const result = await running;
    assert.equal(result.cancelled, true);
    await editor.next(SessionChangedNotification, (c: SessionChange) => 'session' in c && c.session.id === id && c.session.state === 'cancelled', 'the session cancelled', from);
    await editor.next(PoolsChangedNotification, (p: PoolsResult) => !!p.view && p.view.pools[0]!.workers.every((w) => w.caller === null), 'every worker free', from);
    const again = await editor.lsp.connection.sendRequest(CancelSessionRequest, { id });
    assert.equal(again.cancelled, false);
    assert.match(again.message ?? '', /not running/);
  });

  test('Provision Worker Accounts (as root) finds the instance prefix; the list names the instance', async () => {
    const provision = await editor.lsp.connection.sendRequest(ProvisionWorkersRequest);
    assert.equal(provision.ran, true);
    assert.equal(provision.ok, true, provision.lines.join('\n'));
    assert.deepEqual({ prefix: provision.prefix, workers: provision.workers }, { prefix: 'sqlmlte', workers: 2 });
    assert.match(provision.command, /launcher provision --prefix sqlmlte --workers 2$/);
    const list = await editor.lsp.connection.sendRequest(InstanceListRequest);
    const current = list.find((i) => i.current);
    assert.deepEqual(current && { path: current.path, owner: current.owner, isolation: current.isolation }, { path: instance.path, owner: 'root', isolation: 'accounts' });
  });

  test('a SQL login: its password is needed first, then the runs and views use it', async () => {
    const uri = await editor.open('logins.sql', `CREATE LOGIN analyst WITH PASSWORD = N'Analyst-Pass-1';\nCREATE USER analyst FOR LOGIN analyst;\nGRANT EXECUTE ANY EXTERNAL SCRIPT TO analyst;\n`);
    assert.deepEqual(errorsOf(await editor.run({ uri, scope: 'file' })), []);
    const analyst = await Editor.start({ instance: { path: instance.path, login: 'analyst' } });
    try {
      const needs = await analyst.lsp.connection.sendRequest(InstanceStateRequest, { connect: true });
      assert.equal(needs.status, 'needsPassword');
      const docUri = await analyst.open('as-analyst.sql', ROWS);
      const refused = await analyst.run({ uri: docUri, scope: 'file' });
      assert.match(refused.failed ?? '', /password of login 'analyst' is needed/);

      const from = analyst.mark();
      const wrong = await analyst.lsp.connection.sendRequest(SetCredentialsRequest, { login: 'analyst', password: 'wrong' });
      assert.equal(wrong.ok, false);
      const ok = await analyst.lsp.connection.sendRequest(SetCredentialsRequest, { login: 'analyst', password: 'Analyst-Pass-1' });
      assert.equal(ok.ok, true, ok.message);
      const state = await analyst.next(InstanceStateNotification, (s: InstanceState) => s.status === 'connected', 'connected as analyst', from);
      assert.deepEqual({ login: state.login, authentication: state.authentication }, { login: 'analyst', authentication: 'sql' });
      const ran = await analyst.run({ uri: docUri, scope: 'file' });
      assert.deepEqual(errorsOf(ran), []);
      assert.equal(ran.login, 'analyst');
      assert.equal(ran.sessions[0]?.caller, 'analyst');
      // Other logins see their own sessions only.
      const theirs = await analyst.lsp.connection.sendRequest(SessionsRequest);
      assert.ok(theirs.sessions.length > 0 && theirs.sessions.every((s) => s.caller === "analyst"), JSON.stringify(theirs));
    } finally {
      await analyst.lsp.stop();
    }
  });

  test('Use Database lists the databases the login sees; a run started in the one picked runs there', async () => {
    const uri = await editor.open('use-database.sql', 'CREATE DATABASE shop;\n');
    assert.deepEqual(errorsOf(await editor.run({ uri, scope: 'file' })), []);
    const { databases } = await editor.lsp.connection.sendRequest(DatabasesRequest);
    assert.equal(databases[0], 'master', 'in SQL Server order, master first');
    assert.ok(databases.includes('shop'), JSON.stringify(databases));
    const where = await editor.open('where.sql', 'SELECT DB_NAME() AS here;\n');
    assert.deepEqual(rowsOf(await editor.run({ uri: where, scope: 'file', database: 'shop' })), [['shop']]);
  });

  test("a run sent before the workspace's settings arrive waits for them: it runs on sqlml.instance.path, not the default instance", async () => {
    // VS Code answers workspace/configuration a moment after the server starts; Run Script pressed
    // in that moment once went to the default instance (and started it).
    const early = await Editor.start({ instance: { path: instance.path } }, { pulled: { delayMs: 1500 } });
    try {
      const uri = await early.open('early.sql', 'SELECT DB_NAME() AS here;\n');
      const result = await early.run({ uri, scope: 'file' });
      assert.equal(result.failed, undefined);
      assert.equal(result.instance, instance.path);
      assert.deepEqual(rowsOf(result), [['master']]);
    } finally {
      await early.lsp.stop();
    }
  });

  test('Stop: the views are told (state stopped, no pools, no sessions); an instance started elsewhere is noticed without polling', async () => {
    const from = editor.mark();
    const stopped = await editor.lsp.connection.sendRequest(InstanceStopRequest);
    assert.equal(stopped.ok, true, stopped.message);
    await editor.next(InstanceStateNotification, (s: InstanceState) => s.status === 'stopped', 'the stopped state', from);
    await editor.next(PoolsChangedNotification, (p: PoolsResult) => p.view === null, 'no pools', from);
    await editor.next(SessionChangedNotification, (c: SessionChange) => 'reset' in c && c.reset.length === 0, 'an empty session list', from);

    const again = editor.mark();
    const start = cli(['instance', 'start', '--path', instance.path]);
    assert.equal(start.status, 0, start.stderr);
    await editor.next(InstanceStateNotification, (s: InstanceState) => s.status === 'connected', 'connected again (file-system notification)', again, 20_000);
  });
});

describe('an instance folder with no instance', { skip }, () => {
  test('is "missing", and a run says how to create it', async () => {
    const editor = await Editor.start({ instance: { path: '/var/lib/sqlml-test-lsp/nowhere' } });
    try {
      const state = await editor.lsp.connection.sendRequest(InstanceStateRequest, { connect: true });
      assert.equal(state.status, 'missing');
      const uri = await editor.open('x.sql', 'SELECT 1;');
      const result = await editor.run({ uri, scope: 'file' });
      assert.match(result.failed ?? '', /there is no instance at \/var\/lib\/sqlml-test-lsp\/nowhere/);
      const pools = await editor.lsp.connection.sendRequest(PoolsRequest);
      assert.equal(pools.view, null);
    } finally {
      await editor.lsp.stop();
    }
  });
});
