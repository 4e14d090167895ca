// One executor session's DuckDB connection: translated SQL with bound parameters, results computed
// by DuckDB and read a chunk at a time up to the row limit (a streamed client's batches are never
// gathered whole in JavaScript), transactions,
// and the session's functions registered as DuckDB functions (in the session's function slot)
// that call back into the executor.
import {
  ANY,
  BIGINT,
  BOOLEAN,
  DOUBLE,
  DuckDBScalarFunction,
  DuckDBTableFunction,
  INTEGER,
  VARCHAR,
  type DuckDBConnection,
  type DuckDBResult,
  type DuckDBType,
  type DuckDBVector,
} from '@duckdb/node-api';
import type { ScalarFunctionSpec, SqlValue, StorageSession, StoredChunks, StoredColumns, StoredRows, TableFunctionSpec } from '../../core/engine/executor/ports';
import { withColumnarRows, type Columnar } from '../../core/launcher/columnValues';
import { duckdbType, type SqlType } from '../../core/engine/translate';
import { CHUNK_ROWS, fromDuckdb, toDuckdb } from './duckdbValues';
import { ChunkColumns } from './vectorColumns';
import type { FunctionSlot, Holder } from './functionSlots';
import { stageColumns, stageRows } from './stagedRows';
import { StatementCache, type DataVersion } from './statementCache';

/** The DuckDB type a function returns; the executor's functions return names, ids and bits. */
function functionType(type: SqlType): DuckDBType {
  switch (duckdbType(type)) {
    case 'INTEGER':
    case 'SMALLINT':
    case 'UTINYINT':
      return INTEGER;
    case 'BIGINT':
      return BIGINT;
    case 'BOOLEAN':
      return BOOLEAN;
    case 'DOUBLE':
      return DOUBLE;
    default:
      return VARCHAR;
  }
}

/** The value as the function's return type wants it (T-SQL functions return bits as int 0/1). */
function functionValue(value: SqlValue, type: DuckDBType): SqlValue {
  if (value === null) return null;
  if (type === VARCHAR) return String(value);
  if (type === INTEGER || type === DOUBLE) return Number(value);
  if (type === BIGINT) return BigInt(value as number);
  return value;
}

/** A vector of arguments; DuckDB gives an argument written as NULL no vector type at all. */
function readableVector(read: () => DuckDBVector): DuckDBVector | null {
  try {
    return read();
  } catch {
    return null;
  }
}

/** Rows handed to a streaming client at a time: a few of DuckDB's chunks, so encoding works in large slices. */
const STREAMED_ROWS = 8 * CHUNK_ROWS;

const typeIdsOf = (result: DuckDBResult) => result.columnTypes().map((type) => type.typeId);

/**
 * A result's rows a DuckDB chunk at a time, gathered into batches of columns of at least
 * `batchRows` rows (the last one shorter; none when there are no rows), up to `limit` rows:
 * `state.truncated` once rows were left beyond it. A batch goes before the next is read.
 */
async function* columnBatches(result: DuckDBResult, limit: number, batchRows: number, state: { truncated: boolean }): AsyncGenerator<StoredColumns> {
  const typeIds = typeIdsOf(result);
  let gathered = new ChunkColumns(typeIds);
  let rowCount = 0;
  // The next chunk is asked for before this one is read: DuckDB copies it out on its thread while
  // this one is copied on ours. One fetch at a time: a result is not fetched from two threads at
  // once. A failed fetch is marked handled at once (it may fail while a batch is with the
  // consumer) and still throws where it is awaited.
  const fetchNext = () => {
    const fetched = result.fetchChunk();
    fetched.catch(() => undefined);
    return fetched;
  };
  let next: ReturnType<typeof fetchNext> | undefined = fetchNext();
  try {
    for (;;) {
      const chunk = await next;
      next = undefined;
      if (!chunk || chunk.rowCount === 0) break;
      if (rowCount >= limit) {
        state.truncated = true;
        break;
      }
      const count = Math.min(chunk.rowCount, limit - rowCount);
      if (count === chunk.rowCount) next = fetchNext();
      gathered.append(chunk, count);
      rowCount += count;
      if (count < chunk.rowCount) {
        state.truncated = true;
        break;
      }
      if (gathered.rowCount >= batchRows) {
        yield gathered.finish();
        gathered = new ChunkColumns(typeIds);
      }
    }
    if (gathered.rowCount > 0) yield gathered.finish();
  } finally {
    // A fetch still under way when reading stops (a limit, a consumer that left) ends unread.
    await next?.catch(() => undefined);
  }
}

export class DuckdbSession implements StorageSession {
  private readonly statements: StatementCache;

  constructor(
    private readonly connection: DuckDBConnection,
    private readonly slot: FunctionSlot,
    private readonly onClose: () => void,
    data: DataVersion,
  ) {
    this.statements = new StatementCache(connection, data);
  }

  /**
   * The rows, read column by column (numbers, bits and text in bulk from the vectors, see
   * vectorColumns.ts); row arrays are made only when something asks for `rows`. A client's result
   * set and INSERT ... SELECT's staging read the columns.
   */
  async query(sql: string, parameters: readonly SqlValue[], maxRows?: number): Promise<StoredRows> {
    const { values, rowCount, truncated } = await this.readColumns(sql, parameters, maxRows ?? Infinity);
    return withColumnarRows({ truncated }, { values, rowCount });
  }

  async queryColumns(sql: string, parameters: readonly SqlValue[]): Promise<StoredColumns> {
    const { values, rowCount } = await this.readColumns(sql, parameters, Infinity);
    return { values, rowCount };
  }

