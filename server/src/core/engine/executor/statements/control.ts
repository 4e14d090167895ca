// Variables and control of flow: DECLARE, SET, PRINT, IF, WHILE, BEGIN...END, TRY...CATCH,
// BREAK, CONTINUE, RETURN, WAITFOR DELAY, THROW, RAISERROR, transactions and SET options.
import type { Expression, Statement } from '../../ast';
import { resolveDataType, translateCreateTable } from '../../translate';
import { NEXT, type Flow, type StatementContext } from '../context';
import { ExecStop, fail, notSupportedHere } from '../errors';
import { runStatements } from '../runner';
import { identityKey, resolveUserTable } from '../schemaLookup';
import { formatRaiserror, parseDelay } from './controlValues';

type ControlStatement = Extract<
  Statement,
  {
    kind: 'declare' | 'setVariable' | 'print' | 'if' | 'while' | 'block' | 'tryCatch' | 'break' | 'continue' | 'return' | 'waitFor' | 'throw' | 'raiserror' | 'transaction' | 'setOption';
  }
>;

export const CONTROL_KINDS: ReadonlySet<string> = new Set([
  'declare', 'setVariable', 'print', 'if', 'while', 'block', 'tryCatch', 'break', 'continue', 'return', 'waitFor', 'throw', 'raiserror', 'transaction', 'setOption',
]);

const NVARCHAR_MAX = { name: 'nvarchar', length: 'max' as const };

export async function runControl(s: Statement, ctx: StatementContext): Promise<Flow> {
  const st = s as ControlStatement;
  switch (st.kind) {
    case 'declare':
      for (const v of st.variables) {
        if (ctx.frame.variable(v.name.name) || ctx.frame.tableVariables.has(v.name.name.toLowerCase())) {
          fail(134, 15, 1, `The variable name '${v.name.name}' has already been declared. Variable names must be unique within a query batch or stored procedure.`, v.name, 'batch');
        }
        if (v.kind === 'table') {
          const location = { kind: 'temp' as const, name: ctx.session.unique(v.name.name) };
          const ddl = ctx.translated(translateCreateTable(v.definition, location, ctx.ports().ports));
          await ctx.session.atomically(ddl.statements, v);
          ctx.frame.tableVariables.set(v.name.name.toLowerCase(), { location, columns: ddl.columns });
          continue;
        }
        const type = ctx.translated(resolveDataType(v.type, 'declaration'));
        ctx.frame.variables.set(v.name.name.toLowerCase(), { name: v.name.name, type, value: null });
        if (v.value) ctx.frame.variable(v.name.name)!.value = (await ctx.evaluate(v.value, type)).value;
      }
      return NEXT;
    case 'setVariable': {
      const variable = ctx.frame.variable(st.variable.name);
      if (!variable) return fail(137, 15, 2, `Must declare the scalar variable "${st.variable.name}".`, st.variable, 'batch');
      const expr: Expression = st.op === '=' ? st.value : { kind: 'binaryOp', op: st.op[0] as '+', left: st.variable, right: st.value, start: st.start, end: st.end };
      variable.value = (await ctx.evaluate(expr, variable.type)).value;
      return NEXT;
    }
    case 'print': {
      const { value } = await ctx.evaluate(st.value, NVARCHAR_MAX);
      ctx.info(value === null ? '' : String(value), st);
      return NEXT;
    }
    case 'if':
      if (await ctx.condition(st.condition)) return runStatements([st.then], ctx);
      return st.else ? runStatements([st.else], ctx) : NEXT;
    case 'while':
      while (await ctx.condition(st.condition)) {
        ctx.checkCancelled();
        const flow = await runStatements([st.body], ctx);
        if (flow.kind === 'break') break;
        if (flow.kind === 'return') return flow;
      }
      return NEXT;
    case 'block':
      return runStatements(st.statements, ctx);
    case 'tryCatch':
      return runTryCatch(st, ctx);
    case 'break':
      return { kind: 'break' };
    case 'continue':
      return { kind: 'continue' };
    case 'return': {
      const value = st.value ? (await ctx.evaluate(st.value, { name: 'int' })).value : 0;
      return { kind: 'return', value };
    }
    case 'waitFor': {
      const { value } = await ctx.evaluate(st.delay, NVARCHAR_MAX);
      const ms = parseDelay(value === null ? '' : String(value));
      if (ms === null) return fail(148, 15, 1, "Incorrect time syntax in time string '" + String(value) + "' used with WAITFOR.", st.delay);
      await ctx.session.instance.ports.clock.sleep(ms, ctx.session.signal);
      ctx.checkCancelled();
      return NEXT;
    }
    case 'throw':
      return runThrow(st, ctx);
    case 'raiserror':
      return runRaiserror(st, ctx);
    case 'transaction':
      return runTransaction(st, ctx);
    case 'setOption':
      return runSetOption(st, ctx);
  }
}

