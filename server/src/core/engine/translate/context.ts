// State of one translation: the ports, the variables bound as DuckDB parameters, the CTEs in
// scope, and what the clause being translated allows (aggregates, windows, GROUP BY keys).
import type { Span } from '../ast';
import type { ColumnInfo, Ports } from './ports';
import type { SqlType } from './types';
import { duckdbType } from './types';
import { stop, TranslateStop } from './errors';

/** A translated expression: DuckDB SQL and the T-SQL type SQL Server would give it. */
export interface Typed {
  sql: string;
  type: SqlType;
  /** The NULL constant: it takes the type of whatever it meets. */
  nullLiteral?: boolean;
  /** A string constant's value: its conversions can be decided now, not in DuckDB. */
  literal?: string;
  /** A column used outside any aggregate and not a GROUP BY key: wrong in a grouped query. */
  loose?: { text: string; span: Span } | null;
  /** Contains an aggregate function (outside subqueries). */
  aggregate?: boolean;
}

export type Clause = 'select' | 'where' | 'on' | 'groupBy' | 'having' | 'orderBy' | 'other';

export interface CteInfo {
  name: string;
  columns: ColumnInfo[];
  /** Set while the CTE's own query is translated: a reference then would be recursion. */
  defining: boolean;
}

/** A recursive member being translated: how deep it may go, and where it reads the CTE itself. */
export interface Recursion {
  cte: CteInfo;
  /** OPTION (MAXRECURSION n); 0: no limit. */
  max: number;
  /** The alias, as SQL, of the member's one reference to the CTE, once met. */
  reference: string | null;
  /** The SELECT that reads the reference has been given the level column. */
  placed: boolean;
}

export class Context {
  /** Variables in the order of their $n placeholders: $1 is parameters[0]. */
  readonly parameters: string[] = [];
  private readonly parameterIndex = new Map<string, number>();
  /** CTEs visible now, innermost WITH last. */
  readonly ctes: Map<string, CteInfo>[] = [];
  /** The translated GROUP BY keys of the SELECT being translated, when it groups. */
  groupKeys: Set<string> | null = null;
  /** > 0 inside an aggregate's arguments. */
  aggregateDepth = 0;
  clause: Clause = 'other';
  /**
   * Inside a user function's body: its parameters (and local variables), each the caller's
   * argument already translated and converted to the parameter's type. Null outside functions.
   */
  bindings: Map<string, Typed> | null = null;
  /** How many views and functions the expression being translated is nested in (SQL Server's limit is 32). */
  moduleDepth = 0;
  /** The recursive member being translated, if any. */
  recursion: Recursion | null = null;

  constructor(public ports: Ports) {}

  /**
   * Runs `inner` inside a view's or function's definition: its own ports (names resolve in its
   * database and schema), no CTEs or variables of the caller, `bindings` for a function's parameters.
   */
  inModule<T>(ports: Ports, bindings: Map<string, Typed> | null, at: Span, inner: () => T): T {
    if (this.moduleDepth >= 32) {
      stop(217, 16, 1, 'Maximum stored procedure, function, trigger, or view nesting level exceeded (limit 32).', at);
    }
    const saved = { ports: this.ports, bindings: this.bindings, ctes: this.ctes.splice(0) };
    this.ports = ports;
    this.bindings = bindings;
    this.moduleDepth++;
    try {
      return this.within('other', inner, true);
    } catch (e) {
      // Offsets inside the definition mean nothing in the caller's text: the error is placed at the use.
      if (e instanceof TranslateStop) throw new TranslateStop({ ...e.error, start: at.start, end: at.end });
      throw e;
    } finally {
      this.moduleDepth--;
      this.ports = saved.ports;
      this.bindings = saved.bindings;
      this.ctes.splice(0, this.ctes.length, ...saved.ctes);
    }
  }

  /**
   * A variable's value as a DuckDB prepared-statement parameter, cast to its declared type. Values
   * are never spliced into the SQL text; the executor binds them.
   */
  parameter(name: string, type: SqlType): string {
    const key = name.toLowerCase();
    let index = this.parameterIndex.get(key);
    if (index === undefined) {
      this.parameters.push(name);
      index = this.parameters.length;
      this.parameterIndex.set(key, index);
    }
    return `CAST($${index} AS ${duckdbType(type)})`;
  }

  findCte(name: string): CteInfo | null {
    const key = name.toLowerCase();
    for (let i = this.ctes.length - 1; i >= 0; i--) {
      const cte = this.ctes[i]!.get(key);
      if (cte) return cte;
    }
    return null;
  }

  /** Runs `inner` in another clause (and, for subqueries, outside the current grouping). */
  within<T>(clause: Clause, inner: () => T, subquery = false): T {
    const saved = { clause: this.clause, groupKeys: this.groupKeys, aggregateDepth: this.aggregateDepth };
    this.clause = clause;
    if (subquery) {
      this.groupKeys = null;
      this.aggregateDepth = 0;
    }
    try {
      return inner();
    } finally {
      this.clause = saved.clause;
      this.groupKeys = saved.groupKeys;
      this.aggregateDepth = saved.aggregateDepth;
    }
  }
}
