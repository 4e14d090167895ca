// The results panel: one webview per document, reused by each run of it, opened beside its editor or in
// a group below it (sqlml.results.location). It shows the run in progress (elapsed time, messages as they
// arrive, Cancel) and then its result sets in SlickGrid and its messages. The rows stay here: the page asks
// for the screenful it shows, and sorting, copying and saving work on this copy of them.
import { randomBytes } from 'node:crypto';
import * as path from 'node:path';
import { commands, env, Position, Range, Selection, TextEditorRevealType, Uri, ViewColumn, window, workspace, type Disposable, type WebviewPanel } from 'vscode';
import { CancelRunRequest, type RunMessage, type RunScriptResult } from '../../../server/src/protocol';
import { decodeResultSet } from '../../../server/src/core/results/encodedResultSets';
import { plural } from '../../../server/src/core/text/plural';
import type { ServerLink } from '../serverLink';
import { toCsv, toJson, toTsv, type ResultSetLike } from './export';
import { GridRows, type ShownCell } from './gridRows';
import { renderPage, type PageEvent, type PageRequest, type SaveFormat } from './html';
import { resultsModel, runningModel, type GridModel, type ResultsModel } from './model';
import { toXlsx, XLSX_MAX_ROWS } from './xlsx';

const VIEW_TYPE = 'sqlml.results';

// SlickGrid's browser build: the core, its drag and drop, the grid, and the cell-selection plugins.
const SLICKGRID_SCRIPTS = ['slick.core.js', 'slick.interactions.js', 'slick.grid.js', 'plugins/slick.cellrangedecorator.js', 'plugins/slick.cellrangeselector.js', 'plugins/slick.cellselectionmodel.js'];

interface Entry {
  panel: Promise<WebviewPanel>;
  document: Uri;
  runId: string | undefined;
  what: string;
  startedAt: number;
  streamed: RunMessage[];
  result: RunScriptResult | undefined;
  model: ResultsModel;
  rows: GridRows[];
  timer: ReturnType<typeof setTimeout> | undefined;
  /** How many times the page has been drawn: the page says which drawing it shows once it has loaded. */
  renderings: number;
}

/** What the panel of a document shows, every row included (for tests through the extension's API). */
export type ShownResults = Omit<ResultsModel, 'grids'> & { grids: (GridModel & { rows: ShownCell[][] })[] };

export class ResultsPanels implements Disposable {
  private readonly entries = new Map<string, Entry>();
  private active: Entry | undefined;
  private readonly subscriptions: Disposable[];

  constructor(
    private readonly server: ServerLink,
    private readonly extensionUri: Uri,
  ) {
    const command = (name: string, event: PageEvent) => commands.registerCommand(`sqlml.results.${name}`, () => this.post(event));
    this.subscriptions = [
      command('copy', { type: 'command', command: 'copy' }),
      command('copyWithHeaders', { type: 'command', command: 'copyWithHeaders' }),
      command('selectAll', { type: 'command', command: 'selectAll' }),
      ...(['csv', 'json', 'xlsx'] as const).flatMap((format) => [
        command(`saveSelection.${format}`, { type: 'command', command: 'saveSelection', format }),
        command(`saveAll.${format}`, { type: 'command', command: 'saveAll', format }),
      ]),
    ];
  }

  /** Shows the panel of `document` in its running state. */
  running(document: Uri, runId: string, what: string): void {
    const entry = this.entry(document);
    clearTimeout(entry.timer);
    const startedAt = Date.now();
    Object.assign(entry, { runId, what, startedAt, streamed: [], result: undefined, rows: [], model: runningModel(title(document), [], what, startedAt) });
    this.render(entry);
    void entry.panel.then((panel) => panel.reveal(panel.viewColumn, true));
  }

  /** A message of a run in progress (redrawn at most five times a second). */
  message(runId: string, message: RunMessage): void {
    const entry = [...this.entries.values()].find((e) => e.runId === runId && !e.result);
    if (!entry) return;
    entry.streamed.push(message);
    entry.model = runningModel(title(entry.document), entry.streamed, entry.what, entry.startedAt);
    entry.timer ??= setTimeout(() => {
      entry.timer = undefined;
      this.render(entry);
    }, 200);
  }

