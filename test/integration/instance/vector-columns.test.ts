// Number, boolean, date and text columns read in bulk from DuckDB's vectors (vectorColumns.ts) hold
// exactly what reading them value by value gives — extremes, NULLs in every chunk, a column of
// NULLs only, inline and long strings, a string with a NUL byte — and the exchange encodes such a
// column byte for byte as it encodes the same values one by one.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { columnLength, isBulkColumn, valueAt, type ColumnValues } from '../../../server/src/core/launcher/columnValues';
import type { SqlValue } from '../../../server/src/core/launcher/request';
import { parseSqlType } from '../../../server/src/core/launcher/sqlTypes';
import { fromDuckdb } from '../../../server/src/node/instance/duckdbValues';
import { bulkColumnReader } from '../../../server/src/node/instance/vectorColumns';
import { encodeColumns, type EncodedColumn } from '../../../server/src/node/launcher/exchange/encode';

let instance: DuckDBInstance;
let con: DuckDBConnection;

before(async () => {
  instance = await DuckDBInstance.create(':memory:');
  con = await instance.connect();
  // 5,000 rows: three chunks of up to 2,048, with NULLs in each and at the chunk edges.
  await con.run(`CREATE TABLE t AS SELECT
      CASE WHEN n % 7 = 0 THEN NULL ELSE n * 0.1 - 250 END::DOUBLE AS dbl,
      CASE WHEN n % 11 = 3 THEN NULL ELSE (n - 2500) / 3.0 END::FLOAT AS flt,
      CASE WHEN n = 0 THEN -2147483648 WHEN n = 1 THEN 2147483647 WHEN n IN (2047, 2048) THEN NULL ELSE n * 1000 - 2000000 END::INTEGER AS i,
      CASE WHEN n % 5 = 0 THEN NULL ELSE (n % 65536) - 32768 END::SMALLINT AS si,
      ((n % 256) - 128)::TINYINT AS ti,
      (n % 256)::UTINYINT AS uti,
      CASE WHEN n = 4 THEN 9223372036854775807 WHEN n = 5 THEN -9223372036854775808 WHEN n % 13 = 0 THEN NULL ELSE n * 123456789012 END::BIGINT AS bi,
      CASE WHEN n % 3 = 0 THEN NULL ELSE n % 2 = 0 END AS bit,
      NULL::INTEGER AS none,
      (n / 8.0)::DECIMAL(10, 3) AS dec,
      'v' || n AS txt,
      CASE WHEN n % 9 = 0 THEN NULL WHEN n % 9 = 1 THEN '' WHEN n % 2 = 0 THEN 'naïve ☃ ' || n ELSE repeat('long text ', n % 40) || n END AS words,
      CASE WHEN n = 3000 THEN 'nul' || chr(0) || 'inside' ELSE 'x' || n END AS withnul,
      CASE WHEN n % 17 = 0 THEN NULL WHEN n % 4 = 0 THEN 'a label longer than twelve bytes ' || (n % 3) ELSE 'cat ' || (n % 10) END AS few,
      CASE WHEN n < 2500 THEN 'early ' || (n % 3) ELSE 'late ' || n END AS turns,
      CASE WHEN n = 3000 THEN 'nul' || chr(0) ELSE 'y' || (n % 3) END AS fewwithnul,
      CASE WHEN n % 6 = 0 THEN NULL ELSE DATE '1753-01-01' + (n * 613)::INTEGER END AS day,
      CASE WHEN n % 8 = 0 THEN NULL
           WHEN n = 1 THEN TIMESTAMP '9999-12-31 23:59:59.997999'
           WHEN n = 2 THEN TIMESTAMP '0001-01-01 00:00:00.000999'
           WHEN n = 3 THEN TIMESTAMP '1969-12-31 23:59:59.999999'
           ELSE TIMESTAMP '1969-12-31 23:59:59.999501' + to_microseconds(n * 7919 - 20000000) END AS ts
    FROM range(5000) r(n)`);
});

after(() => {
  con.closeSync();
  instance.closeSync();
});

/** Reads the query both ways: bulk where a reader exists, and value by value for comparison. */
async function readBothWays(sql: string): Promise<{ bulk: ColumnValues[]; byValue: SqlValue[][]; rowCount: number }> {
  const bulkResult = await con.stream(sql);
  const readers = bulkResult.columnTypes().map((type) => bulkColumnReader(type.typeId));
  let rowCount = 0;
  for (;;) {
    const chunk = await bulkResult.fetchChunk();
    if (!chunk || chunk.rowCount === 0) break;
    readers.forEach((reader, c) => reader?.append(chunk, c));
    rowCount += chunk.rowCount;
  }
  const reader = await con.runAndReadAll(sql);
  const byValue = reader.getColumns().map((column) => column.map(fromDuckdb));
  return { bulk: readers.map((r, c) => r?.finish() ?? byValue[c]!), byValue, rowCount };
}

