// The core's front door: analyse a T-SQL document (static rules, synchronous) and turn what the
// real Python/R checkers say about its scripts into document problems (through the source maps).
import { CODES } from '../diagnostics/codes';
import type { EmbeddedCheckRequest, EmbeddedCheckResult, EmbeddedChecker } from '../embedded/ports';
import { makeProblem, type Problem } from '../diagnostics/problems';
import { RULES } from '../rules';
import type { RuleOptions } from '../rules/rule';
import { bindCall, type BoundCall } from '../scriptCall/binding';
import type { ExternalScriptCall } from '../scriptCall/call';
import { LineIndex } from '../text/lineIndex';
import type { SourceMap } from '../text/sourceMap';
import { neutralizePlaceholders, type Placeholder } from '../tsql/placeholders';
import { scanDocument } from '../tsql/scanner';

export interface AnalysisOptions extends RuleOptions {
  /** Larger documents are not analysed (one SQLML005 problem instead). */
  maxChars: number;
}

export const DEFAULT_OPTIONS: AnalysisOptions = {
  sqlServerVersion: 2019,
  extraLanguages: [],
  maxChars: 10 * 1024 * 1024,
};

export interface CallAnalysis {
  call: ExternalScriptCall;
  bound: BoundCall;
  /** What to ask the real runtime about this call's script; null when there is nothing to check. */
  embedded: EmbeddedCheckRequest | null;
}

export interface Analysis {
  calls: CallAnalysis[];
  /** Static problems: lexical, syntax and rule findings. */
  problems: Problem[];
  /** Languages created in this document with CREATE EXTERNAL LANGUAGE. */
  externalLanguages: string[];
  /** The document's lines: messages that cite a script line are rewritten to cite the document's. */
  lines: LineIndex;
}

export function analyze(text: string, options: AnalysisOptions = DEFAULT_OPTIONS): Analysis {
  const refused = refusedDocument(text, options);
  if (refused) return refused;
  const neutral = neutralizePlaceholders(text);
  const scan = scanDocument(neutral.text);
  const problems = [...scan.problems];
  const context = callContext(options, scan.externalLanguages, neutral.placeholders);
  const calls = scan.calls.map((call) => {
    const analysed = analyzeCall(call, context);
    for (const p of analysed.problems) problems.push(p);
    return analysed.analysis;
  });
  return completeAnalysis(text, calls, problems, scan.externalLanguages, neutral.placeholders);
}

/** The analysis of a document too large or not text, which is not analysed; null for any other document. */
export function refusedDocument(text: string, options: AnalysisOptions): Analysis | null {
  if (text.length > options.maxChars) {
    const mb = (n: number) => (n / (1024 * 1024)).toFixed(1);
    return {
      calls: [],
      problems: [
        makeProblem('SQLML005', `This file is ${mb(text.length)} MB, above the ${mb(options.maxChars)} MB limit (sqlml.analysis.maxFileSizeMB); it is not analysed.`, 0, 0),
      ],
      externalLanguages: [],
      lines: new LineIndex(text),
    };
  }
  if (looksBinary(text)) {
    return { calls: [], problems: [makeProblem('SQLML004', 'This file is binary (it contains NUL characters), not T-SQL text; it is not analysed.', 0, 0)], externalLanguages: [], lines: new LineIndex(text) };
  }
  return null;
}

/** What the analysis of one call depends on besides the call itself: the same for every call of a document. */
export interface CallContext {
  options: RuleOptions;
  /** Template stand-ins, which the script checkers must treat as defined. */
  standIns: string[];
  /** Equal keys mean equal contexts (an incremental analysis keeps the calls analysed under one). */
  key: string;
}