  finished(document: Uri, result: RunScriptResult): void {
    const entry = this.entry(document);
    // A run started again over this one (Cancel It and Run, Run Anyway) owns the panel now: the
    // older run ending later must not put its outcome over the newer run's (its output stays in
    // the SQL ML output channel).
    if (entry.runId !== undefined && entry.runId !== result.runId) return;
    clearTimeout(entry.timer);
    entry.timer = undefined;
    entry.result = result;
    entry.rows = result.batches.flatMap((b) => b.resultSets).map((set) => new GridRows(decodeResultSet(set, (text) => Buffer.from(text, 'base64'))));
    entry.model = resultsModel(title(document), result, entry.startedAt);
    this.render(entry);
  }

  shown(document: Uri): ShownResults | undefined {
    const entry = this.entries.get(document.toString());
    if (!entry) return undefined;
    return { ...entry.model, grids: entry.model.grids.map((g) => ({ ...g, rows: entry.rows[g.index]?.page(0, g.totalRows) ?? [] })) };
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
    for (const e of this.entries.values()) void e.panel.then((p) => p.dispose());
    this.entries.clear();
  }

  private entry(document: Uri): Entry {
    const key = document.toString();
    const existing = this.entries.get(key);
    if (existing) return existing;
    const entry: Entry = {
      panel: this.openPanel(document),
      document,
      runId: undefined,
      what: '',
      startedAt: Date.now(),
      streamed: [],
      result: undefined,
      model: runningModel(title(document), [], '', Date.now()),
      rows: [],
      timer: undefined,
      renderings: 0,
    };
    this.entries.set(key, entry);
    void entry.panel.then((panel) => {
      panel.onDidDispose(() => {
        clearTimeout(entry.timer);
        if (this.entries.get(key) === entry) this.entries.delete(key);
        if (this.active === entry) this.active = undefined;
      });
      panel.onDidChangeViewState((e) => {
        if (e.webviewPanel.active) this.active = entry;
      });
      if (panel.active) this.active = entry;
      panel.webview.onDidReceiveMessage((request: PageRequest) => void this.handle(entry, panel, request));
    });
    return entry;
  }

  /**
   * A new panel where sqlml.results.location says: beside the editor (a group to its right), or below it
   * (a new group under the editor's group, as the mssql extension's results sit under the query).
   */
  private async openPanel(document: Uri): Promise<WebviewPanel> {
    const location = workspace.getConfiguration('sqlml', document).get<string>('results.location') ?? 'beside';
    const editor = window.visibleTextEditors.find((e) => e.document.uri.toString() === document.toString());
    const options = {
      enableScripts: true,
      retainContextWhenHidden: true,
      localResourceRoots: [Uri.joinPath(this.extensionUri, 'node_modules', 'slickgrid', 'dist'), Uri.joinPath(this.extensionUri, 'client', 'media', 'results')],
    };
    if (location !== 'below') {
      return window.createWebviewPanel(VIEW_TYPE, `Results: ${title(document)}`, { viewColumn: ViewColumn.Beside, preserveFocus: true }, options);
    }
    // The API places a panel in a column, never below one; the workbench's own command makes the group.
    if (editor) await window.showTextDocument(editor.document, { viewColumn: editor.viewColumn, preserveFocus: false });
    await commands.executeCommand('workbench.action.newGroupBelow');
    const panel = window.createWebviewPanel(VIEW_TYPE, `Results: ${title(document)}`, { viewColumn: ViewColumn.Active, preserveFocus: true }, options);
    if (editor) await window.showTextDocument(editor.document, { viewColumn: editor.viewColumn, preserveFocus: false });
    return panel;
  }

  private render(entry: Entry): void {
    const rendering = ++entry.renderings;
    void entry.panel.then((panel) => {
      const webview = panel.webview;
      const uri = (...parts: string[]) => webview.asWebviewUri(Uri.joinPath(this.extensionUri, ...parts)).toString();
      panel.title = `Results: ${title(entry.document)}`;
      webview.html = renderPage(entry.model, {
        cspSource: webview.cspSource,
        nonce: randomBytes(16).toString('base64'),
        scripts: [...SLICKGRID_SCRIPTS.map((file) => uri('node_modules', 'slickgrid', 'dist', 'browser', file)), uri('client', 'media', 'results', 'results.js')],
        styles: [uri('node_modules', 'slickgrid', 'dist', 'styles', 'css', 'slick.grid.css'), uri('client', 'media', 'results', 'results.css')],
        rendering,
      });
    });
  }

