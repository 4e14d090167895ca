// The language server, built on a connection it is given (stdio, IPC or an in-memory pair in
// tests). Diagnostics are published while the user types, debounced, and include the embedded
// Python/R checks; hover, completion, symbols and quick fixes come from the core's features.
import {
  CompletionItemKind,
  DocumentSymbol,
  InsertTextFormat,
  MarkupKind,
  SymbolKind,
  TextDocumentSyncKind,
  TextDocuments,
  type CodeAction,
  type CompletionItem,
  type Connection,
  type Diagnostic,
  type InitializeResult,
} from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { fileURLToPath } from 'node:url';
import { checkDocument, type Analysis } from '../core/analysis/analyze';
import { IncrementalAnalyzer } from '../core/analysis/incremental';
import type { EmbeddedChecker } from '../core/embedded/ports';
import { completionsAt } from '../core/features/completion';
import { hoverAt } from '../core/features/hover';
import { mergeHovers } from '../core/preflight';
import { callSymbols } from '../core/features/symbols';
import type { Problem } from '../core/diagnostics/problems';
import { LineIndex } from '../core/text/lineIndex';
import { createEmbeddedChecker } from '../node/embedded/createEmbeddedChecker';
import { workspaceLanguages } from '../node/workspaceLanguages';
import { toCodeAction, toDiagnostic } from './convert';
import { EditorLogin } from './editorLogin';
import { createInstanceService } from './instance/service';
import { createPreflight, type PreflightServiceOptions } from './preflight/service';
import { DEFAULT_SETTINGS, readSettings, type ServerSettings } from './settings';
import { WorkspaceTrust } from './workspaceTrust';
import { WorkspaceTrustNotification, type SqlmlInitializationOptions } from '../protocol';

interface DocumentState {
  version: number;
  text: string;
  lines: LineIndex;
  analysis: Analysis;
  problems: Problem[];
  diagnostics: Diagnostic[];
}

export interface ServerOptions {
  /** Builds the embedded checker for the current settings (tests may pass their own). */
  createChecker?: (settings: ServerSettings) => EmbeddedChecker;
  /** How the security pre-flight reaches the instance (tests may pass a fake). */
  preflight?: Pick<PreflightServiceOptions, 'open' | 'retryAfterMs'>;
}