export function callContext(options: AnalysisOptions, externalLanguages: readonly string[], placeholders: readonly Placeholder[]): CallContext {
  const ruleOptions: RuleOptions = {
    sqlServerVersion: options.sqlServerVersion,
    extraLanguages: [...options.extraLanguages, ...externalLanguages],
  };
  const standIns = placeholders.flatMap((p) => (p.standIn ? [p.standIn] : []));
  const key = JSON.stringify([ruleOptions.sqlServerVersion, ruleOptions.extraLanguages, standIns]);
  return { options: ruleOptions, standIns, key };
}

/** One call bound, checked by every rule, and its embedded-check request; the rules' problems in rule order. */
export function analyzeCall(call: ExternalScriptCall, context: CallContext): { analysis: CallAnalysis; problems: Problem[] } {
  const problems: Problem[] = [];
  const bound = bindCall(call, context.options.sqlServerVersion);
  const ctx = { bound, options: context.options, canFix: call.depth === 0, report: (p: Problem) => problems.push(p) };
  for (const rule of RULES) rule.check(ctx);
  return { analysis: { call, bound, embedded: embeddedRequest(bound, context.standIns) }, problems };
}

/** The placeholders' problems added, every problem sorted by position (a stable sort: ties keep their order). */
export function completeAnalysis(text: string, calls: CallAnalysis[], problems: Problem[], externalLanguages: string[], placeholders: readonly Placeholder[]): Analysis {
  problems.push(...placeholderProblems(placeholders, calls.map((c) => c.call)));
  problems.sort((a, b) => a.start - b.start || a.end - b.end);
  return { calls, problems, externalLanguages, lines: new LineIndex(text) };
}

/**
 * Said once per call that holds placeholders, and once per pasted syntax diagram, as information:
 * the user should know why part of it went unchecked, without an error for each bracket.
 */
function placeholderProblems(placeholders: readonly Placeholder[], calls: readonly ExternalScriptCall[]): Problem[] {
  const problems: Problem[] = [];
  for (const diagram of placeholders.filter((p) => p.kind === 'syntax-diagram')) {
    const head = diagram.written.search(/\S/);
    const start = diagram.start + Math.max(head, 0);
    const end = Math.min(diagram.end, start + diagram.written.slice(Math.max(head, 0)).split(/\r?\n/)[0]!.trimEnd().length);
    problems.push(makeProblem('SQLML007', 'This looks like a syntax diagram pasted from the documentation ([ , @name = ... ] marks an optional argument); it is not checked.', start, Math.max(end, start + 1)));
  }
  for (const call of calls) {
    const inside = placeholders.filter((p) => p.kind !== 'syntax-diagram' && p.kind !== 'sqlcmd-command' && p.start >= call.range[0] && p.end <= call.range[1]);
    if (inside.length === 0) continue;
    const names = [...new Set(inside.map((p) => p.written))];
    const listed = names.slice(0, 3).join(', ') + (names.length > 3 ? `, and ${names.length - 3} more` : '');
    const defaults = inside.some((p) => p.kind === 'ssms-parameter' && p.standIn === null) ? ', with the template defaults put in their place' : '';
    problems.push(makeProblem('SQLML007', `This call holds template placeholders (${listed}); it is checked as far as they allow${defaults}.`, call.nameRange[0], call.nameRange[1]));
  }
  return problems;
}

function looksBinary(text: string): boolean {
  const head = text.length > 65536 ? text.slice(0, 65536) : text;
  return head.includes('\u0000');
}

/** The names the runtime defines for the script: data names, @params names without '@', pandas, template stand-ins. */
function embeddedRequest(bound: BoundCall, standIns: readonly string[]): EmbeddedCheckRequest | null {
  const language = bound.languageKind;
  if (!bound.script || (language !== 'python' && language !== 'r')) return null;
  const knownNames = [bound.inputName, bound.outputName, ...(bound.declared ?? []).map((d) => d.name.slice(1)), ...standIns];
  // What the satellites define for every script: pandas (Python) and the loopback helper.
  if (language === 'python') knownNames.push('pandas');
  knownNames.push('sqlml_query');
  return { language, script: bound.script.text, knownNames };
}

