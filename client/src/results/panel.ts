// The results panel: one webview per document, beside its editor, showing the run in progress
// (its messages as they arrive, a Cancel button) and then its result sets and messages. Copy,
// save and go-to-line requests from the page are carried out here.
import { randomBytes } from 'node:crypto';
import * as path from 'node:path';
import { env, Position, Range, Selection, TextEditorRevealType, Uri, ViewColumn, window, workspace, type Disposable, type WebviewPanel } from 'vscode';
import { CancelRunRequest, type RunMessage, type RunScriptResult } from '../../../server/src/protocol';
import type { ServerLink } from '../serverLink';
import { pickRows, toCsv, toJson, toTsv } from './export';
import { renderPage, type PageRequest } from './html';
import { resultsModel, runningModel, type ResultsModel } from './model';

interface Entry {
  panel: WebviewPanel;
  document: Uri;
  runId: string | undefined;
  what: string;
  streamed: RunMessage[];
  result: RunScriptResult | undefined;
  model: ResultsModel;
  timer: ReturnType<typeof setTimeout> | undefined;
}

export class ResultsPanels implements Disposable {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly server: ServerLink,
    private readonly maxRows: () => number,
  ) {}

  /** Shows the panel of `document` in its running state. */
  running(document: Uri, runId: string, what: string): void {
    const entry = this.entry(document);
    clearTimeout(entry.timer);
    Object.assign(entry, { runId, what, streamed: [], result: undefined, model: runningModel(title(document), [], what) });
    this.render(entry);
    entry.panel.reveal(entry.panel.viewColumn ?? ViewColumn.Beside, true);
  }

  /** A message of a run in progress (redrawn at most five times a second). */
  message(runId: string, message: RunMessage): void {
    const entry = [...this.entries.values()].find((e) => e.runId === runId && !e.result);
    if (!entry) return;
    entry.streamed.push(message);
    entry.model = runningModel(title(entry.document), entry.streamed, entry.what);
    entry.timer ??= setTimeout(() => {
      entry.timer = undefined;
      this.render(entry);
    }, 200);
  }

  finished(document: Uri, result: RunScriptResult): void {
    const entry = this.entry(document);
    clearTimeout(entry.timer);
    entry.timer = undefined;
    entry.result = result;
    entry.model = resultsModel(title(document), result, this.maxRows());
    this.render(entry);
  }

  /** What the panel of `document` shows now (for tests through the extension's API). */
  shown(document: Uri): ResultsModel | undefined {
    return this.entries.get(document.toString())?.model;
  }

  dispose(): void {
    for (const e of this.entries.values()) e.panel.dispose();
    this.entries.clear();
  }

  private entry(document: Uri): Entry {
    const key = document.toString();
    const existing = this.entries.get(key);
    if (existing) return existing;
    const panel = window.createWebviewPanel('sqlml.results', `Results: ${title(document)}`, { viewColumn: ViewColumn.Beside, preserveFocus: true }, { enableScripts: true, retainContextWhenHidden: true, localResourceRoots: [] });
    const entry: Entry = { panel, document, runId: undefined, what: '', streamed: [], result: undefined, model: runningModel(title(document), [], ''), timer: undefined };
    this.entries.set(key, entry);
    panel.onDidDispose(() => {
      clearTimeout(entry.timer);
      this.entries.delete(key);
    });
    panel.webview.onDidReceiveMessage((request: PageRequest) => void this.handle(entry, request));
    return entry;
  }

  private render(entry: Entry): void {
    entry.panel.title = `Results: ${title(entry.document)}`;
    entry.panel.webview.html = renderPage(entry.model, { cspSource: entry.panel.webview.cspSource, nonce: randomBytes(16).toString('base64') });
  }

  private async handle(entry: Entry, request: PageRequest): Promise<void> {
    switch (request.type) {
      case 'cancel':
        if (entry.runId && !entry.result) await this.server.request(CancelRunRequest, { runId: entry.runId });
        return;
      case 'reveal':
        return this.reveal(entry.document, request.line);
      case 'copy': {
        const whole = this.resultSet(entry, request.grid);
        if (!whole) return;
        const set = request.rows ? pickRows(whole, request.rows) : whole;
        const text = request.format === 'csv' ? toCsv(set) : request.format === 'json' ? toJson(set) : toTsv(set);
        await env.clipboard.writeText(text);
        void window.setStatusBarMessage(`SQL ML: copied ${set.rows.length} row(s) as ${request.format === 'tsv' ? 'text' : request.format.toUpperCase()}`, 3000);
        return;
      }
      case 'save':
        return this.save(entry, request.grid, request.format);
    }
  }

  private resultSet(entry: Entry, index: number) {
    return entry.result?.batches.flatMap((b) => b.resultSets)[index];
  }

  private async save(entry: Entry, index: number, format: 'csv' | 'json'): Promise<void> {
    const set = this.resultSet(entry, index);
    if (!set) return;
    const base = path.basename(entry.document.path).replace(/\.sql$/i, '');
    const folder = entry.document.scheme === 'file' ? Uri.file(path.dirname(entry.document.fsPath)) : workspace.workspaceFolders?.[0]?.uri;
    const name = `${base}-result${index + 1}.${format}`;
    const target = await window.showSaveDialog({
      ...(folder ? { defaultUri: Uri.joinPath(folder, name) } : {}),
      filters: format === 'csv' ? { CSV: ['csv'] } : { JSON: ['json'] },
      title: `Save result set ${index + 1} as ${format.toUpperCase()}`,
    });
    if (!target) return;
    await workspace.fs.writeFile(target, Buffer.from(format === 'csv' ? toCsv(set) : toJson(set), 'utf8'));
    void window.setStatusBarMessage(`SQL ML: saved ${set.rows.length} row(s) to ${target.fsPath}`, 5000);
  }

  private async reveal(document: Uri, line: number): Promise<void> {
    const visible = window.visibleTextEditors.find((e) => e.document.uri.toString() === document.toString());
    const editor = await window.showTextDocument(document, { viewColumn: visible?.viewColumn ?? ViewColumn.One, preserveFocus: false });
    const at = new Position(Math.min(line, editor.document.lineCount - 1), 0);
    editor.selection = new Selection(at, at);
    editor.revealRange(new Range(at, at), TextEditorRevealType.InCenterIfOutsideViewport);
  }
}

function title(document: Uri): string {
  return path.basename(document.path);
}
