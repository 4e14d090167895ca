// Run Script (the selection, or the whole file when nothing is selected) and Run Call at Cursor:
// progress with Cancel, messages in the output channel as they happen, results in the panel. A
// document already running is not run a second time without asking; Cancel Run stops its run.
import { randomUUID } from 'node:crypto';
import * as path from 'node:path';
import { commands, ProgressLocation, Uri, window, workspace, type TextEditor } from 'vscode';
import { CancelRunRequest, RunScriptRequest, type RunScope, type RunScriptParams, type RunScriptResult } from '../../../server/src/protocol';
import { runSummary, runStatus } from '../results/model';
import { scopeLabel } from '../runText';
import type { CommandContext } from './context';

export async function runScript(ctx: CommandContext, mode: 'script' | 'call'): Promise<RunScriptResult | undefined> {
  if (!workspace.isTrusted) {
    void window.showWarningMessage('SQL ML: scripts are never run in an untrusted workspace. Trust the workspace to run them.');
    return undefined;
  }
  const editor = window.activeTextEditor;
  if (!editor || editor.document.languageId !== 'sql') {
    void window.showWarningMessage('SQL ML: open a .sql file to run it.');
    return undefined;
  }
  const scope: RunScope = mode === 'call' ? 'call' : editor.selection.isEmpty ? 'file' : 'selection';
  return run(ctx, editor, scope);
}

const CANCEL_AND_RUN = 'Cancel It and Run';
const RUN_ANYWAY = 'Run Anyway';

/** Whether to start another run of a document that is running: cancels the running one when asked to. */
async function mayRunAgain(ctx: CommandContext, document: string, name: string): Promise<boolean> {
  const running = ctx.runs.of(document);
  if (running.length === 0) return true;
  const choice = await window.showWarningMessage(
    `SQL ML: ${name} is already running.`,
    { modal: true, detail: 'Cancel the run going on and start this one, or run this one beside it?' },
    CANCEL_AND_RUN,
    RUN_ANYWAY,
  );
  if (choice === CANCEL_AND_RUN) await cancelRuns(ctx, running.map((r) => r.runId));
  return choice !== undefined;
}

async function cancelRuns(ctx: CommandContext, runIds: string[]): Promise<void> {
  await Promise.all(runIds.map((runId) => ctx.server.request(CancelRunRequest, { runId })));
}

/** The editor's Cancel Run (mssql's Cancel Query): the runs of this document, or the only run going on. */
export async function cancelRun(ctx: CommandContext, arg?: unknown): Promise<void> {
  const document = arg instanceof Uri ? arg.toString() : window.activeTextEditor?.document.uri.toString();
  const runs = ctx.runs.toCancel(document);
  if (runs.length === 0) {
    void window.showInformationMessage(ctx.runs.count === 0 ? 'SQL ML: no run is going on.' : 'SQL ML: this document is not running; open the one to cancel.');
    return;
  }
  await cancelRuns(ctx, runs.map((r) => r.runId));
}

/** The editor title's Cancel Run button shows on documents that are running. */
function showRunning(ctx: CommandContext): void {
  void commands.executeCommand('setContext', 'sqlml.runningDocuments', ctx.runs.documents());
}

async function run(ctx: CommandContext, editor: TextEditor, scope: RunScope): Promise<RunScriptResult | undefined> {
  await ctx.server.start();
  const document = editor.document;
  if (!(await mayRunAgain(ctx, document.uri.toString(), path.basename(document.uri.path)))) return undefined;
  const runId = randomUUID();
  const database = ctx.databases.databaseFor(document.uri.toString(), workspace.getConfiguration('sqlml', document.uri).get<string>('run.database'));
  const params: RunScriptParams = {
    runId,
    uri: document.uri.toString(),
    scope,
    ...(scope === 'selection' ? { range: { start: editor.selection.start, end: editor.selection.end } } : {}),
    ...(scope === 'call' ? { position: editor.selection.active } : {}),
    ...(database ? { database } : {}),
  };
  const name = path.basename(document.uri.path);
  const state = ctx.store.state;
  const where = state ? `'${state.name}' as ${state.login ?? 'your login'}` : 'the instance';
  ctx.output.started(document.uri, scopeLabel(scope), where);
  ctx.results.running(document.uri, runId, `${scopeLabel(scope)} of ${name}`);
  ctx.runs.started({ runId, document: document.uri.toString(), title: `${scopeLabel(scope)} of ${name}` });
  showRunning(ctx);
  const listening = ctx.server.onRunMessage((e) => {
    if (e.runId !== runId) return;
    ctx.output.message(document.uri, e.message);
    ctx.results.message(runId, e.message);
  });
  let result: RunScriptResult;
  try {
    result = await window.withProgress({ location: ProgressLocation.Notification, title: `SQL ML: running ${name}`, cancellable: true }, (progress, token) => {
      progress.report({ message: `${scopeLabel(scope)} on ${where}` });
      token.onCancellationRequested(() => void ctx.server.request(CancelRunRequest, { runId }));
      return ctx.server.request(RunScriptRequest, params);
    });
  } catch (err) {
    result = { runId, uri: params.uri, ran: { scope, startLine: 0, endLine: 0 }, batches: [], sessions: [], cancelled: false, failed: err instanceof Error ? err.message : String(err), instance: '', login: null, durationMs: 0 };
  } finally {
    listening.dispose();
    ctx.runs.ended(runId);
    showRunning(ctx);
  }
  const summary = runSummary(result);
  ctx.output.ended(result, summary);
  ctx.results.finished(document.uri, result);
  ctx.didRun.fire(result);
  const status = runStatus(result);
  if (result.failed) {
    void window.showErrorMessage(`SQL ML: ${name} was not run: ${result.failed}`, 'Show Output').then((c) => c && ctx.output.show());
  } else if (status === 'failed') {
    void window.setStatusBarMessage(`$(error) SQL ML: ${name} finished with errors`, 5000);
  }
  return result;
}