const FINDING_CODES = {
  python: { syntax: 'SQLML200', 'undefined-name': 'SQLML201', warning: 'SQLML202' },
  r: { syntax: 'SQLML210', 'undefined-name': 'SQLML210', warning: 'SQLML210' },
} as const;

/** Document problems for one call's embedded-check result, positioned through the script's map. */
export function embeddedProblems(call: CallAnalysis, result: EmbeddedCheckResult, docLines: LineIndex): Problem[] {
  const request = call.embedded;
  const script = call.bound.script;
  if (!request || !script) return [];
  const lines = new LineIndex(script.text);
  const problems: Problem[] = [];
  for (const f of result.findings) {
    const start = lines.offsetAt({ line: f.start.line, character: f.start.column });
    let end = lines.offsetAt({ line: f.end.line, character: f.end.column });
    if (end <= start) end = Math.min(start + 1, script.text.length);
    const [docStart, docEnd] = script.map.toSourceRange(start, Math.max(end, start));
    const code = FINDING_CODES[request.language][f.kind];
    problems.push(makeProblem(code, citeDocumentLines(f.message, lines, script.map, docLines), docStart, docEnd, { source: request.language }));
  }
  return problems;
}

/**
 * "redefinition of unused 'g' from line 5", "expected an indented block after 'if' statement on
 * line 2": the runtimes count the script's lines; the user reads the .sql file's.
 */
function citeDocumentLines(message: string, scriptLines: LineIndex, map: SourceMap, docLines: LineIndex): string {
  return message.replace(/\b(on|from) line (\d+)\b/g, (whole, word: string, digits: string) => {
    const line = Number(digits) - 1;
    if (line < 0 || line >= scriptLines.lineCount) return whole;
    const [docOffset] = map.toSourceRange(scriptLines.lineStart(line), scriptLines.lineStart(line));
    return `${word} line ${docLines.positionAt(docOffset).line + 1}`;
  });
}

/**
 * Runs every call's embedded check through the checker and returns the problems, with at most
 * one SQLML290 per missing tool in the document.
 */
export async function checkEmbedded(analysis: Analysis, checker: EmbeddedChecker): Promise<Problem[]> {
  const jobs = analysis.calls.filter((c) => c.embedded);
  const results = await Promise.all(jobs.map((c) => checker.check(c.embedded!)));
  const problems: Problem[] = [];
  const toldAbout = new Set<string>();
  jobs.forEach((call, k) => {
    const result = results[k]!;
    problems.push(...embeddedProblems(call, result, analysis.lines));
    for (const u of result.unavailable ?? []) {
      if (toldAbout.has(u.tool)) continue;
      toldAbout.add(u.tool);
      const [start, end] = call.bound.byParam.get('@script')?.valueRange ?? call.call.nameRange;
      problems.push(makeProblem('SQLML290', u.message, start, Math.min(end, start + 2), { source: call.embedded!.language }));
    }
  });
  return problems;
}

/** What analyses a document: analyze itself, or an IncrementalAnalyzer that remembers the document's last version. */
export interface DocumentAnalyzer {
  analyze(text: string, options: AnalysisOptions): Analysis;
}

/** Static analysis plus the embedded checks, problems sorted by position. */
export async function checkDocument(
  text: string,
  options: AnalysisOptions,
  checker: EmbeddedChecker,
  analyzer: DocumentAnalyzer = { analyze },
): Promise<{ analysis: Analysis; problems: Problem[] }> {
  const analysis = analyzer.analyze(text, options);
  const problems = [...analysis.problems, ...(await checkEmbedded(analysis, checker))];
  problems.sort((a, b) => a.start - b.start || a.end - b.end);
  return { analysis, problems };
}

/** Every code with its default severity and doc line, for the README and hover. */
export function codeTable(): { code: string; severity: string; doc: string }[] {
  return Object.entries(CODES).map(([code, info]) => ({ code, severity: info.severity, doc: info.doc }));
}
