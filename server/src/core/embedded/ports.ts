// The port through which the core asks a real Python or R parser about an embedded script.
// The core never starts a process: the Node layer implements EmbeddedChecker with long-lived
// analyzer processes and a content cache.

export type EmbeddedLanguage = 'python' | 'r';

export interface EmbeddedCheckRequest {
  language: EmbeddedLanguage;
  /** The decoded script exactly as the runtime would receive it. */
  script: string;
  /**
   * Names the runtime provides to the script: the input and output data names, every @params
   * name without its '@', and (Python) pandas. Undefined-name checks treat these as defined.
   */
  knownNames: string[];
}

/** What kind of problem a checker found; the core turns kinds into stable SQLML codes. */
export type EmbeddedFindingKind =
  /** The script does not parse (Python SyntaxError/IndentationError, R parse error). */
  | 'syntax'
  /** Python: a name that is used but never defined (pyflakes "undefined name"). */
  | 'undefined-name'
  /** Any other static warning (unused import, redefinition, ...). */
  | 'warning';

/**
 * A position inside the script: 0-based line, and 0-based column counted in UTF-16 code units of
 * that line (the unit JavaScript strings and LSP use). Checkers convert from their runtime's unit.
 */
export interface ScriptPosition {
  line: number;
  column: number;
}

export interface EmbeddedFinding {
  kind: EmbeddedFindingKind;
  message: string;
  start: ScriptPosition;
  /** Exclusive; when the runtime gives no end, the checker sends start with column + 1. */
  end: ScriptPosition;
}

/** A tool that could not be used, with a user-facing sentence saying how to install or configure it. */
export interface EmbeddedUnavailable {
  tool: 'python' | 'pyflakes' | 'r';
  message: string;
}

export interface EmbeddedCheckResult {
  findings: EmbeddedFinding[];
  /** Set when some or all checks could not run; findings then holds what did run. */
  unavailable?: EmbeddedUnavailable[];
}

export interface EmbeddedChecker {
  check(request: EmbeddedCheckRequest): Promise<EmbeddedCheckResult>;
  dispose(): void;
}
