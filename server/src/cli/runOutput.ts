// How `sqlml run` shows results as text: result sets as aligned tables, messages as SSMS shows
// them ("Msg 229, Level 14, State 5, Line 3" then the text).
import type { RunOutcome, WireMessage, WireResultSet } from '../node/instance/protocol';

const MAX_CELL = 60;

export function formatCell(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return value ? '1' : '0';
  if (typeof value === 'object' && value !== null && 'hex' in value) return `0x${String((value as { hex: string }).hex).toUpperCase()}`;
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

/** Floats with the 15 significant digits SQL Server's tools show (1.462, not 1.4620000000000002). */
function approximateNumber(value: number): number {
  return Number(value.toPrecision(15));
}

function clip(text: string): string {
  const oneLine = text.replace(/\r?\n/g, ' ');
  return oneLine.length > MAX_CELL ? `${oneLine.slice(0, MAX_CELL - 1)}…` : oneLine;
}

export function formatResultSet(set: WireResultSet): string {
  const header = set.columns.map((c) => c.name || '(No column name)');
  const approximate = set.columns.map((c) => /^(float|real)\b/i.test(c.type));
  const cells = set.rows.map((row) => row.map((v, i) => clip(formatCell(approximate[i] && typeof v === 'number' ? approximateNumber(v) : v))));
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((r) => (r[i] ?? '').length)));
  const numeric = set.columns.map((c) => /^(int|bigint|smallint|tinyint|float|real|decimal|numeric|money|smallmoney)/i.test(c.type));
  const line = (values: string[]) => values.map((v, i) => (numeric[i] ? v.padStart(widths[i]!) : v.padEnd(widths[i]!))).join(' ').trimEnd();
  // The "(n rows affected)" line is the instance's own message, so it is not repeated here.
  return [line(header), widths.map((w) => '-'.repeat(w)).join(' '), ...cells.map(line)].join('\n');
}

/** "Msg 297, Level 16, State 101, Line 4" + text, with the 1-based line as SSMS counts it. */
export function formatMessage(m: WireMessage): string {
  // Informational messages (PRINT, script output, notices) read as plain text, as in SSMS.
  if (m.kind === 'info') return m.text;
  const parts = [`Msg ${m.number ?? 50000}`, `Level ${m.severity ?? (m.kind === 'error' ? 16 : 0)}`, `State ${m.state ?? 1}`];
  // As SSMS: inside a procedure the line is the procedure's; a script error's line is the file's
  // line of the failing script line.
  if (m.procedure !== undefined) parts.push(`Procedure ${m.procedure}`);
  if (m.procedure !== undefined && m.procedureLine !== undefined && m.scriptLine === undefined) parts.push(`Line ${m.procedureLine}`);
  else if (m.line !== null) parts.push(`Line ${m.line + 1}`);
  return `${parts.join(', ')}\n${m.text}`;
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