export function createServer(connection: Connection, options: ServerOptions = {}): void {
  const documents = new TextDocuments(TextDocument);
  const makeChecker = options.createChecker ?? ((s: ServerSettings) => createEmbeddedChecker({ pythonPath: s.pythonPath, rscriptPath: s.rscriptPath }));
  let settings = DEFAULT_SETTINGS;
  let checker = makeChecker(settings);
  let canPullConfiguration = false;
  let workspaceFolders: string[] = [];
  let languagesByFile = new Map<string, string[]>();
  const states = new Map<string, DocumentState>();
  // Each open document's last analysis, so that an edit re-analyses only the batches it touched.
  const analyzers = new Map<string, IncrementalAnalyzer>();
  const timers = new Map<string, ReturnType<typeof setTimeout>>();
  // Diagnostics and the instance's requests wait for the settings and the workspace's languages, so the first ones published
  // are already right (no SQLML105 flashing up for a language another file creates).
  let markReady: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => (markReady = resolve));
  const login = new EditorLogin();
  const trust = new WorkspaceTrust();
  // An instance started or created (the views' link reaches it) may answer the pre-flight otherwise.
  const instance = createInstanceService(connection, { settings: () => settings, login, documents, trust, instanceReached: () => preflight.instanceChanged(), settingsLoaded: ready });
  const preflight = createPreflight(connection, {
    ...options.preflight,
    login,
    trusted: () => trust.isTrusted,
    settings: () => settings,
    openDocuments: () => documents.all().map((d) => d.uri),
    revalidate: (uri) => {
      const d = documents.get(uri);
      if (d) schedule(d, 0);
    },
  });


  const extraLanguages = () => [...settings.analysis.extraLanguages, ...[...languagesByFile.values()].flat()];

  async function validate(document: TextDocument): Promise<void> {
    await ready;
    const version = document.version;
    const text = document.getText();
    const analysisOptions = { ...settings.analysis, extraLanguages: extraLanguages() };
    let result: { analysis: Analysis; problems: Problem[] };
    try {
      result = await checkDocument(text, analysisOptions, checker, analyzerOf(document.uri));
    } catch (err) {
      // The server survives anything a document contains; a bug here is logged, never thrown.
      connection.console.error(`sqlml: analysis failed for ${document.uri}: ${err instanceof Error ? err.stack : String(err)}`);
      return;
    }
    const current = documents.get(document.uri);
    if (!current || current.version !== version) return; // a newer edit will publish
    let problems = result.problems;
    try {
      const live = preflight.problems(document.uri, version, text, result.analysis, analysisOptions.sqlServerVersion);
      if (live.length > 0) problems = [...problems, ...live].sort((a, b) => a.start - b.start || a.end - b.end);
    } catch (err) {
      connection.console.error(`sqlml: pre-flight failed for ${document.uri}: ${err instanceof Error ? err.stack : String(err)}`);
    }
    const lines = result.analysis.lines;
    const diagnostics = problems.map((p) => toDiagnostic(p, lines));
    states.set(document.uri, { version, text, lines, analysis: result.analysis, problems, diagnostics });
    await connection.sendDiagnostics({ uri: document.uri, version, diagnostics });
  }

  function analyzerOf(uri: string): IncrementalAnalyzer {
    let analyzer = analyzers.get(uri);
    if (!analyzer) analyzers.set(uri, (analyzer = new IncrementalAnalyzer()));
    return analyzer;
  }

  function schedule(document: TextDocument, delay: number): void {
    clearTimeout(timers.get(document.uri));
    timers.set(
      document.uri,
      setTimeout(() => {
        timers.delete(document.uri);
        void validate(document);
      }, delay),
    );
  }

  /** The analysis of the document as it is now (computed on demand if an edit is pending). */
  async function stateOf(uri: string): Promise<DocumentState | undefined> {
    const document = documents.get(uri);
    if (!document) return undefined;
    const state = states.get(uri);
    if (state && state.version === document.version) return state;
    clearTimeout(timers.get(uri));
    await validate(document);
    return states.get(uri);
  }

  async function reloadSettings(): Promise<void> {
    if (!canPullConfiguration) return;
    const raw = await connection.workspace.getConfiguration('sqlml').catch(() => undefined);
    const next = readSettings(raw);
    if (next.pythonPath !== settings.pythonPath || next.rscriptPath !== settings.rscriptPath) {
      checker.dispose();
      checker = makeChecker(next);
    }
    settings = next;
  }

  async function refreshWorkspaceLanguages(): Promise<void> {
    if (workspaceFolders.length === 0) return;
    languagesByFile = await workspaceLanguages(workspaceFolders).catch(() => new Map());
  }

  function revalidateAll(): void {
    for (const d of documents.all()) schedule(d, 0);
  }

  connection.onInitialize((params): InitializeResult => {
    canPullConfiguration = !!params.capabilities.workspace?.configuration;
    workspaceFolders = (params.workspaceFolders ?? [])
      .map((f) => f.uri)
      .filter((u) => u.startsWith('file:'))
      .map((u) => fileURLToPath(u));
    if (params.initializationOptions && typeof params.initializationOptions === 'object') {
      const init = params.initializationOptions as SqlmlInitializationOptions;
      trust.set(init.workspaceTrusted === true);
      if (init.settings !== undefined) {
        settings = readSettings(init.settings);
        checker.dispose();
        checker = makeChecker(settings);
      }
    }
    return {
      capabilities: {
        textDocumentSync: TextDocumentSyncKind.Incremental,
        hoverProvider: true,
        completionProvider: { triggerCharacters: ['@', "'"] },
        documentSymbolProvider: true,
        codeActionProvider: { codeActionKinds: ['quickfix'] },
      },
      serverInfo: { name: 'sqlml' },
    };
  });

  connection.onInitialized(async () => {
    await reloadSettings();
    await refreshWorkspaceLanguages();
    markReady();
    instance.settingsChanged();
  });

  // Granted trust: the settings the workspace may now set apply (VS Code ignored them while untrusted),
  // and an instance the pre-flight could not start may be started now.
  connection.onNotification(WorkspaceTrustNotification, (params) => trust.set(params?.trusted === true));
  trust.onGranted(() => {
    void reloadSettings().then(
      () => {
        instance.settingsChanged();
        preflight.trustGranted();
      },
      (err: unknown) => connection.console.error(`sqlml: after trust was granted: ${err instanceof Error ? err.message : String(err)}`),
    );
  });

  connection.onDidChangeConfiguration(async (change) => {
    if (canPullConfiguration) await reloadSettings();
    else settings = readSettings((change.settings as Record<string, unknown> | undefined)?.sqlml);
    instance.settingsChanged();
    revalidateAll();
  });

  documents.onDidOpen((e) => schedule(e.document, 0));
  documents.onDidChangeContent((e) => schedule(e.document, settings.debounceMs));
  documents.onDidSave(async (e) => {
    preflight.saved(e.document.uri);
    // A saved file may create or drop an external language that other files use.
    if (!/external\s+language/i.test(e.document.getText()) && !languagesByFile.has(uriPath(e.document.uri))) return;
    await refreshWorkspaceLanguages();
    revalidateAll();
  });
  documents.onDidClose((e) => {
    clearTimeout(timers.get(e.document.uri));
    timers.delete(e.document.uri);
    states.delete(e.document.uri);
    analyzers.delete(e.document.uri);
    preflight.closed(e.document.uri);
    void connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
  });

  connection.onHover(async (params) => {
    const state = await stateOf(params.textDocument.uri);
    if (!state) return null;
    const offset = state.lines.offsetAt(params.position);
    const info = mergeHovers(hoverAt(state.analysis, offset), preflight.hover(params.textDocument.uri, state.version, offset));
    if (!info) return null;
    return { contents: { kind: MarkupKind.Markdown, value: info.markdown }, range: state.lines.rangeAt(info.start, info.end) };
  });

  connection.onCompletion(async (params): Promise<CompletionItem[]> => {
    const state = await stateOf(params.textDocument.uri);
    if (!state) return [];
    const offset = state.lines.offsetAt(params.position);
    return completionsAt(state.text, state.analysis, offset, extraLanguages()).map((e, k) => ({
      label: e.label,
      kind: e.kind === 'parameter' ? CompletionItemKind.Variable : CompletionItemKind.Value,
      detail: e.detail,
      documentation: { kind: MarkupKind.Markdown, value: e.documentation },
      sortText: String(k).padStart(3, '0'),
      insertTextFormat: InsertTextFormat.PlainText,
      textEdit: { range: state.lines.rangeAt(e.start, e.end), newText: e.insertText },
    }));
  });

  connection.onDocumentSymbol(async (params) => {
    const state = await stateOf(params.textDocument.uri);
    if (!state) return [];
    return callSymbols(state.analysis).map((s) =>
      DocumentSymbol.create(s.name, s.detail, SymbolKind.Function, state.lines.rangeAt(s.start, s.end), state.lines.rangeAt(s.selectionStart, s.selectionEnd)),
    );
  });

  connection.onCodeAction(async (params): Promise<CodeAction[]> => {
    const state = await stateOf(params.textDocument.uri);
    if (!state) return [];
    const start = state.lines.offsetAt(params.range.start);
    const end = state.lines.offsetAt(params.range.end);
    const actions: CodeAction[] = [];
    state.problems.forEach((problem, k) => {
      if (!problem.fixes || problem.end < start || problem.start > end) return;
      problem.fixes.forEach((fix, i) => actions.push(toCodeAction(fix, state.diagnostics[k]!, params.textDocument.uri, state.lines, problem.fixes!.length === 1 && i === 0)));
    });
    return actions;
  });

  connection.onShutdown(() => {
    for (const t of timers.values()) clearTimeout(t);
    checker.dispose();
    preflight.dispose();
    instance.dispose();
  });

  documents.listen(connection);
}

function uriPath(uri: string): string {
  try {
    return fileURLToPath(uri);
  } catch {
    return uri;
  }
}
