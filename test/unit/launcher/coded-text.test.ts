// Text whose values repeat travels coded: the dictionary gives each distinct byte string one code in
// order of first appearance, the exchange sends the codes and the distinct values once, and the
// launcher's decoder gives back every row's value (NULLs included) in order, whole or reordered,
// and refuses codes that point outside the values.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { columnLength, valueAt, type CodedText } from '../../../server/src/core/launcher/columnValues';
import { TextDictionary } from '../../../server/src/core/launcher/textDictionary';
import { decodeFile } from '../../../server/src/node/launcher/exchange/decode';
import { encodeColumns, type EncodedColumn } from '../../../server/src/node/launcher/exchange/encode';
import { CODED_TEXT, COLUMN_HEADER_BYTES, MAGIC, paddingAfter } from '../../../server/src/node/launcher/exchange/format';
import { codedColumn as coded } from '../../support/codedText';

test('the dictionary codes values by their bytes, in order of first appearance, wherever the bytes sit', () => {
  const dictionary = new TextDictionary();
  const source = Buffer.from('..abc..ab..abc..', 'latin1');
  assert.equal(dictionary.find(source, 2, 3), -1);
  assert.equal(dictionary.add(source, 2, 3), 0);
  assert.equal(dictionary.add(source, 7, 2), 1, "'ab' is a prefix of 'abc', not the same value");
  assert.equal(dictionary.find(source, 11, 3), 0, "the second 'abc' finds the first one's code");
  assert.equal(dictionary.find(source, 7, 2), 1);
  assert.equal(dictionary.find(source, 0, 0), -1);
  assert.equal(dictionary.add(source, 0, 0), 2, 'the empty string is a value of its own');
  assert.equal(dictionary.find(source, 5, 0), 2);
  assert.equal(Buffer.from(dictionary.bytes.subarray(0, dictionary.starts[3])).toString('latin1'), 'abc\0ab\0\0');
});

test('ten thousand distinct values grow the table and keep every code', () => {
  const dictionary = new TextDictionary();
  const values = Array.from({ length: 10_000 }, (_, i) => Buffer.from(`value ${i} ${'é'.repeat(i % 7)}`, 'utf8'));
  values.forEach((v, i) => assert.equal(dictionary.add(v, 0, v.length), i));
  values.forEach((v, i) => assert.equal(dictionary.find(v, 0, v.length), i, `value ${i}`));
  assert.equal(dictionary.count, 10_000);
  const unknown = Buffer.from('value 10000', 'utf8');
  assert.equal(dictionary.find(unknown, 0, unknown.length), -1);
});

const VALUES = Array.from({ length: 3000 }, (_, r) => (r % 13 === 0 ? null : r % 5 === 0 ? '' : ['naïve', 'label7', '☃ snow', 'x'.repeat(40)][r % 4]!));
const COLUMN: EncodedColumn = { name: 'label', type: 'nvarchar(50)', kind: 'str' };

function decodeOne(column: CodedText, selection: { order: Int32Array | null; start: number; count: number }): { code: number; values: unknown[] } {
  const encoded = encodeColumns([COLUMN], [column], selection);
  assert.ok(encoded.ok);
  const file = Buffer.concat([MAGIC, ...encoded.chunks]);
  const decoded = decodeFile(file);
  assert.ok(decoded.ok, decoded.ok ? '' : decoded.message);
  const values = decoded.datasets[0]!.columnar.values[0]!;
  return { code: file.readDoubleLE(MAGIC.length + 16), values: Array.from({ length: columnLength(values) }, (_, r) => valueAt(values, r)) };
}

test('a coded column travels coded and decodes to every row, whole, in part and reordered', () => {
  const column = coded(VALUES);
  assert.equal(column.distinct.starts.length - 1, 5, 'five distinct values for 3,000 rows');
  assert.deepEqual(Array.from({ length: 3000 }, (_, r) => valueAt(column, r)), VALUES);

  const whole = decodeOne(column, { order: null, start: 0, count: 3000 });
  assert.equal(whole.code, CODED_TEXT);
  assert.deepEqual(whole.values, VALUES);

  const part = decodeOne(column, { order: null, start: 1000, count: 500 });
  assert.equal(part.code, CODED_TEXT);
  assert.deepEqual(part.values, VALUES.slice(1000, 1500));

  const order = Int32Array.from({ length: 3000 }, (_, k) => (k * 1009) % 3000);
  const reordered = decodeOne(column, { order, start: 10, count: 200 });
  assert.equal(reordered.code, CODED_TEXT);
  assert.deepEqual(reordered.values, Array.from(order.subarray(10, 210), (r) => VALUES[r]));
});

test('a selection smaller than the distinct values goes plain, with the same values', () => {
  const column = coded(VALUES);
  const small = decodeOne(column, { order: Int32Array.from([12, 13, 14, 1, 0]), start: 0, count: 3 });
  assert.notEqual(small.code, CODED_TEXT);
  assert.deepEqual(small.values, [VALUES[12], VALUES[13], VALUES[14]]);
  assert.equal(small.values[1], null);
});

test('codes outside the distinct values, or a short codes block, are malformed', () => {
  const column = coded(['a', 'b', 'a', 'a']);
  const encoded = encodeColumns([COLUMN], [column], { order: null, start: 0, count: 4 });
  assert.ok(encoded.ok);
  const file = Buffer.concat([MAGIC, ...encoded.chunks]);
  const described = 'label'.length + 'nvarchar(50)'.length;
  const codesAt = MAGIC.length + 16 + COLUMN_HEADER_BYTES + described + paddingAfter(described) + 4;
  const bad = Buffer.from(file);
  bad.writeInt32LE(2, codesAt + 4);
  const decoded = decodeFile(bad);
  assert.ok(!decoded.ok);
  assert.match(decoded.message, /code 2 at row 2, for 2 distinct values/);
  const negative = Buffer.from(file);
  negative.writeInt32LE(-5, codesAt);
  assert.ok(!decodeFile(negative).ok);
});
