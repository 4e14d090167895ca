// Small helpers for core tests: analyse text and describe problems as 'CODE line:col text'.
import { analyze, DEFAULT_OPTIONS, type AnalysisOptions } from '../../../server/src/core/analysis/analyze';
import { LineIndex } from '../../../server/src/core/text/lineIndex';
import type { Problem } from '../../../server/src/core/diagnostics/problems';

export function run(text: string, options: Partial<AnalysisOptions> = {}) {
  return analyze(text, { ...DEFAULT_OPTIONS, ...options });
}

/** 'SQLML102 3:9 @langauge' — 1-based line:column and the text the problem covers. */
export function describe(text: string, problems: Problem[]): string[] {
  const lines = new LineIndex(text);
  return problems.map((p) => {
    const pos = lines.positionAt(p.start);
    return `${p.code} ${pos.line + 1}:${pos.character + 1} ${text.slice(p.start, p.end)}`;
  });
}

export function codes(text: string, options: Partial<AnalysisOptions> = {}): string[] {
  return run(text, options).problems.map((p) => p.code);
}
