// What the results panel shows for a run, built from the server's answer: the result sets (their
// columns and row counts: the rows themselves stay with the extension, in GridRows, and reach the page a
// screenful at a time), the messages in the order they happened with a link for those on a document line,
// and a one-line summary. Pure: no VS Code.
import type { RunMessage, RunScriptResult } from '../../../server/src/protocol';
import { encodedRowCount } from '../../../server/src/core/results/encodedResultSets';
import { columnNames } from './export';
import { plural } from '../../../server/src/core/text/plural';

export type RunStatus = 'running' | 'succeeded' | 'failed' | 'cancelled';

export interface GridModel {
  /** Index among the run's result sets (what the page's requests refer to). */
  index: number;
  columns: string[];
  types: string[];
  numeric: boolean[];
  totalRows: number;
}

export interface MessageModel {
  kind: 'info' | 'error';
  /** "Msg 297, Level 16, State 1, Line 4" for errors; '' for PRINT and script output. */
  header: string;
  text: string;
  /** 0-based document line an error is about: the header links there. */
  line: number | null;
}

export interface ResultsModel {
  title: string;
  status: RunStatus;
  /** When the run started (Date.now()): the page counts the elapsed time from it while the run goes on. */
  startedAt: number;
  summary: string;
  grids: GridModel[];
  messages: MessageModel[];
}

const NUMERIC = /^(int|bigint|smallint|tinyint|float|real|decimal|numeric|money|smallmoney|bit)\b/i;

/** The panel while a run is going on: the messages streamed so far. */
export function runningModel(title: string, streamed: readonly RunMessage[], what: string, startedAt: number): ResultsModel {
  return { title, status: 'running', startedAt, summary: `Running ${what}…`, grids: [], messages: streamed.map(messageModel) };
}

export function resultsModel(title: string, result: RunScriptResult, startedAt: number): ResultsModel {
  const status = runStatus(result);
  const grids: GridModel[] = [];
  const messages: MessageModel[] = [];
  if (result.failed) messages.push({ kind: 'error', header: '', text: result.failed, line: null });
  for (const batch of result.batches) {
    // Result sets and messages in the order they happened.
    let shown = 0;
    const gridsUpTo = (count: number) => {
      for (; shown < Math.min(count, batch.resultSets.length); shown++) {
        const set = batch.resultSets[shown]!;
        grids.push({
          index: grids.length,
          columns: columnNames(set),
          types: set.columns.map((c) => c.type),
          numeric: set.columns.map((c) => NUMERIC.test(c.type)),
          totalRows: encodedRowCount(set),
        });
      }
    };
    for (const m of batch.messages) {
      gridsUpTo(m.afterResultSets ?? 0);
      messages.push(messageModel(m));
    }
    gridsUpTo(batch.resultSets.length);
  }
  return { title, status, startedAt, summary: runSummary(result), grids, messages };
}

export function runStatus(result: RunScriptResult): RunStatus {
  if (result.cancelled) return 'cancelled';
  if (result.failed || result.batches.some((b) => b.messages.some((m) => m.kind === 'error'))) return 'failed';
  return 'succeeded';
}

/** "2 result sets (5 rows) · 1 error · session 1a2b3c4d: python on sqlml01, succeeded · 1.4 s". */
export function runSummary(result: RunScriptResult): string {
  if (result.failed) return `Not run: ${result.failed}`;
  const sets = result.batches.flatMap((b) => b.resultSets);
  const rows = sets.reduce((n, s) => n + encodedRowCount(s), 0);
  const errors = result.batches.reduce((n, b) => n + b.messages.filter((m) => m.kind === 'error').length, 0);
  const parts = [sets.length === 0 ? 'no result sets' : `${plural(sets.length, 'result set')} (${plural(rows, 'row')})`];
  if (errors > 0) parts.push(plural(errors, 'error'));
  for (const s of result.sessions) parts.push(`session ${s.id.slice(0, 8)}: ${s.language.toLowerCase()} on ${s.worker ?? 'no worker'}, ${s.state}`);
  if (result.cancelled) parts.push('cancelled');
  parts.push(duration(result.durationMs));
  return parts.join(' · ');
}

export function messageModel(m: RunMessage): MessageModel {
  return { kind: m.kind, header: m.header, text: m.text, line: m.kind === 'error' ? m.line : null };
}

/** 850 ms, 1.4 s, 2 min 5 s. */
export function duration(ms: number): string {
  // Each unit is chosen after rounding, so 999.6 ms reads "1.0 s", not "1000 ms".
  if (Math.round(ms) < 1000) return `${Math.round(ms)} ms`;
  if (Math.round(ms / 100) < 600) return `${(ms / 1000).toFixed(1)} s`;
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)} min ${s % 60} s`;
}
