// A stored procedure called the way TDS drivers call one (an RPC): by name, with typed parameter
// values rather than text, OUTPUT values and the return status handed back to the caller. It
// runs as `EXEC @status = name @a = @p0, @b = @p1 OUTPUT` over variables holding the values
// exactly as sent, so binding, permissions and OUTPUT semantics are EXEC's own.
import { parseBatch } from '../parser';
import type { SqlType } from '../translate/types';
import { StatementContext } from './context';
import { Cancelled, ExecStop } from './errors';
import { Frame } from './frame';
import type { SqlValue } from './ports';
import type { ExecMessage, ExecResultSet } from './results';
import { report, runStatements } from './runner';
import { asRun, cancelledMessage, internalError, type RunOptions } from './script';
import type { ExecutorSession } from './session';
import { dropFrameTables } from './statements/procedureCall';

export interface RequestParameter {
  /** With '@'; '' for a parameter passed by position. */
  name: string;
  type: SqlType;
  value: SqlValue;
  output: boolean;
}

export interface ProcedureRequest {
  /** As the client wrote it: 'sp_executesql', 'dbo.MyProc', '[db].[dbo].[My Proc]'. */
  procedure: string;
  parameters: RequestParameter[];
}

export interface ProcedureRequestResult {
  /** The procedure's RETURN value; null when the call did not run (it failed before). */
  returnStatus: number | null;
  /** Each parameter's value after the call (OUTPUT ones changed), in the request's order. */
  outputs: SqlValue[];
}

const STATUS = '@__rpc_status';
const parameterVariable = (k: number) => `@__rpc_p${k}`;

/** A procedure name's parts, each bracket-quoted (a name arrives as text, never as SQL to run). */
export function quotedProcedureName(name: string): string | null {
  const parts: string[] = [];
  let rest = name.trim();
  while (rest.length > 0) {
    let part: string;
    if (rest.startsWith('[')) {
      const end = rest.indexOf(']');
      if (end < 0) return null;
      part = rest.slice(1, end);
      rest = rest.slice(end + 1);
    } else if (rest.startsWith('"')) {
      const end = rest.indexOf('"', 1);
      if (end < 0) return null;
      part = rest.slice(1, end);
      rest = rest.slice(end + 1);
    } else {
      const dot = rest.indexOf('.');
      part = dot < 0 ? rest : rest.slice(0, dot);
      rest = dot < 0 ? '' : rest.slice(dot);
    }
    // An empty part stays empty: `[db]..sp_tables` (how ODBC drivers name a catalog) means the default schema.
    parts.push(part === '' ? '' : `[${part.replace(/]/g, ']]')}]`);
    if (rest.startsWith('.')) rest = rest.slice(1);
    else if (rest.length > 0) return null;
  }
  return parts.length >= 1 && parts.length <= 4 ? parts.join('.') : null;
}

export function runProcedureRequest(session: ExecutorSession, request: ProcedureRequest, options: RunOptions): Promise<ProcedureRequestResult> {
  return asRun(session, options.signal, async () => {
    const outputs = request.parameters.map((p) => p.value);
    const send = (message: ExecMessage) => options.onMessage(message);
    const name = quotedProcedureName(request.procedure);
    if (name === null) {
      send({ kind: 'error', number: 2812, severity: 16, state: 62, text: `Could not find stored procedure '${request.procedure}'.`, line: 0 });
      return { returnStatus: null, outputs };
    }
    const args = request.parameters.map((p, k) => `${p.name ? `${p.name} = ` : ''}${parameterVariable(k)}${p.output ? ' OUTPUT' : ''}`);
    const text = `EXEC ${STATUS} = ${name}${args.length > 0 ? ` ${args.join(', ')}` : ''}`;
    const parsed = parseBatch(text);
    const first = parsed.errors[0];
    if (first) {
      send({ kind: 'error', number: first.number, severity: first.level, state: first.state, text: first.message, line: 0 });
      return { returnStatus: null, outputs };
    }
    const frame = Frame.script(text, { start: 0, end: text.length, startLine: 0 });
    frame.variables.set(STATUS, { name: STATUS, type: { name: 'int' }, value: 0 });
    request.parameters.forEach((p, k) => frame.variables.set(parameterVariable(k), { name: parameterVariable(k), type: p.type, value: p.value }));
    const sink = {
      resultSet: (r: ExecResultSet) => options.onResultSet?.(r),
      ...(options.onResultSetStream ? { resultSetStream: options.onResultSetStream } : {}),
      message: send,
      databaseChanged: (database: string) => options.onDatabaseChanged?.(database),
    };
    const ctx = new StatementContext(session, frame, sink);
    let completed = false;
    try {
      await runStatements(parsed.statements, ctx);
      completed = true;
    } catch (e) {
      if (e instanceof Cancelled) send(cancelledMessage(0));
      else if (e instanceof ExecStop) report(ctx, e);
      else send(internalError(e, 0));
    } finally {
      await dropFrameTables(ctx);
    }
    const status = frame.variable(STATUS)?.value;
    return {
      returnStatus: completed ? Number(status ?? 0) : null,
      outputs: request.parameters.map((_, k) => frame.variable(parameterVariable(k))?.value ?? null),
    };
  });
}