async function runTryCatch(st: Extract<Statement, { kind: 'tryCatch' }>, ctx: StatementContext): Promise<Flow> {
  let caught: ExecStop;
  ctx.session.tryDepth++;
  try {
    return await runStatements(st.try, ctx);
  } catch (e) {
    if (!(e instanceof ExecStop)) throw e;
    caught = e;
  } finally {
    ctx.session.tryDepth--;
  }
  const place = caught.place ?? ctx.frame.place(caught.error.start);
  ctx.session.caught.push({
    number: caught.error.number,
    severity: caught.error.level,
    state: caught.error.state,
    message: caught.error.text,
    line: place.procedureLine ?? ctx.frame.ownLine(caught.error.start),
    procedure: place.procedure ?? null,
  });
  try {
    return await runStatements(st.catch, ctx);
  } finally {
    ctx.session.caught.pop();
  }
}

async function runThrow(st: Extract<Statement, { kind: 'throw' }>, ctx: StatementContext): Promise<Flow> {
  if (!st.error) {
    const current = ctx.session.caught[ctx.session.caught.length - 1];
    if (!current) {
      const text = 'To rethrow an error, a THROW statement must be used inside a CATCH block. Insert the THROW statement inside a CATCH block, or add error parameters to the THROW statement.';
      return fail(10704, 15, 1, text, st, 'batch');
    }
    return fail(current.number, current.severity, current.state, current.message, st, 'batch');
  }
  const number = Number((await ctx.evaluate(st.error.number, { name: 'int' })).value);
  const message = String((await ctx.evaluate(st.error.message, NVARCHAR_MAX)).value ?? '');
  const state = Number((await ctx.evaluate(st.error.state, { name: 'tinyint' })).value);
  if (number < 50000) return fail(35100, 16, 10, 'Error number ' + number + ' in the THROW statement is outside the valid range. Specify an error number in the valid range of 50000 to 2147483647.', st, 'batch');
  return fail(number, 16, state, message, st, 'batch');
}

async function runRaiserror(st: Extract<Statement, { kind: 'raiserror' }>, ctx: StatementContext): Promise<Flow> {
  if (st.message.kind === 'number' || st.message.kind === 'unary') return notSupportedHere('RAISERROR with a message number', st.message);
  const format = String((await ctx.evaluate(st.message, NVARCHAR_MAX)).value ?? '');
  const severity = Number((await ctx.evaluate(st.severity, { name: 'int' })).value);
  const state = Number((await ctx.evaluate(st.state, { name: 'int' })).value);
  const args = [];
  for (const arg of st.args) args.push((await ctx.evaluate(arg)).value);
  const text = formatRaiserror(format, args);
  if (severity <= 10) {
    ctx.message('info', 50000, severity, state, text, st);
    return NEXT;
  }
  return fail(50000, Math.min(severity, 18), state, text, st);
}

async function runTransaction(st: Extract<Statement, { kind: 'transaction' }>, ctx: StatementContext): Promise<Flow> {
  const session = ctx.session;
  switch (st.action) {
    case 'begin':
      await session.beginTransaction();
      return NEXT;
    case 'commit':
      if (session.transactionCount === 0) return fail(3902, 16, 1, 'The COMMIT TRANSACTION request has no corresponding BEGIN TRANSACTION.', st);
      await session.commitTransaction(st);
      return NEXT;
    case 'rollback':
      if (session.transactionCount === 0) return fail(3903, 16, 1, 'The ROLLBACK TRANSACTION request has no corresponding BEGIN TRANSACTION.', st);
      await session.rollbackTransaction();
      return NEXT;
    case 'save':
      // The storage has no savepoints: a partial rollback could not be honoured.
      return notSupportedHere('SAVE TRANSACTION', st);
  }
}

/** NOCOUNT, XACT_ABORT and IDENTITY_INSERT change what happens; the other options are accepted and kept as SQL Server's defaults. */
async function runSetOption(st: Extract<Statement, { kind: 'setOption' }>, ctx: StatementContext): Promise<Flow> {
  const on = st.value.toUpperCase() === 'ON';
  if (st.options.includes('NOCOUNT')) ctx.session.nocount = on;
  if (st.options.includes('XACT_ABORT')) ctx.session.xactAbort = on;
  if (st.options.includes('IDENTITY_INSERT') && st.table) {
    const name = { database: st.table.database?.name ?? null, schema: st.table.schema?.name ?? null, name: st.table.name.name };
    const table = resolveUserTable(ctx.session, name);
    if (!table) return fail(208, 16, 1, `Invalid object name '${st.table.name.name}'.`, st.table, 'batch');
    if (on) ctx.session.identityInsert.add(identityKey(table.location));
    else ctx.session.identityInsert.delete(identityKey(table.location));
  }
  return NEXT;
}