test('numbers, booleans, dates and text come out of the vectors in bulk with the values reading them one by one gives', async () => {
  const { bulk, byValue, rowCount } = await readBothWays('SELECT dbl, flt, i, si, ti, uti, bi, bit, none, dec, txt, words, withnul, day, ts FROM t ORDER BY rowid');
  assert.equal(rowCount, 5000);
  assert.deepEqual(
    bulk.map((c) => (isBulkColumn(c) ? c.kind : 'per value')),
    ['f8', 'f8', 'i4', 'i4', 'i4', 'i4', 'i8', 'b1', 'i4', 'per value', 'str', 'str', 'per value', 'dt', 'dt'],
    'DECIMAL keeps the per-value path, and so does text once a value holds a NUL byte',
  );
  for (let c = 0; c < bulk.length; c++) {
    assert.equal(columnLength(bulk[c]!), 5000);
    const got = Array.from({ length: 5000 }, (_, r) => valueAt(bulk[c]!, r));
    assert.deepEqual(got, byValue[c], `column ${c}`);
  }
  const nulls = (c: number) => byValue[c]!.filter((v) => v === null).length;
  assert.ok(nulls(0) > 700 && nulls(2) === 2 && nulls(8) === 5000, 'the columns have the NULLs the table was made with');
  assert.equal(valueAt(bulk[2]!, 0), -2147483648);
  assert.equal(valueAt(bulk[6]!, 4), 9223372036854775807n);
  // Timestamps are rounded down to whole milliseconds, as value by value, before 1970 too (where
  // cutting toward zero gave the later millisecond, and 1969's last microsecond read as 1970),
  // beyond 2^53 microseconds too.
  assert.equal((valueAt(bulk[14]!, 1) as Date).toISOString(), '9999-12-31T23:59:59.997Z');
  assert.equal((valueAt(bulk[14]!, 2) as Date).toISOString(), '0001-01-01T00:00:00.000Z');
  assert.equal((valueAt(bulk[14]!, 3) as Date).toISOString(), '1969-12-31T23:59:59.999Z');
  assert.ok(byValue[13]!.some((d) => d instanceof Date && d.getTime() < 0) && byValue[14]!.some((d) => d instanceof Date && d.getTime() % 1000 !== 0));
});

test('text whose values repeat is read coded, and turns plain once its distinct values pass half its rows', async () => {
  const { bulk, byValue } = await readBothWays('SELECT few, turns, txt, fewwithnul FROM t ORDER BY rowid');
  const layouts = bulk.map((c) => (isBulkColumn(c) && c.kind === 'str' ? c.layout : 'per value'));
  assert.deepEqual(layouts, ['coded', 'plain', 'plain', 'per value'], 'a NUL byte in a coded column takes it to the per-value path too');
  for (let c = 0; c < bulk.length; c++) assert.deepEqual(Array.from({ length: 5000 }, (_, r) => valueAt(bulk[c]!, r)), byValue[c], `column ${c}`);
  const few = bulk[0]!;
  assert.ok(isBulkColumn(few) && few.kind === 'str' && few.layout === 'coded');
  assert.equal(few.distinct.starts.length - 1, 13, 'ten short labels and three long ones');
  assert.ok(few.nulls && few.nulls.reduce((a, b) => a + b, 0) === 295);
});

test('long strings, read a run at a time where they lie one after another, hold what reading them one by one gives, however they lie', async () => {
  await con.run(`CREATE TABLE u AS SELECT n, 'a long string, number ' || n AS s FROM range(5000) r(n)`);
  await con.run(`CREATE TABLE v AS SELECT n, 'another long text ☃ ' || n AS s FROM range(5000) r(n)`);
  const queries = [
    'SELECT s FROM u ORDER BY n',
    'SELECT s FROM u ORDER BY n DESC',
    // Strings from two tables' storage, interleaved row by row.
    'SELECT CASE WHEN u.n % 2 = 0 THEN u.s ELSE v.s END AS s FROM u JOIN v ON u.n = v.n ORDER BY u.n',
    // Long, inline and NULL rows mixed, and the same long string on many rows.
    "SELECT CASE WHEN n % 3 = 0 THEN NULL WHEN n % 3 = 1 THEN 'short ' || (n % 10) ELSE s END AS s FROM u ORDER BY n",
    "SELECT CASE WHEN n % 5 = 0 THEN s ELSE 'one long value on many rows' END AS s FROM u ORDER BY n",
    "SELECT s || repeat('x', (n % 300)::INTEGER) AS s FROM u ORDER BY n",
  ];
  for (const sql of queries) {
    const { bulk, byValue, rowCount } = await readBothWays(sql);
    assert.equal(rowCount, 5000, sql);
    assert.ok(isBulkColumn(bulk[0]!), sql);
    assert.deepEqual(Array.from({ length: rowCount }, (_, r) => valueAt(bulk[0]!, r)), byValue[0], sql);
  }
});

test('the exchange encodes a bulk column byte for byte as the same values one by one, in order and reordered', async () => {
  const { bulk, byValue } = await readBothWays('SELECT dbl, flt, i, si, ti, bi, bit, none, txt, words, day, ts FROM t ORDER BY rowid');
  const types = ['float', 'real', 'int', 'smallint', 'tinyint', 'bigint', 'bit', 'int', 'varchar(10)', 'nvarchar(max)', 'date', 'datetime'];
  const columns: EncodedColumn[] = types.map((type, c) => {
    const parsed = parseSqlType(type);
    assert.ok(parsed.ok);
    return { name: `c${c}`, type, kind: parsed.type.kind };
  });
  const order = Int32Array.from({ length: 5000 }, (_, k) => (k * 2003) % 5000);
  for (const selection of [
    { order: null, start: 0, count: 5000 },
    { order: null, start: 2040, count: 20 },
    { order, start: 100, count: 3000 },
  ]) {
    const fast = encodeColumns(columns, bulk, selection);
    const slow = encodeColumns(columns, byValue, selection);
    assert.ok(fast.ok && slow.ok);
    assert.ok(Buffer.concat(fast.chunks).equals(Buffer.concat(slow.chunks)), `selection ${JSON.stringify({ ...selection, order: !!selection.order })}`);
  }
});
