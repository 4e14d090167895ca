// Where a script error is in the .sql file. The runtime reports a line of the R or Python script;
// the instance says which call ran it (the offset of its @script in the submitted text, or the
// procedure it is in). The static analysis of the same text knows each call's decoded script and
// its source map, so the script line becomes the .sql line of the character that produced it —
// through '' unescaping, concatenated variables and CHAR(10), like the editor's diagnostics.
import type { Analysis } from './analyze';
import { LineIndex } from '../text/lineIndex';

export interface ScriptErrorSite {
  /** 1-based line in the script, as the runtime reported it. */
  scriptLine: number;
  /** Offset in the text where the @script literal's content starts, when it is a literal there. */
  scriptOffset?: number;
  /** The procedure the call is in, when the error came from inside one. */
  procedure?: string;
}

/** Compares procedure names without brackets, schema or case: 'dbo.[Score]' and 'score' match. */
function procedureKey(name: string): string {
  const last = name.split('.').pop() ?? name;
  return last.replace(/^\[|\]$/g, '').replace(/^"|"$/g, '').toLowerCase();
}

/** The 0-based line of `text` the script error is on, or null when the call is not in this text. */
export function scriptErrorLine(text: string, analysis: Analysis, site: ScriptErrorSite, lines = new LineIndex(text)): number | null {
  const candidates = analysis.calls.filter((c) => c.bound.script !== null);
  const call =
    (site.scriptOffset !== undefined ? candidates.find((c) => contains(c.call.range, site.scriptOffset!)) : undefined) ??
    (site.procedure !== undefined ? candidates.find((c) => c.call.procedure !== null && procedureKey(c.call.procedure) === procedureKey(site.procedure!)) : undefined);
  if (call) {
    const script = call.bound.script!;
    const start = lineStart(script.text, site.scriptLine);
    if (start === null) return null;
    return lines.positionAt(script.map.toSource(start)).line;
  }
  // A literal the analysis could not resolve still keeps its newlines one for one.
  if (site.scriptOffset !== undefined) return lines.positionAt(site.scriptOffset).line + site.scriptLine - 1;
  return null;
}

function contains([start, end]: readonly [number, number], offset: number): boolean {
  return offset >= start && offset < end;
}

/** Offset where the 1-based `line` starts in `script`, or null past its end. */
function lineStart(script: string, line: number): number | null {
  let offset = 0;
  for (let current = 1; current < line; current++) {
    const next = script.indexOf('\n', offset);
    if (next < 0) return null;
    offset = next + 1;
  }
  return offset;
}
