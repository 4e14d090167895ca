// A session's prepared statements, kept by their SQL text as SQL Server keeps plans. The translator
// writes a statement's values as parameters, so the same text comes back whenever a statement runs
// again: a loop's body, a driver's repeated query, a pool's `SELECT 1`. A kept statement skips
// DuckDB's parse, bind and plan (about 0.25 ms for the smallest query here) and two hops to
// DuckDB's threads. DuckDB re-binds a kept statement itself when the catalog changed since it was
// prepared (a table dropped and made again with other columns). It does not re-plan when only the
// data changed, yet its plan rests on the statistics of the data it was planned on: a sort that
// packed a column of values up to 6 into one byte returned 1000 as 232 once an UPDATE had grown
// them, and a GROUP BY planned as a perfect hash failed. So a statement that reads a table is kept
// only until the instance's data is next written, by any session (`DataVersion`): a text run again
// after a write is planned again. One that reads none (a loop's condition, a SET, an INSERT of
// VALUES) is kept regardless: a WHILE loop of 2,000 INSERTs took 4.9-5.3 s with every statement
// planned again, 3.1-3.4 s so, and 2.9-3.3 s keeping all (stale) as before. Nor does DuckDB
// re-bind when only the default database changed, and it need not: the translator names every
// table in full (database.schema.table, temp.main for a temporary one) and never moves DuckDB's
// default, so one text always means the same tables.
import { StatementType, type DuckDBConnection, type DuckDBPreparedStatement, type DuckDBValue } from '@duckdb/node-api';

/** Statements kept per session; the least recently used one goes first. */
const KEPT_STATEMENTS = 128;
/** Longer texts (generated INSERTs of many rows) are seldom run twice: they are not kept. */
const MAX_KEPT_TEXT = 16 * 1024;
/**
 * What may be kept: queries and DML run again as prepared. A prepared CREATE gives its definition
 * away when it runs (run again, it makes a table of no columns), so definitions, drops and the
 * rest run fresh each time; their texts seldom come back anyway.
 */
const KEPT_TYPES: ReadonlySet<StatementType> = new Set([StatementType.SELECT, StatementType.INSERT, StatementType.UPDATE, StatementType.DELETE]);
/** DuckDB's refusal to prepare text of several statements (they are run one by one instead). */
const SEVERAL_STATEMENTS = /Cannot prepare multiple statements at once/;

/** Counts the writes to an instance's data, by all its sessions: a plan made before the last one may rest on statistics that no longer hold. */
export class DataVersion {
  value = 0;
}

interface Kept {
  prepared: DuckDBPreparedStatement;
  /** The data version it was planned on. */
  version: number;
  /** Reads no table, so no write can make its plan stale: a loop's condition, a SET, an INSERT of VALUES. */
  readsNoTable: boolean;
}

/**
 * Whether a statement reads no table. The translator names a table only after FROM (a query) or as
 * the target of a write, so a query without the word FROM and an INSERT without FROM or SELECT
 * read none. Any other text counts as reading one, which costs only a new plan.
 */
function readsNoTable(sql: string, type: StatementType): boolean {
  if (type === StatementType.SELECT) return !/\bfrom\b/i.test(sql);
  return type === StatementType.INSERT && !/\b(from|select)\b/i.test(sql);
}

export class StatementCache {
  private readonly kept = new Map<string, Kept>();

  constructor(
    private readonly connection: DuckDBConnection,
    /** Shared by every session of the instance. */
    private readonly data = new DataVersion(),
    private readonly capacity = KEPT_STATEMENTS,
  ) {}

  /** How many statements are kept (for tests). */
  get size(): number {
    return this.kept.size;
  }

  /**
   * Runs `sql` (its last statement through `execute`, with `values` bound): a kept statement when
   * there is one; else the text is prepared (one hop to DuckDB's threads), and kept when it is a
   * query or DML of no great length.
   */
  async use<T>(sql: string, values: readonly DuckDBValue[], execute: (prepared: DuckDBPreparedStatement) => Promise<T>): Promise<T> {
    const kept = this.kept.get(sql);
    if (kept) {
      this.kept.delete(sql);
      if (kept.readsNoTable || kept.version === this.data.value) {
        // Map order is the recency order: back in at the end.
        this.kept.set(sql, kept);
        return this.run(kept.prepared, values, execute);
      }
      kept.prepared.destroySync();
    }
    const version = this.data.value;
    let prepared: DuckDBPreparedStatement;
    try {
      prepared = await this.connection.prepare(sql);
    } catch (e) {
      if (!SEVERAL_STATEMENTS.test((e as Error).message)) throw e;
      return this.useSeveral(sql, values, execute);
    }
    if (sql.length > MAX_KEPT_TEXT || !KEPT_TYPES.has(prepared.statementType)) {
      try {
        return await this.run(prepared, values, execute);
      } finally {
        prepared.destroySync();
      }
    }
    this.keep(sql, { prepared, version, readsNoTable: readsNoTable(sql, prepared.statementType) });
    return this.run(prepared, values, execute);
  }

  /** Destroys every kept statement (the connection is closing). */
  clear(): void {
    for (const { prepared } of this.kept.values()) prepared.destroySync();
    this.kept.clear();
  }

  /** Executes; anything but a query counts as a write (failed or not: part of it may have happened). */
  private async run<T>(prepared: DuckDBPreparedStatement, values: readonly DuckDBValue[], execute: (prepared: DuckDBPreparedStatement) => Promise<T>): Promise<T> {
    try {
      return await bound(prepared, values, execute);
    } finally {
      if (prepared.statementType !== StatementType.SELECT) this.data.value++;
    }
  }

  /** Text of several statements runs as DuckDB runs it: all but the last once, then the last. */
  private async useSeveral<T>(sql: string, values: readonly DuckDBValue[], execute: (prepared: DuckDBPreparedStatement) => Promise<T>): Promise<T> {
    const extracted = await this.connection.extractStatements(sql);
    for (let i = 0; i < extracted.count - 1; i++) {
      const earlier = await extracted.prepare(i);
      try {
        await this.run(earlier, [], (prepared) => prepared.run());
      } finally {
        earlier.destroySync();
      }
    }
    const last = await extracted.prepare(extracted.count - 1);
    try {
      return await this.run(last, values, execute);
    } finally {
      last.destroySync();
    }
  }

  private keep(sql: string, kept: Kept): void {
    this.kept.set(sql, kept);
    if (this.kept.size <= this.capacity) return;
    const [oldestText, oldest] = this.kept.entries().next().value!;
    this.kept.delete(oldestText);
    oldest.prepared.destroySync();
  }
}

/** Executes with `values` bound, then lets them go: a kept statement must not hold a large value. */
async function bound<T>(prepared: DuckDBPreparedStatement, values: readonly DuckDBValue[], execute: (prepared: DuckDBPreparedStatement) => Promise<T>): Promise<T> {
  if (values.length === 0) return execute(prepared);
  prepared.bind(values as DuckDBValue[]);
  try {
    return await execute(prepared);
  } finally {
    prepared.clearBindings();
  }
}
