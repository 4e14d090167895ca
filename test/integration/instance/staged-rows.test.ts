// Rows staged through DuckDB's appender (INSERT ... EXEC and WITH RESULT SETS take result sets this
// way): each column typed to hold its values exactly, every value back as it went in, in order —
// given as rows, or as a script's output arrives, column by column in bulk.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import type { SqlValue } from '../../../server/src/core/engine/executor/ports';
import { fromDuckdb } from '../../../server/src/node/instance/duckdbValues';
import { isBulkColumn } from '../../../server/src/core/launcher/columnValues';
import { stageColumns, stageRows } from '../../../server/src/node/instance/stagedRows';
import { decodeFile } from '../../../server/src/node/launcher/exchange/decode';
import { encodeDataset } from '../../../server/src/node/launcher/exchange/encode';
import { MAGIC } from '../../../server/src/node/launcher/exchange/format';
import { codedColumn } from '../../support/codedText';

let instance: DuckDBInstance;
let con: DuckDBConnection;

before(async () => {
  instance = await DuckDBInstance.create(':memory:');
  con = await instance.connect();
});
after(() => {
  con.closeSync();
  instance.closeSync();
});

async function read(sql: string): Promise<SqlValue[][]> {
  const reader = await con.runAndReadAll(sql);
  return reader.getRows().map((row) => row.map(fromDuckdb));
}

test('each column gets the type that holds its values; values and NULLs come back unchanged', async () => {
  const day = new Date(Date.UTC(2024, 1, 29, 13, 45, 7, 250));
  const rows: SqlValue[][] = [
    [1, 2.5, 'a', true, day, new Uint8Array([0, 255]), 2n ** 62n, null, 2n ** 70n],
    [null, -1, 'é', false, null, null, 3, null, 1],
    [3, null, null, null, day, new Uint8Array([]), null, null, null],
  ];
  await stageRows(con, 'typed', 9, rows);
  const types = await read("SELECT column_name, data_type FROM duckdb_columns() WHERE table_name = 'typed' ORDER BY column_index");
  assert.deepEqual(
    types.map((t) => t[1]),
    ['BIGINT', 'DOUBLE', 'VARCHAR', 'BOOLEAN', 'TIMESTAMP', 'BLOB', 'BIGINT', 'VARCHAR', 'HUGEINT'],
  );
  const back = await read('SELECT * FROM temp.main.typed ORDER BY rowid');
  // Whole numbers are staged as integers (they read back as bigints), never as doubles.
  assert.deepEqual(back, [
    [1n, 2.5, 'a', true, day, new Uint8Array([0, 255]), 2n ** 62n, null, 2n ** 70n],
    [null, -1, 'é', false, null, null, 3n, null, 1n],
    [3n, null, null, null, day, new Uint8Array([]), null, null, null],
  ]);
});

test('ten thousand rows keep the order they were sent in, inside a transaction that rolls back too', async () => {
  const rows: SqlValue[][] = Array.from({ length: 10_000 }, (_, k) => [10_000 - k, `row${k}`]);
  await stageRows(con, 'ordered', 2, rows);
  const back = await read('SELECT c1, c2 FROM temp.main.ordered ORDER BY rowid');
  assert.equal(back.length, 10_000);
  assert.deepEqual(back[0], [10_000n, 'row0']);
  assert.deepEqual(back[9_999], [1n, 'row9999']);
  assert.ok(back.every((row, k) => row[1] === `row${k}`));

  await con.run('BEGIN TRANSACTION');
  await stageRows(con, 'rolled', 1, [[1], [2]]);
  await con.run('ROLLBACK');
  await assert.rejects(read('SELECT * FROM temp.main.rolled'), /rolled/);
});

test('whole numbers held as JavaScript doubles beyond the exact integers are staged as DOUBLE, not overflowed into BIGINT', async () => {
  await stageRows(con, 'huge', 1, [[1], [1e20], [-(2 ** 63) * 4]]);
  const types = await read("SELECT data_type FROM duckdb_columns() WHERE table_name = 'huge'");
  assert.deepEqual(types, [['DOUBLE']]);
  assert.deepEqual(await read('SELECT c1 FROM temp.main.huge ORDER BY rowid'), [[1], [1e20], [-(2 ** 63) * 4]]);
});

