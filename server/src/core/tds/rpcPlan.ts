// What an RPC call becomes. Drivers prepare statements with sp_prepare / sp_prepexec (a handle the
// connection keeps), run them with sp_execute and drop them with sp_unprepare; the instance has
// no plan cache, so a prepared statement is its text and parameter declarations, run as
// sp_executesql. Any other procedure (sp_executesql included) is called as it is. Cursors and
// other special procedures are refused with a clear message.
import type { SqlValue } from '../engine/executor/ports';
import type { SqlType } from '../engine/translate/types';
import type { RpcCall, RpcParameter } from './requests';
import { NOT_SUPPORTED } from '../engine/parser/errors';

export interface ReturnValue {
  /** The parameter's position in the client's call. */
  ordinal: number;
  name: string;
  type: SqlType;
  value: SqlValue;
}

export type RpcPlan =
  /** Run `procedure`; parameter k's value after the call goes back when `ordinals[k]` is not null. */
  | { kind: 'call'; procedure: string; parameters: RpcParameter[]; ordinals: (number | null)[]; before: ReturnValue[] }
  /** Answered without running anything (sp_prepare, sp_unprepare). */
  | { kind: 'answer'; returnValues: ReturnValue[] }
  | { kind: 'refuse'; number: number; text: string };

interface Prepared {
  params: string | null;
  statement: string;
}

const INT: SqlType = { name: 'int' };
const NVARCHAR_MAX: SqlType = { name: 'nvarchar', length: 'max' };

/** A connection's prepared statements, by handle (SQL Server's handles are ints from 1). */
export class PreparedStatements {
  private readonly byHandle = new Map<number, Prepared>();
  private next = 1;
  /** A connection holds at most this many: a leaking client is told, not allowed to grow without end. */
  static readonly LIMIT = 10_000;

  plan(call: RpcCall): RpcPlan {
    const name = call.procedure.toLowerCase().replace(/^(\[?sys\]?|\[?dbo\]?)\./, '');
    const p = call.parameters;
    switch (name) {
      case 'sp_prepare': {
        // @handle int OUTPUT, @params nvarchar, @stmt nvarchar [, @options int]
        const prepared = this.prepare(p[1]?.value, p[2]?.value);
        if (typeof prepared !== 'number') return prepared;
        return { kind: 'answer', returnValues: [{ ordinal: 0, name: p[0]?.name ?? '', type: INT, value: prepared }] };
      }
      case 'sp_prepexec': {
        // @handle int OUTPUT, @params nvarchar, @stmt nvarchar, values...
        const prepared = this.prepare(p[1]?.value, p[2]?.value);
        if (typeof prepared !== 'number') return prepared;
        const handle: ReturnValue = { ordinal: 0, name: p[0]?.name ?? '', type: INT, value: prepared };
        return this.execute(this.byHandle.get(prepared)!, p.slice(3), 3, [handle]);
      }
      case 'sp_execute': {
        const statement = this.byHandle.get(Number(p[0]?.value));
        if (!statement) return { kind: 'refuse', number: 8179, text: `Could not find prepared statement with handle ${String(p[0]?.value ?? 'NULL')}.` };
        return this.execute(statement, p.slice(1), 1, []);
      }
      case 'sp_unprepare':
        this.byHandle.delete(Number(p[0]?.value));
        return { kind: 'answer', returnValues: [] };
      case 'sp_prepexecrpc':
      case 'sp_cursor':
      case 'sp_cursoropen':
      case 'sp_cursorprepare':
      case 'sp_cursorexecute':
      case 'sp_cursorprepexec':
      case 'sp_cursorunprepare':
      case 'sp_cursorfetch':
      case 'sp_cursoroption':
      case 'sp_cursorclose':
        return { kind: 'refuse', number: NOT_SUPPORTED, text: `${name} is not supported by this instance: server cursors are not (use a default result set: no cursor options in the driver).` };
      default:
        return { kind: 'call', procedure: call.procedure, parameters: p, ordinals: p.map((q, k) => (q.output ? k : null)), before: [] };
    }
  }

  private prepare(params: SqlValue | undefined, statement: SqlValue | undefined): number | RpcPlan {
    if (typeof statement !== 'string') return { kind: 'refuse', number: 201, text: "Procedure or function 'sp_prepare' expects parameter '@stmt', which was not supplied." };
    if (this.byHandle.size >= PreparedStatements.LIMIT) {
      return { kind: 'refuse', number: 8179, text: `This connection holds ${PreparedStatements.LIMIT} prepared statements: unprepare some before preparing more.` };
    }
    const handle = this.next++;
    this.byHandle.set(handle, { params: typeof params === 'string' && params.trim() !== '' ? params : null, statement });
    return handle;
  }

  /** A prepared statement run as sp_executesql @stmt, @params, values... */
  private execute(prepared: Prepared, values: RpcParameter[], firstOrdinal: number, before: ReturnValue[]): RpcPlan {
    const parameters: RpcParameter[] = [
      { name: '', output: false, type: NVARCHAR_MAX, value: prepared.statement },
      { name: '', output: false, type: NVARCHAR_MAX, value: prepared.params },
      ...values,
    ];
    const ordinals = [null, null, ...values.map((v, k) => (v.output ? firstOrdinal + k : null))];
    return { kind: 'call', procedure: 'sp_executesql', parameters, ordinals, before };
  }
}