  async queryChunks(sql: string, parameters: readonly SqlValue[], maxRows = Infinity): Promise<StoredChunks> {
    const result = await this.resultOf(sql, parameters);
    const state = { truncated: false };
    return { [Symbol.asyncIterator]: () => columnBatches(result, maxRows, STREAMED_ROWS, state), get truncated() { return state.truncated; } };
  }

  /** All the rows up to `limit`, in one batch of columns. */
  private async readColumns(sql: string, parameters: readonly SqlValue[], limit: number): Promise<StoredColumns & { truncated: boolean }> {
    const result = await this.resultOf(sql, parameters);
    const state = { truncated: false };
    let whole: StoredColumns | undefined;
    for await (const batch of columnBatches(result, limit, Infinity, state)) whole = batch;
    return { ...(whole ?? new ChunkColumns(typeIdsOf(result)).finish()), truncated: state.truncated };
  }

  async run(sql: string, parameters: readonly SqlValue[] = []): Promise<number> {
    const result = await this.statements.use(sql, parameters.map(toDuckdb), (prepared) => prepared.run());
    return result.rowsChanged;
  }

  /**
   * The result of a query, computed whole before its first chunk is read. A streamed DuckDB result
   * that fails part way (a divide by zero in row 900,000 of a scan) ends as if it were exhausted:
   * its fetch gives an empty chunk and the bindings expose no error, so a cut result passed for a
   * whole one, and a script ran on part of its input. Computed whole, the error rejects here. It
   * costs a million-row read about 30 ms (DuckDB computes it on all its threads first) and DuckDB
   * holds the result while it is read, as it would have for the buffered part of a stream.
   */
  private resultOf(sql: string, parameters: readonly SqlValue[]): Promise<DuckDBResult> {
    return this.statements.use(sql, parameters.map(toDuckdb), (prepared) => prepared.run());
  }

  stageRows(table: string, width: number, rows: readonly (readonly SqlValue[])[]): Promise<void> {
    return stageRows(this.connection, table, width, rows);
  }

  stageColumns(table: string, columnar: Columnar): Promise<void> {
    return stageColumns(this.connection, table, columnar);
  }

  async transaction(action: 'begin' | 'commit' | 'rollback'): Promise<void> {
    await this.connection.run(action === 'begin' ? 'BEGIN TRANSACTION' : action === 'commit' ? 'COMMIT' : 'ROLLBACK');
  }

  registerScalarFunction(spec: ScalarFunctionSpec): string {
    const name = this.slot.name(spec.name);
    const known = this.slot.scalars.get(spec.name);
    if (known) {
      known.current = spec;
      return name;
    }
    const holder: Holder<ScalarFunctionSpec> = { current: spec };
    this.slot.scalars.set(spec.name, holder);
    const returnType = functionType(spec.returns);
    const fn = DuckDBScalarFunction.create({
      name,
      returnType,
      varArgsType: ANY,
      specialHandling: true,
      volatile: true,
      mainFunction: (info, input, output) => {
        const vectors = Array.from({ length: input.columnCount }, (_, c) => readableVector(() => input.getColumnVector(c)));
        try {
          const current = holder.current;
          if (!current) throw new Error(`${spec.name} was called outside its session.`);
          for (let row = 0; row < input.rowCount; row++) {
            const args = vectors.map((v) => (v ? fromDuckdb(v.getItem(row)) : null));
            output.setItem(row, toDuckdb(functionValue(current.evaluate(args), returnType)));
          }
          output.flush();
        } catch (e) {
          info.setError((e as Error).message);
        }
      },
    });
    this.connection.registerScalarFunction(fn);
    return name;
  }

  registerTableFunction(spec: TableFunctionSpec): string {
    const name = this.slot.name(spec.name);
    const known = this.slot.tables.get(spec.name);
    if (known) {
      known.current = spec;
      return name;
    }
    const holder: Holder<TableFunctionSpec> = { current: spec };
    this.slot.tables.set(spec.name, holder);
    const fn = DuckDBTableFunction.create({
      name,
      parameterTypes: Array.from({ length: spec.parameters }, () => VARCHAR),
      bindFunction: (bind) => {
        for (const column of spec.columns) bind.addResultColumn(column.name, functionType(column.type));
        const current = holder.current;
        if (!current) return bind.setError(`${spec.name} was called outside its session.`);
        const args = Array.from({ length: bind.getParameterCount() }, (_, k) => fromDuckdb(bind.getParameter(k)));
        bind.setBindData({ rows: current.rows(args), next: 0 });
      },
      initFunction: () => undefined,
      mainFunction: (info, output) => {
        // One chunk per call, at most a vector's worth of rows; an empty chunk ends the scan.
        const data = info.getBindData() as { rows: SqlValue[][]; next: number };
        const rows = data.rows.slice(data.next, data.next + CHUNK_ROWS);
        data.next += rows.length;
        output.rowCount = rows.length;
        spec.columns.forEach((column, c) => {
          const vector = output.getColumnVector(c);
          const type = functionType(column.type);
          rows.forEach((row, r) => vector.setItem(r, toDuckdb(functionValue(row[c] ?? null, type))));
          vector.flush();
        });
      },
    });
    this.connection.registerTableFunction(fn);
    return name;
  }

  interrupt(): void {
    this.connection.interrupt();
  }

  async close(): Promise<void> {
    this.statements.clear();
    this.connection.closeSync();
    this.onClose();
  }
}
