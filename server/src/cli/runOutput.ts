// How `sqlml run` shows results as text: result sets as aligned tables, messages as SSMS shows
// them ("Msg 229, Level 14, State 5, Line 3" then the text).
import type { RunOutcome, WireMessage, WireResultSet } from '../node/instance/protocol';
import { cellText } from '../core/text/cellText';
import { messageHeader } from '../node/instance/messageHeader';

const MAX_CELL = 60;

function clip(text: string): string {
  const oneLine = text.replace(/\r?\n/g, ' ');
  return oneLine.length > MAX_CELL ? `${oneLine.slice(0, MAX_CELL - 1)}…` : oneLine;
}

export function formatResultSet(set: WireResultSet): string {
  const header = set.columns.map((c) => c.name || '(No column name)');
  const cells = set.rows.map((row) => row.map((v, i) => clip(cellText(v, set.columns[i]?.type))));
  // A loop, not Math.max(...column): spreading a million rows into arguments overflows the stack.
  const widths = header.map((h) => h.length);
  for (const row of cells) row.forEach((text, i) => (widths[i] = Math.max(widths[i] ?? 0, text.length)));
  const numeric = set.columns.map((c) => /^(int|bigint|smallint|tinyint|float|real|decimal|numeric|money|smallmoney)/i.test(c.type));
  const line = (values: string[]) => values.map((v, i) => (numeric[i] ? v.padStart(widths[i]!) : v.padEnd(widths[i]!))).join(' ').trimEnd();
  // The "(n rows affected)" line is the instance's own message, so it is not repeated here.
  return [line(header), widths.map((w) => '-'.repeat(w)).join(' ')].concat(cells.map(line)).join('\n');
}

/** An error as SSMS prints it (its header line, then the text); other messages as plain text. */
export function formatMessage(m: WireMessage): string {
  const header = messageHeader(m);
  return header ? `${header}\n${m.text}` : m.text;
}

export function formatRunOutcome(outcome: RunOutcome): string {
  const blocks: string[] = [];
  for (const batch of outcome.batches) {
    // Result sets and messages in the order they happened, as SSMS's text results show them.
    let shown = 0;
    const showUpTo = (count: number) => {
      for (; shown < Math.min(count, batch.resultSets.length); shown++) blocks.push(formatResultSet(batch.resultSets[shown]!));
    };
    for (const m of batch.messages) {
      showUpTo(m.afterResultSets ?? 0);
      blocks.push(formatMessage(m));
    }
    showUpTo(batch.resultSets.length);
  }
  return blocks.length ? `${blocks.join('\n\n')}\n` : '';
}
