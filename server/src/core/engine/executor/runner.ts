// Runs a list of statements the way SQL Server does: an error that ends only its statement is
// reported and the next statement runs; an error that ends the batch unwinds to the batch (or
// to the innermost TRY, which takes every error raised inside it, in called procedures too).
import type { Statement } from '../ast';
import { requestCommand } from './activity';
import { NEXT, type Flow, type StatementContext } from './context';
import { ExecStop, notSupportedHere, TERMINATING_STATEMENT } from './errors';
import { runControl, CONTROL_KINDS } from './statements/control';
import { runCursor, CURSOR_KINDS } from './statements/cursors';
import { runDdl, DDL_KINDS } from './statements/ddl';
import { runDml, DML_KINDS } from './statements/dml';
import { runExecute } from './statements/execute';
import { runModuleDdl, MODULE_KINDS } from './statements/modules';
import { runProcedureDdl, PROCEDURE_KINDS } from './statements/procedures';
import { runSecurity, SECURITY_KINDS } from './statements/security';
import { runGovernor, GOVERNOR_KINDS } from './statements/resourceGovernor';
import { runServer, SERVER_KINDS } from './statements/server';
import { runExternalLibrary, EXTERNAL_LIBRARY_KINDS } from './statements/externalLibrary';

export async function runStatements(statements: readonly Statement[], ctx: StatementContext): Promise<Flow> {
  for (const statement of statements) {
    ctx.checkCancelled();
    if (ctx.session.request) ctx.session.request.command = requestCommand(statement.kind);
    let flow: Flow;
    try {
      flow = await runStatement(statement, ctx);
      ctx.session.lastError = 0;
    } catch (thrown) {
      if (!(thrown instanceof ExecStop)) throw thrown;
      thrown.place ??= ctx.frame.place(thrown.error.start);
      const e = await endTransactionOnError(ctx, thrown);
      ctx.session.lastError = e.error.number;
      if (ctx.session.tryDepth > 0 || e.scope === 'batch') throw e;
      report(ctx, e);
      continue;
    } finally {
      ctx.statementEnded();
    }
    if (flow.kind !== 'next') return flow;
  }
  return NEXT;
}

/**
 * An error under SET XACT_ABORT ON ends the batch and rolls back the open transaction, as SQL
 * Server does. One the storage's transaction cannot outlive (it refuses every later statement of a
 * transaction in which one failed while running) rolls it back too, data and catalog, and ends
 * the batch, so that the statements after it never run outside the transaction they were written in.
 */
async function endTransactionOnError(ctx: StatementContext, stop: ExecStop): Promise<ExecStop> {
  const session = ctx.session;
  const aborting = session.xactAbort || (await session.transactionAborted());
  if (!aborting) return stop;
  if (session.transactionCount > 0) {
    await session.rollbackTransaction();
    if (!session.xactAbort) ctx.info('The transaction was rolled back: the embedded instance cannot go on with a transaction after this error.', stop.error);
  }
  if (stop.scope === 'batch') return stop;
  const ended = new ExecStop(stop.error, 'batch');
  ended.place = stop.place;
  ended.reported = stop.reported;
  return ended;
}

/** Sends an error to the client as SQL Server does: "Msg n, Level l, State s, [Procedure p,] Line x". */
export function report(ctx: StatementContext, stop: ExecStop): void {
  if (stop.reported) return;
  const place = stop.place ?? ctx.frame.place(stop.error.start);
  ctx.sink.message({ kind: 'error', number: stop.error.number, severity: stop.error.level, state: stop.error.state, text: stop.error.text, ...place });
  if (TERMINATING_STATEMENT.has(stop.error.number)) {
    ctx.sink.message({ kind: 'info', number: 3621, severity: 0, state: 0, text: 'The statement has been terminated.', ...place });
  }
}

export function runStatement(statement: Statement, ctx: StatementContext): Promise<Flow> {
  const kind = statement.kind;
  if (CONTROL_KINDS.has(kind)) return runControl(statement, ctx);
  if (DML_KINDS.has(kind)) return runDml(statement, ctx);
  if (CURSOR_KINDS.has(kind)) return runCursor(statement, ctx);
  if (DDL_KINDS.has(kind)) return runDdl(statement, ctx);
  if (PROCEDURE_KINDS.has(kind)) return runProcedureDdl(statement, ctx);
  if (MODULE_KINDS.has(kind)) return runModuleDdl(statement, ctx);
  if (SECURITY_KINDS.has(kind)) return runSecurity(statement, ctx);
  if (SERVER_KINDS.has(kind)) return runServer(statement, ctx);
  if (EXTERNAL_LIBRARY_KINDS.has(kind)) return runExternalLibrary(statement, ctx);
  if (GOVERNOR_KINDS.has(kind)) return runGovernor(statement, ctx);
  if (statement.kind === 'execute' || statement.kind === 'executeString') return runExecute(statement, ctx);
  if (statement.kind === 'unsupported') return notSupportedHere(statement.what, statement);
  return notSupportedHere(`The statement ${kind}`, statement);
}

export { NEXT };
