// A satellite's output decoded column by column: numbers, bits, dates and text in bulk (typed
// arrays, text bytes), the other kinds one value per row, NULLs and non-finite numbers as NULL, and rows built
// from the columns only when something asks for them — with the values the per-row decoding gave.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isBulkColumn } from '../../../server/src/core/launcher/columnValues';
import type { SqlValue } from '../../../server/src/core/launcher/request';
import { decodeFile } from '../../../server/src/node/launcher/exchange/decode';
import { encodeDataset, type EncodedColumn } from '../../../server/src/node/launcher/exchange/encode';
import { COLUMN_HEADER_BYTES, MAGIC } from '../../../server/src/node/launcher/exchange/format';

function file(columns: EncodedColumn[], rows: SqlValue[][]): Buffer {
  const encoded = encodeDataset(columns, rows);
  assert.ok(encoded.ok);
  return Buffer.concat([MAGIC, ...encoded.chunks]);
}

const COLUMNS: EncodedColumn[] = [
  { name: 'x', type: 'float', kind: 'f8' },
  { name: 'n', type: 'int', kind: 'i4' },
  { name: 'b', type: 'bit', kind: 'b1' },
  { name: 's', type: 'nvarchar(max)', kind: 'str' },
  { name: 'd', type: 'datetime', kind: 'dt' },
  { name: 'big', type: 'bigint', kind: 'i8' },
  { name: 'bin', type: 'varbinary(max)', kind: 'bin' },
];

test('numbers, bits, dates and text decode in bulk, the rest per value; the rows built from them are the values sent', () => {
  const day = new Date(Date.UTC(2024, 1, 29, 12));
  const rows: SqlValue[][] = [
    [1.5, 7, true, 'naïve ☃', day, 2n ** 60n, new Uint8Array([1, 2])],
    [null, null, null, null, null, null, null],
    [Number.NaN, -2147483648, false, '', day, 5, new Uint8Array([])],
    [Number.POSITIVE_INFINITY, 2147483647, true, 'x'.repeat(70_000), null, -3, null],
  ];
  const decoded = decodeFile(file(COLUMNS, rows));
  assert.ok(decoded.ok, decoded.ok ? '' : decoded.message);
  const [dataset] = decoded.datasets;
  assert.deepEqual(
    dataset!.columnar.values.map((c) => (isBulkColumn(c) ? c.kind : 'per value')),
    ['f8', 'i4', 'b1', 'str', 'dt', 'per value', 'per value'],
  );
  assert.equal(dataset!.columnar.rowCount, 4);
  assert.deepEqual(dataset!.rows, [
    [1.5, 7, true, 'naïve ☃', day, 2n ** 60n, new Uint8Array([1, 2])],
    [null, null, null, null, null, null, null],
    // SQL has no NaN or infinity: they come back as NULL.
    [null, -2147483648, false, '', day, 5, new Uint8Array([])],
    [null, 2147483647, true, 'x'.repeat(70_000), null, -3, null],
  ]);
});

test('dates decode in bulk as the whole milliseconds new Date(x) keeps, non-finite ones as NULL; one beyond a Date’s range sends the column per value', () => {
  /** A one-column dt file whose three values are `values`, written over the bytes of three known dates. */
  const decode = (values: number[]) => {
    const bytes = file([COLUMNS[4]!], [[new Date(1000)], [new Date(2000)], [new Date(3000)]]);
    const at = bytes.indexOf(Buffer.from(Float64Array.of(1000, 2000, 3000).buffer));
    assert.ok(at > 0);
    Buffer.from(Float64Array.from(values).buffer).copy(bytes, at);
    const decoded = decodeFile(bytes);
    assert.ok(decoded.ok, decoded.ok ? '' : decoded.message);
    return decoded.datasets[0]!;
  };
  const inRange = [1.9, -1.9, Number.NaN];
  const bulk = decode(inRange);
  assert.equal(isBulkColumn(bulk.columnar.values[0]!) && bulk.columnar.values[0].kind, 'dt');
  assert.deepEqual(bulk.rows, inRange.map((x) => [Number.isFinite(x) ? new Date(x) : null]));
  assert.deepEqual(bulk.rows.map((r) => (r[0] as Date | null)?.getTime() ?? null), [1, -1, null]);

  const beyond = decode([1e16, 5, Number.POSITIVE_INFINITY]);
  assert.equal(isBulkColumn(beyond.columnar.values[0]!), false);
  assert.ok(Number.isNaN((beyond.rows[0]![0] as Date).getTime()), 'row by row, the value makes an invalid Date');
  assert.deepEqual(beyond.rows.slice(1), [[new Date(5)], [null]]);
});