  /** Sends a command to the results panel the user is in (or the only one there is). */
  private post(event: PageEvent): void {
    const entry = this.active ?? (this.entries.size === 1 ? [...this.entries.values()][0] : undefined);
    if (!entry) {
      void window.showInformationMessage('SQL ML: no results panel has the focus.');
      return;
    }
    void entry.panel.then((panel) => panel.webview.postMessage(event));
  }

  private async handle(entry: Entry, panel: WebviewPanel, request: PageRequest): Promise<void> {
    const reply = (event: PageEvent) => void panel.webview.postMessage(event);
    switch (request.type) {
      case 'rows': {
        const rows = entry.rows[request.grid];
        if (rows) reply({ type: 'rows', grid: request.grid, start: request.start, rows: rows.page(request.start, request.count), version: request.version });
        return;
      }
      case 'sort': {
        const rows = entry.rows[request.grid];
        if (!rows || request.column < 0 || request.column >= rows.set.columns.length) return;
        rows.sort(request.column, request.ascending);
        reply({ type: 'sorted', grid: request.grid, version: request.version });
        return;
      }
      case 'cancel':
        if (entry.runId && !entry.result) await this.server.request(CancelRunRequest, { runId: entry.runId });
        return;
      case 'reveal':
        return this.reveal(entry.document, request.line);
      case 'loaded':
        // A page set while the webview still loaded the previous one can be dropped (a quick run's
        // result stayed 'running' once in CI): a page older than the latest drawing is drawn again.
        if (request.rendering < entry.renderings) this.render(entry);
        return;
      case 'copy': {
        const rows = entry.rows[request.grid];
        if (!rows) return;
        const set = rows.pick(request.ranges);
        await env.clipboard.writeText(toTsv(set, { headers: request.headers }));
        void window.setStatusBarMessage(`SQL ML: copied ${plural(set.rows.length, 'row')}${request.headers ? ' with headers' : ''}`, 3000);
        return;
      }
      case 'save': {
        const rows = entry.rows[request.grid];
        if (rows) await this.save(entry, request.grid, request.format, request.ranges ? rows.pick(request.ranges) : rows.all(), !!request.ranges);
        return;
      }
    }
  }

  private async save(entry: Entry, index: number, format: SaveFormat, set: ResultSetLike, selection: boolean): Promise<void> {
    if (format === 'xlsx' && set.rows.length > XLSX_MAX_ROWS) {
      void window.showErrorMessage(`SQL ML: an Excel worksheet holds ${XLSX_MAX_ROWS.toLocaleString('en-US')} rows and a header; this has ${set.rows.length.toLocaleString('en-US')} rows. Save it as CSV, or select fewer rows.`);
      return;
    }
    const label = { csv: 'CSV', json: 'JSON', xlsx: 'Excel' }[format];
    const base = path.basename(entry.document.path).replace(/\.sql$/i, '');
    const folder = entry.document.scheme === 'file' ? Uri.file(path.dirname(entry.document.fsPath)) : workspace.workspaceFolders?.[0]?.uri;
    const name = `${base}-result${index + 1}${selection ? '-selection' : ''}.${format}`;
    const target = await window.showSaveDialog({
      ...(folder ? { defaultUri: Uri.joinPath(folder, name) } : {}),
      filters: { [label]: [format] },
      title: `Save ${selection ? 'the selection of ' : ''}result set ${index + 1} as ${label}`,
    });
    if (!target) return;
    const bytes = format === 'xlsx' ? toXlsx(set, `Result set ${index + 1}`) : Buffer.from(format === 'csv' ? toCsv(set) : toJson(set), 'utf8');
    await workspace.fs.writeFile(target, bytes);
    void window.setStatusBarMessage(`SQL ML: saved ${plural(set.rows.length, 'row')} to ${target.fsPath}`, 5000);
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
