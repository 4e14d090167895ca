// Puts each script error of a run on the .sql line that produced the failing script line.
import { analyze } from '../../core/analysis/analyze';
import { scriptErrorLine } from '../../core/analysis/scriptErrorLine';
import { LineIndex } from '../../core/text/lineIndex';
import type { WireBatch } from './protocol';

export function mapScriptErrorLines(text: string, batches: WireBatch[]): WireBatch[] {
  if (!batches.some((b) => b.messages.some((m) => m.scriptLine !== undefined))) return batches;
  const analysis = analyze(text);
  const lines = new LineIndex(text);
  return batches.map((batch) => ({
    ...batch,
    messages: batch.messages.map((m) => {
      if (m.scriptLine === undefined) return m;
      const line = scriptErrorLine(text, analysis, { scriptLine: m.scriptLine, scriptOffset: m.scriptOffset, procedure: m.procedure }, lines);
      return line === null ? m : { ...m, line };
    }),
  }));
}
