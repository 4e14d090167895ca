// A query a running script sends back (loopback), once implied authentication accepted it: run in
// a connection of its own for the caller's security context, in the caller's database. The
// script gets the first result set, or the first error as SQL Server would send it.
import type { SessionContext } from '../../security';
import type { Instance } from './instance';
import type { CancelSignal, LoopbackAnswer } from './ports';
import { runScript } from './script';
import { ExecutorSession } from './session';

const NOT_CANCELLABLE: CancelSignal = { aborted: false, addEventListener: () => undefined, removeEventListener: () => undefined };

export async function runLoopbackQuery(instance: Instance, caller: SessionContext, database: string, sql: string): Promise<LoopbackAnswer> {
  const session = await openLoopbackSession(instance, caller, database);
  try {
    const result = await runScript(session, sql, { signal: NOT_CANCELLABLE, onMessage: () => undefined });
    const messages = result.batches.flatMap((b) => b.messages);
    const error = messages.find((m) => m.kind === 'error');
    if (error) return { error: { number: error.number ?? 50000, severity: error.severity ?? 16, state: error.state ?? 1, text: error.text } };
    const first = result.batches.flatMap((b) => b.resultSets)[0];
    return first ? { columns: first.columns, rows: first.rows } : { columns: [], rows: [] };
  } finally {
    await session.close();
  }
}

/** A connection of its own for the caller's security context, in the caller's database. */
export function openLoopbackSession(instance: Instance, caller: SessionContext, database: string): Promise<ExecutorSession> {
  return ExecutorSession.open(instance, { session: caller, database });
}