test('columns that arrive in bulk (a script output) are staged whole, with their NULLs, and read back as sent', async () => {
  const n = 5000;
  // The satellite's output decoded: f8, i4, b1, text and datetime (before and after 1970) in bulk.
  const sent: SqlValue[][] = Array.from({ length: n }, (_, k) => [
    k % 7 === 0 ? null : k / 4,
    k % 5 === 0 ? null : k - 2500,
    k % 3 === 0 ? null : k % 2 === 0,
    k % 11 === 0 ? null : k % 2 === 0 ? `naïve ☃ ${k}` : 'long text '.repeat(k % 30),
    k % 13 === 0 ? null : new Date((k % 2 === 0 ? Date.UTC(2024, 0, 1) : Date.UTC(1901, 5, 1)) + k * 60_007),
  ]);
  const encoded = encodeDataset(
    [
      { name: 'x', type: 'float', kind: 'f8' },
      { name: 'n', type: 'int', kind: 'i4' },
      { name: 'b', type: 'bit', kind: 'b1' },
      { name: 's', type: 'nvarchar(max)', kind: 'str' },
      { name: 'd', type: 'datetime', kind: 'dt' },
    ],
    sent,
  );
  assert.ok(encoded.ok);
  const decoded = decodeFile(Buffer.concat([MAGIC, ...encoded.chunks]));
  assert.ok(decoded.ok);
  const { columnar } = decoded.datasets[0]!;
  assert.deepEqual(columnar.values.map((c) => isBulkColumn(c)), [true, true, true, true, true]);
  await stageColumns(con, 'bulk', columnar);
  const types = await read("SELECT data_type FROM duckdb_columns() WHERE table_name = 'bulk' ORDER BY column_index");
  assert.deepEqual(types.map((t) => t[0]), ['DOUBLE', 'INTEGER', 'BOOLEAN', 'VARCHAR', 'TIMESTAMP']);
  const back = await read('SELECT * FROM temp.main.bulk ORDER BY rowid');
  assert.deepEqual(back, sent);
  // Short strings are written as DuckDB's inline structs: equality, grouping and sorting must see
  // them as DuckDB's own ('', 10 and 12 bytes inline; longer ones out of line).
  const texts = sent.map((row) => row[3]).filter((t): t is string => typeof t === 'string');
  const countOf = (t: string) => texts.filter((x) => x === t).length;
  for (const probe of ['', 'long text ', 'naïve ☃ 42', 'long text long text ']) {
    assert.deepEqual(await read(`SELECT count(*)::INTEGER FROM temp.main.bulk WHERE c4 = '${probe}'`), [[countOf(probe)]], probe);
  }
  const groups = await read('SELECT c4, count(*)::INTEGER FROM temp.main.bulk WHERE c4 IS NOT NULL GROUP BY c4 ORDER BY c4');
  assert.deepEqual(groups, [...new Set(texts)].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b))).map((t) => [t, countOf(t)]));
});

test("a coded text column is staged with each row's value, long and short, and its NULLs", async () => {
  const values = Array.from({ length: 5000 }, (_, k) => (k % 9 === 0 ? null : k % 4 === 0 ? `a value longer than twelve bytes ${k % 3}` : ['', 'twelve bytes', 'naïve ☃', 'x'][k % 4]!));
  const column = codedColumn(values);
  assert.equal(column.layout, 'coded');
  await stageColumns(con, 'coded', { values: [column], rowCount: values.length });
  assert.deepEqual(await read('SELECT * FROM temp.main.coded ORDER BY rowid'), values.map((v) => [v]));
  assert.deepEqual(await read("SELECT count(*)::INTEGER FROM temp.main.coded WHERE c1 = 'twelve bytes'"), [[values.filter((v) => v === 'twelve bytes').length]]);
});

test('no NULL, long text or value of one batch of 2,048 rows leaks into the next', async () => {
  // NULLs and long strings only in the first batch; the batches after it have none.
  const n = 5000;
  const x = new Float64Array(n).map((_, k) => k + 0.5);
  const xNulls = Uint8Array.from({ length: n }, (_, k) => (k < 2048 && k % 3 === 0 ? 1 : 0));
  for (let k = 0; k < n; k++) if (xNulls[k]) x[k] = 0;
  const labels = Array.from({ length: n }, (_, k) => (k < 2048 ? (k % 5 === 0 ? null : `a long label number ${k % 4} beyond twelve bytes`) : `s${k % 3}`));
  const decimals = Array.from({ length: n }, (_, k) => (k < 2048 && k % 2 === 0 ? null : k / 4));
  await stageColumns(con, 'batches', { values: [{ kind: 'f8', data: x, nulls: xNulls }, codedColumn(labels), decimals], rowCount: n });
  const back = await read('SELECT * FROM temp.main.batches ORDER BY rowid');
  assert.deepEqual(back, Array.from({ length: n }, (_, k) => [xNulls[k] ? null : x[k], labels[k], decimals[k]]));
});
