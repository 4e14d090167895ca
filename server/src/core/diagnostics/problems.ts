// The one shape every finding takes inside the core: offsets into the analysed text, never
// line/column, so that the CLI and the language server convert positions in exactly one place.
import { defaultSeverity, type DiagnosticCode } from './codes';

export type Severity = 'error' | 'warning' | 'information' | 'hint';

/** Which checker produced a problem: our own T-SQL rules, or the real Python/R parsers. */
export type ProblemSource = 'sqlml' | 'python' | 'r';

/** A replacement of text[start, end) by newText, in offsets of the analysed document. */
export interface TextEdit {
  start: number;
  end: number;
  newText: string;
}

/** A fix offered only where it is certain (a misspelt parameter, a missing @language). */
export interface Fix {
  title: string;
  edits: TextEdit[];
}

export interface Problem {
  code: DiagnosticCode;
  severity: Severity;
  message: string;
  source: ProblemSource;
  /** UTF-16 offsets into the document text, end exclusive. */
  start: number;
  end: number;
  fixes?: Fix[];
}

/** A problem with its code's default severity from the code table. */
export function makeProblem(
  code: DiagnosticCode,
  message: string,
  start: number,
  end: number,
  options: { source?: ProblemSource; fixes?: Fix[] } = {},
): Problem {
  const problem: Problem = { code, severity: defaultSeverity(code), message, source: options.source ?? 'sqlml', start, end };
  if (options.fixes && options.fixes.length > 0) problem.fixes = options.fixes;
  return problem;
}
