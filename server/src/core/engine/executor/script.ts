// Runs submitted T-SQL: split at GO into batches (GO n runs a batch n times), each compiled on its
// own (a batch with a syntax error does not run at all, the next one does), each with its own
// variables, every message and result set kept with the batch that produced it.
import { parseBatch, parseScript, type Batch } from '../parser';
import { LineIndex } from '../../text/lineIndex';
import { StatementContext } from './context';
import { Cancelled, ExecStop } from './errors';
import { Frame } from './frame';
import type { CancelSignal } from './ports';
import type { Columnar } from '../../launcher/columnValues';
import type { BatchResult, ExecColumn, ExecMessage, ExecResultSet, RunResult } from './results';
import { report, runStatements } from './runner';
import type { ExecutorSession } from './session';
import { dropFrameTables } from './statements/procedureCall';

export interface RunOptions {
  signal: CancelSignal;
  onMessage(message: ExecMessage): void;
  /** Each result set as soon as a statement produced it (TDS streams them in order with the messages). */
  onResultSet?(resultSet: ExecResultSet): void;
  /** A query's rows as they are read (a client that sends them as they come; see Sink.resultSetStream). */
  onResultSetStream?(columns: ExecColumn[], chunks: AsyncIterable<Columnar>): Promise<void>;
  /** USE changed the session's database. */
  onDatabaseChanged?(database: string): void;
}

export function runScript(session: ExecutorSession, text: string, options: RunOptions): Promise<RunResult> {
  return asRun(session, options.signal, () => runBatches(session, text, parseScript(text), options));
}

/**
 * Runs `text` as the one batch SQL Server receives from a TDS client: GO is the client tools'
 * separator, so here it is a word like any other (SQL Server answers Msg 102 where it is not valid).
 */
export function runOneBatch(session: ExecutorSession, text: string, options: RunOptions): Promise<RunResult> {
  const { statements, errors } = parseBatch(text);
  const batch: Batch = { statements, errors, start: 0, end: text.length, startLine: 0, repeat: 1 };
  return asRun(session, options.signal, () => runBatches(session, text, [batch], options));
}

/** Runs `body` as the session's current run: cancellable by `signal`, its script sessions its own. */
export async function asRun<T>(session: ExecutorSession, signal: CancelSignal, body: () => Promise<T>): Promise<T> {
  session.signal = signal;
  session.launched = [];
  // A cancelled run stops the query the storage is running now, not only the next statement.
  const interrupt = () => session.storage.interrupt();
  signal.addEventListener('abort', interrupt);
  const now = () => session.instance.ports.clock.now();
  // A run inside a run (a procedure request's own statements) keeps the outer request.
  const outer = session.request;
  session.request ??= { startedAt: now(), command: 'EXECUTE', externalScriptId: null };
  session.lastRequestStart = session.request.startedAt;
  try {
    return await body();
  } finally {
    signal.removeEventListener('abort', interrupt);
    if (!outer) {
      session.request = null;
      session.lastRequestEnd = now();
    }
  }
}

async function runBatches(session: ExecutorSession, text: string, parsed: readonly Batch[], options: RunOptions): Promise<RunResult> {
  const lines = new LineIndex(text);
  const batches: BatchResult[] = [];
  for (const batch of parsed) {
    for (let repeat = 0; repeat < batch.repeat; repeat++) {
      const result: BatchResult = { line: batch.startLine, resultSets: [], messages: [] };
      batches.push(result);
      const send = (message: ExecMessage) => {
        message.afterResultSets = result.resultSets.length;
        result.messages.push(message);
        options.onMessage(message);
      };
      const sink = {
        resultSet: (r: ExecResultSet) => {
          result.resultSets.push(r);
          options.onResultSet?.(r);
        },
        message: send,
        ...(options.onResultSetStream ? { resultSetStream: options.onResultSetStream } : {}),
        databaseChanged: (database: string) => options.onDatabaseChanged?.(database),
      };
      if (session.signal.aborted) {
        send(cancelledMessage(batch.startLine));
        return { batches, sessions: session.launched };
      }
      const compileErrors = [...batch.errors];
      batch.statements.forEach((s, k) => {
        if (s.kind === 'createProcedure' && k > 0) {
          compileErrors.push({ number: 111, level: 15, state: 1, message: "'CREATE/ALTER PROCEDURE' must be the first statement in a query batch.", start: s.start, end: s.end });
        }
      });
      if (compileErrors.length > 0) {
        for (const e of compileErrors) send({ kind: 'error', number: e.number, severity: e.level, state: e.state, text: e.message, line: lines.positionAt(e.start).line });
        continue;
      }
      const ctx = new StatementContext(session, Frame.script(text, batch), sink);
      try {
        await runStatements(batch.statements, ctx);
      } catch (e) {
        if (e instanceof Cancelled) {
          send(cancelledMessage(batch.startLine));
          return { batches, sessions: session.launched };
        }
        if (e instanceof ExecStop) report(ctx, e);
        else send(internalError(e, batch.startLine));
      } finally {
        await dropFrameTables(ctx);
      }
    }
  }
  return { batches, sessions: session.launched };
}

export function cancelledMessage(line: number): ExecMessage {
  return { kind: 'error', number: null, severity: null, state: null, text: 'Query was cancelled by user.', line };
}

/** A bug of the executor must not take the instance down: the batch ends with an internal error. */
export function internalError(e: unknown, line: number): ExecMessage {
  const detail = e instanceof Error ? e.message : String(e);
  return { kind: 'error', number: 8630, severity: 16, state: 1, text: `Internal Query Processor Error: The query processor encountered an unexpected error during execution (${detail}).`, line };
}
