// The analyzers report 1-based lines and 0-based columns counted in code points; the port wants
// 0-based lines and UTF-16 columns. Astral characters (emoji, ...) are one code point but two
// UTF-16 units, so the conversion needs the line's text.
import type { ScriptPosition } from '../../core/embedded/ports';

/** An analyzer's span: end fields are absent when it only knows where the problem starts. */
export interface AnalyzerSpan {
  line: number;
  col: number;
  endLine?: number | null;
  endCol?: number | null;
}

/** The script's lines, split as Python's tokenizer does (and as the R checker sends them). */
export function scriptLines(script: string): string[] {
  return script.split(/\r\n|\r|\n/);
}

/** UTF-16 units before the given code-point column; columns past the end count one unit each. */
export function codePointsToUtf16(line: string, codePoints: number): number {
  let units = 0;
  let seen = 0;
  for (const character of line) {
    if (seen >= codePoints) return units;
    units += character.length;
    seen++;
  }
  return units + Math.max(0, codePoints - seen);
}

function position(lines: string[], line: number, col: number): ScriptPosition {
  const index = Math.min(Math.max(line - 1, 0), lines.length - 1);
  return { line: index, column: codePointsToUtf16(lines[index] ?? '', Math.max(col, 0)) };
}

/** Converts a span; without an end, the range covers the one character at the start. */
export function toScriptRange(lines: string[], span: AnalyzerSpan): { start: ScriptPosition; end: ScriptPosition } {
  const start = position(lines, span.line, span.col);
  const hasEnd = typeof span.endLine === 'number' && typeof span.endCol === 'number' && span.endCol >= 0;
  const end = hasEnd ? position(lines, span.endLine!, span.endCol!) : position(lines, span.line, span.col + 1);
  const after = end.line > start.line || (end.line === start.line && end.column > start.column);
  return { start, end: after ? end : position(lines, span.line, span.col + 1) };
}
