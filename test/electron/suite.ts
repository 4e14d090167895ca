// The extension-host tests: loaded by desktop VS Code (@vscode/test-electron, see
// test/e2e/electron.test.ts) into its extension host, with the sqlml extension under development
// and a workspace that points sqlml.instance.path at a test instance. They drive the extension
// through its commands and check what it shows through the API it exports (the rows of the
// views, the results panel's model) — the same steps the code-server tests take through the UI.
import assert from 'node:assert/strict';
import { commands, extensions, languages, Uri, window, workspace, type TextDocument } from 'vscode';
import type { SqlmlApi } from '../../client/src/extension';
import type { RunScriptResult } from '../../server/src/protocol';
import type { ViewNode } from '../../client/src/views/node';

interface Check {
  name: string;
  run(api: SqlmlApi): Promise<void>;
}

const checks: Check[] = [
  {
    name: 'a Python syntax error inside @script is a diagnostic at its .sql line',
    async run() {
      const document = await open('score-rows.sql');
      const found = await waitFor(() => languages.getDiagnostics(document.uri).find((d) => d.code === 'SQLML200'), 'SQLML200 on score-rows.sql');
      assert.equal(found.source, 'python');
      assert.deepEqual([found.range.start.line, found.range.start.character], [10, 10]);
    },
  },
  {
    name: 'Run Script shows the rows; the session is in the Sessions view and the worker free again',
    async run(api) {
      const document = await open('squares.sql');
      const result = (await commands.executeCommand<RunScriptResult | undefined>('sqlml.runScript'))!;
      assert.ok(result, 'the command returned its run');
      assert.equal(result.failed, undefined);
      const shown = api.results(document.uri)!;
      assert.equal(shown.status, 'succeeded');
      assert.deepEqual(
        shown.grids.map((g) => ({ columns: g.columns, rows: g.rows })),
        [{ columns: ['n', 'square'], rows: [['1', '1'], ['2', '4'], ['3', '9']] }],
      );
      const id = result.sessions[0]!.id;
      await waitFor(() => flatten(api.sessionRows()).find((n) => n.data?.sessionId === id && n.description?.startsWith('succeeded')), `session ${id} succeeded`);
      await waitFor(() => {
        const workers = flatten(api.poolRows()).filter((n) => n.contextValue?.startsWith('worker:'));
        return workers.length > 0 && workers.every((w) => w.contextValue === 'worker:free');
      }, 'every worker free');
    },
  },
  {
    name: 'Cancel Session stops a long script; the run and the session say so',
    async run(api) {
      const document = await open('long-running.sql');
      const running = commands.executeCommand<RunScriptResult | undefined>('sqlml.runScript');
      const row = await waitFor(() => flatten(api.sessionRows()).find((n) => n.contextValue?.startsWith('session:active') && n.description?.startsWith('running')), 'a running session', 60_000);
      await commands.executeCommand('sqlml.cancelSession', { sessionId: row.data!.sessionId });
      const result = (await running)!;
      assert.equal(result.cancelled, true);
      assert.equal(api.results(document.uri)?.status, 'cancelled');
      await waitFor(() => flatten(api.sessionRows()).find((n) => n.data?.sessionId === row.data!.sessionId && n.description?.startsWith('cancelled')), 'the session cancelled');
    },
  },
];

/** Called by VS Code's test runner in the extension host; throws when a check failed. */
export async function run(): Promise<void> {
  const extension = extensions.getExtension<SqlmlApi>('sqlml.sqlml');
  assert.ok(extension, 'the sqlml extension is installed');
  await open('squares.sql'); // activates it (onLanguage:sql)
  const api = await extension.activate();
  await api.ready;
  const failures: string[] = [];
  for (const check of checks) {
    const started = Date.now();
    try {
      await check.run(api);
      console.log(`ok - ${check.name} (${Date.now() - started} ms)`);
    } catch (err) {
      console.log(`not ok - ${check.name}\n  ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      failures.push(check.name);
    }
  }
  if (failures.length > 0) throw new Error(`${failures.length} of ${checks.length} extension-host checks failed: ${failures.join('; ')}`);
}

async function open(name: string): Promise<TextDocument> {
  const folder = workspace.workspaceFolders?.[0];
  assert.ok(folder, 'a workspace folder is open');
  const document = await workspace.openTextDocument(Uri.joinPath(folder.uri, name));
  await window.showTextDocument(document);
  return document;
}

function flatten(nodes: readonly ViewNode[]): ViewNode[] {
  return nodes.flatMap((n) => [n, ...flatten(n.children ?? [])]);
}

async function waitFor<T>(probe: () => T | undefined | false, what: string, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