test('text that is not valid UTF-8 is decoded per value with replacement characters, never handed on as bytes', () => {
  const good = file([COLUMNS[3]!], [['ab'], ['cd']]);
  // Replace 'c' (the first byte of the second value) with a lone continuation byte.
  const at = good.lastIndexOf(Buffer.from('cd\u0000'));
  good[at] = 0x80;
  const decoded = decodeFile(good);
  assert.ok(decoded.ok);
  const [dataset] = decoded.datasets;
  assert.equal(isBulkColumn(dataset!.columnar.values[0]!), false);
  assert.deepEqual(dataset!.rows, [['ab'], ['\ufffdd']]);
});

test('a text column with fewer or more values than rows is malformed', () => {
  const two = file([COLUMNS[3]!], [['ab'], ['cd']]);
  // The row count says 2; claim 3, then 1.
  for (const [claimed, why] of [[3, /holds 2 values for 3 rows/], [1, /holds more than 1 values/]] as const) {
    const changed = Buffer.from(two);
    changed.writeDoubleLE(claimed, MAGIC.length);
    const decoded = decodeFile(changed);
    assert.equal(decoded.ok, false);
    assert.match(decoded.ok ? '' : decoded.message, why);
  }
});

test("every column's data starts 8-aligned from the file's start, and fixed-width columns decode as views of the file", () => {
  // Descriptions of odd lengths (names, types, null masks of 3 rows), and data of odd lengths too
  // (3 rows of i4 or b1, text, binary).
  const day = new Date(Date.UTC(2024, 1, 29, 12));
  const columns = COLUMNS;
  const rows: SqlValue[][] = [
    [0.5, 1, true, 'a', day, 1, new Uint8Array([1])],
    [null, null, false, null, null, null, null],
    [2.5, 3, null, 'ccc', day, 3, new Uint8Array([2, 3, 4])],
  ];
  const bytes = file(columns, rows);
  const starts: number[] = [];
  let pos = MAGIC.length + 16;
  for (let c = 0; c < columns.length; c++) {
    const [hasNulls, nameBytes, typeBytes, dataBytes] = [8, 16, 24, 32].map((at) => bytes.readDoubleLE(pos + at));
    pos += COLUMN_HEADER_BYTES + nameBytes! + typeBytes! + (hasNulls ? rows.length : 0);
    pos += (8 - (pos % 8)) % 8;
    starts.push(pos);
    pos += dataBytes!;
    pos += (8 - (pos % 8)) % 8;
  }
  assert.equal(pos, bytes.length, 'the last column ends the file, padding included');
  assert.deepEqual(starts.map((s) => s % 8), columns.map(() => 0));
  // Read whole into a fresh buffer, as the launcher reads a result file.
  const whole = Buffer.from(new Uint8Array(bytes));
  const decoded = decodeFile(whole);
  assert.ok(decoded.ok);
  const [floats, ints] = decoded.datasets[0]!.columnar.values;
  assert.ok(isBulkColumn(ints!) && isBulkColumn(floats!) && ints.kind === 'i4' && floats.kind === 'f8');
  assert.equal(ints.data.buffer, whole.buffer, 'int column is a view of the file');
  assert.equal(floats.data.buffer, whole.buffer, 'float column is a view of the file');
  assert.deepEqual(decoded.datasets[0]!.rows, rows);
});
