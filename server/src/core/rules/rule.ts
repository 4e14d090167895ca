// What every rule sees: one bound call, the analysis options, and a way to report.
import type { Problem } from '../diagnostics/problems';
import type { BoundCall } from '../scriptCall/binding';
import type { SqlServerVersion } from '../scriptCall/parameters';

export interface RuleOptions {
  sqlServerVersion: SqlServerVersion;
  /** Languages besides R and Python that the workspace declares or settings list (any case). */
  extraLanguages: readonly string[];
}

export interface RuleContext {
  bound: BoundCall;
  options: RuleOptions;
  /** Fixes are offered only where an edit of the document text is certain (not inside dynamic SQL). */
  canFix: boolean;
  report(problem: Problem): void;
}

export interface Rule {
  /** A short name for tests and docs; the codes a rule reports are in its messages' codes. */
  name: string;
  check(ctx: RuleContext): void;
}

/** The procedure name as SQL Server's messages spell it. */
export const PROC = 'sp_execute_external_script';
