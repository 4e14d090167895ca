// EXEC: a system procedure the instance implements (sp_execute_external_script, sp_configure,
// sp_addrolemember, sp_tables, ...), a stored procedure, or a string of dynamic SQL. WITH RESULT SETS
// applies to whatever result sets the call sends.
import type { ExecuteStatement, ExecuteStringStatement, Identifier, Statement } from '../../ast';
import { parseBatch } from '../../parser';
import { writtenName } from '../../translate/from';
import { NEXT, StatementContext, type Flow } from '../context';
import { openScope } from '../../../security/evaluate';
import { ExecStop, fail, notSupportedHere, refuse } from '../errors';
import { Frame } from '../frame';
import type { ExecResultSet } from '../results';
import { runStatements } from '../runner';
import { CapturingSink, type Sink } from '../sink';
import { runExternalScript } from './externalScript';
import { callProcedure, dropFrameTables } from './procedureCall';
import { findProcedure } from './procedures';
import { applyResultSets } from './resultSets';
import { SYSTEM_PROCEDURES } from './systemProcedures';
import type { SystemProcedure } from './systemProcedureArguments';

export async function runExecute(st: ExecuteStatement | ExecuteStringStatement, ctx: StatementContext): Promise<Flow> {
  if (st.kind === 'executeString') {
    await runDynamic(st, ctx, ctx.sink);
    return NEXT;
  }
  if (!st.resultSets || st.resultSets.kind === 'undefined') {
    await runCall(st, ctx, ctx.sink);
    return NEXT;
  }
  const captured = new CapturingSink(ctx.sink, true);
  await runCall(st, ctx, captured);
  for (const resultSet of await applyResultSets(ctx, st.resultSets, captured.captured, st)) ctx.sink.resultSet(resultSet);
  return NEXT;
}

/** Runs an EXEC and keeps its result sets (INSERT ... EXEC). */
export async function executeCaptured(st: ExecuteStatement | ExecuteStringStatement, ctx: StatementContext): Promise<ExecResultSet[]> {
  const captured = new CapturingSink(ctx.sink);
  if (st.kind === 'executeString') await runDynamic(st, ctx, captured);
  else await runCall(st, ctx, captured);
  return captured.captured;
}

async function runCall(st: ExecuteStatement, ctx: StatementContext, sink: Sink): Promise<void> {
  if (st.procedure.kind === 'variable') return notSupportedHere('EXEC of a procedure named by a variable', st.procedure);
  const name = st.procedure;
  const system = !name.schema || ['sys', 'dbo'].includes(name.schema.name.toLowerCase());
  if (system && !name.database && name.name.name.toLowerCase() === 'sp_execute_external_script') return runExternalScript(st, ctx, sink);
  const builtin = system ? SYSTEM_PROCEDURES[name.name.name.toLowerCase()] : undefined;
  if (builtin) return runSystemProcedure(builtin, st, name.database, ctx, sink);
  const procedure = findProcedure(ctx, name);
  if (!procedure) return fail(2812, 16, 62, `Could not find stored procedure '${writtenName(name)}'.`, name);
  return callProcedure(ctx, st, procedure, sink);
}

/**
 * A system procedure runs in the database its name gives (`db..sp_tables`: how ODBC drivers name a
 * catalog), when the caller may open it (Msg 911, 916), as SQL Server runs one; else in the current one.
 */
async function runSystemProcedure(builtin: SystemProcedure, st: ExecuteStatement, named: Identifier | null, ctx: StatementContext, sink: Sink): Promise<void> {
  const session = ctx.session;
  const callerDatabase = session.database;
  if (named) {
    const opened = openScope(session.catalog, session.security, named.name);
    if (!opened.ok) return refuse(opened.error, named);
    session.useDatabase(opened.value.db!.name);
  }
  // The procedure's own context takes catalog lock holds (sp_configure, sp_addrolemember): give them back.
  const inner = new StatementContext(session, ctx.frame, sink);
  try {
    await builtin(st, inner);
  } finally {
    inner.statementEnded();
    if (named) session.useDatabase(callerDatabase);
  }
}

/** EXEC ('...'): its own frame (no variables of the caller), checked against the caller's context. */
async function runDynamic(st: ExecuteStringStatement, ctx: StatementContext, sink: Sink): Promise<void> {
  let text = '';
  for (const part of st.parts) {
    const { value } = await ctx.evaluate(part, { name: 'nvarchar', length: 'max' });
    text += value === null ? '' : String(value);
  }
  await runText(ctx, text, st, sink);
}

/** Runs a string of T-SQL as dynamic SQL: compile errors are its own, reported at the EXEC. */
export async function runText(ctx: StatementContext, text: string, at: Statement, sink: Sink, prepare?: (frame: Frame) => void): Promise<Frame> {
  const parsed = parseBatch(text);
  const frame = Frame.dynamic(text, ctx.frame, at.start);
  if (parsed.errors.length > 0) {
    const first = parsed.errors[0]!;
    const stop = new ExecStop({ number: first.number, level: first.level, state: first.state, text: first.message, start: at.start, end: at.end }, 'statement');
    stop.place = ctx.frame.place(at.start);
    throw stop;
  }
  prepare?.(frame);
  const inner = new StatementContext(ctx.session, frame, sink);
  try {
    await runStatements(parsed.statements, inner);
  } finally {
    await dropFrameTables(inner);
  }
  return frame;
}
