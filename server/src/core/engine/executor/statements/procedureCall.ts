// EXEC of a stored procedure: EXECUTE permission, arguments bound to its parameters, its body run
// in its own frame and database with the ownership chain of its owner (so a procedure owned by
// dbo reads dbo's tables for a caller who may only execute it), OUTPUT parameters and the return
// status copied back, its #temp tables and table variables dropped when it returns.
import type { CreateProcedureStatement, ExecuteStatement } from '../../ast';
import { ownershipChainLink } from '../../../security';
import { parseBatch } from '../../parser';
import { dropTableStatements, resolveDataType } from '../../translate';
import { StatementContext } from '../context';
import type { ProcedureDefinition } from '../document';
import { fail, translationStop } from '../errors';
import { Frame } from '../frame';
import { runStatements } from '../runner';
import type { Sink } from '../sink';
import { bindArguments, writeBack, type Formal } from './arguments';

/** SQL Server's limit on nested procedure calls (@@NESTLEVEL). */
const MAX_NESTING = 32;

export async function callProcedure(ctx: StatementContext, st: ExecuteStatement, procedure: ProcedureDefinition, sink: Sink): Promise<void> {
  const session = ctx.session;
  ctx.check('EXECUTE', { class: 'OBJECT', schema: procedure.schema, name: procedure.name }, st.procedure, procedure.database);
  if (ctx.frame.depth >= MAX_NESTING) {
    return fail(217, 16, 1, `Maximum stored procedure, function, trigger, or view nesting level exceeded (limit ${MAX_NESTING}).`, st, 'batch');
  }
  const parsed = parseBatch(procedure.text);
  const definition = parsed.statements[0];
  if (parsed.errors.length > 0 || definition?.kind !== 'createProcedure') {
    throw translationStop(parsed.errors[0] ?? { number: 8630, level: 16, state: 1, message: `The stored definition of ${procedure.name} cannot be read.`, start: st.start, end: st.end });
  }
  const formals = formalsOf(definition);
  const bound = await bindArguments(ctx, procedure.name, formals, st);

  const chain = ownershipChainLink(session.catalog, procedure.database, { schema: procedure.schema, name: procedure.name });
  const frame = Frame.procedure(procedure.text, ctx.frame, st.start, { database: procedure.database, schema: procedure.schema, name: procedure.name, chain });
  for (const b of bound) frame.variables.set(b.formal.name.toLowerCase(), { name: b.formal.name, type: b.formal.type, value: b.value });
  const inner = new StatementContext(session, frame, sink);
  const callerDatabase = session.database;
  session.useDatabase(procedure.database);
  let returned: number | null = 0;
  try {
    const flow = await runStatements(definition.body, inner);
    if (flow.kind === 'return') returned = flow.value === null ? 0 : Number(flow.value);
  } finally {
    session.useDatabase(callerDatabase);
    await dropFrameTables(inner);
  }
  for (const b of bound) {
    if (b.outputTo) await writeBack(ctx, b.outputTo, frame.variable(b.formal.name)!.value, b.formal.type, st);
  }
  if (st.returnVariable) await writeBack(ctx, st.returnVariable.name, returned, { name: 'int' }, st.returnVariable);
}

function formalsOf(definition: CreateProcedureStatement): Formal[] {
  return definition.parameters.map((p) => {
    const type = resolveDataType(p.type, 'declaration');
    if (!type.ok) throw translationStop(type.error);
    return { name: p.name.name, type: type.value, default: p.default, output: p.output };
  });
}

/**
 * A frame's table variables end with it, and so do the #temp tables a procedure or a string of
 * dynamic SQL created (a batch's stay for the session).
 */
export async function dropFrameTables(ctx: StatementContext): Promise<void> {
  const session = ctx.session;
  for (const key of ctx.frame.depth > 0 ? ctx.frame.createdTemp : []) {
    const table = session.tempTables.get(key);
    if (!table) continue;
    session.tempTables.delete(key);
    for (const sql of dropTableStatements(table.location, table.columns)) await session.storage.run(sql).catch(() => undefined);
  }
  for (const table of ctx.frame.tableVariables.values()) {
    for (const sql of dropTableStatements(table.location, table.columns)) await session.storage.run(sql).catch(() => undefined);
  }
}
