// Run Script (the selection, or the whole file when nothing is selected) and Run Call at Cursor:
// progress with Cancel, messages in the output channel as they happen, results in the panel.
import { randomUUID } from 'node:crypto';
import * as path from 'node:path';
import { ProgressLocation, window, workspace, type TextEditor } from 'vscode';
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

async function run(ctx: CommandContext, editor: TextEditor, scope: RunScope): Promise<RunScriptResult | undefined> {
  await ctx.server.start();
  const document = editor.document;
  const runId = randomUUID();
  const database = (workspace.getConfiguration('sqlml', document.uri).get<string>('run.database') ?? '').trim();
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
