// Result sets on the instance's socket (wireResultSets.ts): a columnar result set crosses JSON as
// its columns and comes out with the very rows the row-by-row encoding gave (wireRow), NULLs,
// bigints, bits, coded and plain text, dates (sent as numbers), binaries and mixed values included;
// rows are made only when read. The same through a binary section (binarySection.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ExecResultSet, RunResult } from '../../../server/src/core/engine/executor';
import { withColumnarRows, type ColumnValues } from '../../../server/src/core/launcher/columnValues';
import { plainText } from '../../../server/src/node/launcher/exchange/plainText';
import type { EncodedRunOutcome } from '../../../server/src/node/instance/protocol';
import { attachIncoming, BinarySectionBuilder, outgoingSection } from '../../../server/src/node/instance/binarySection';
import { decodeRunOutcome, encodeRunOutcome } from '../../../server/src/node/instance/wireResultSets';
import { encodedAgain } from '../../../server/src/core/results/encodedResultSets';
import { wireRow } from '../../../server/src/node/instance/wireValues';
import { codedColumn } from '../../support/codedText';

const ROWS = 7;

function plainColumn(values: (string | null)[]): ColumnValues {
  const parts = values.map((v) => Buffer.from(`${v ?? ''}\0`, 'utf8'));
  const starts = new Float64Array(values.length + 1);
  parts.forEach((p, r) => (starts[r + 1] = starts[r]! + p.length));
  const nulls = values.includes(null) ? Uint8Array.from(values, (v) => (v === null ? 1 : 0)) : null;
  return plainText(new Uint8Array(Buffer.concat(parts)), starts, nulls);
}

const COLUMNS: { name: string; type: string; values: ColumnValues }[] = [
  { name: 'f', type: 'float', values: { kind: 'f8', data: Float64Array.from([1.5, -0, 0.1 + 0.2, 1e308, 0, -2.25, 5e-324]), nulls: Uint8Array.from([0, 0, 0, 0, 1, 0, 0]) } },
  { name: 'i', type: 'int', values: { kind: 'i4', data: Int32Array.from([0, 1, -1, 2147483647, -2147483648, 7, 8]), nulls: null } },
  { name: 'big', type: 'bigint', values: { kind: 'i8', data: BigInt64Array.from([0n, 2n ** 60n, -(2n ** 53n) + 1n, 42n, -(2n ** 63n), 0n, 9n]), nulls: Uint8Array.from([0, 0, 0, 0, 0, 1, 0]) } },
  { name: 'flag', type: 'bit', values: { kind: 'b1', data: Uint8Array.from([1, 0, 1, 0, 0, 1, 0]), nulls: Uint8Array.from([0, 0, 0, 1, 0, 0, 0]) } },
  { name: 'label', type: 'nvarchar(20)', values: codedColumn(['a', 'b', null, 'a', '☃ snow', '', 'b']) },
  { name: 'note', type: 'nvarchar(max)', values: plainColumn(['naïve', null, '', 'x'.repeat(300), 'tab\there', '"quoted"', '\\']) },
  { name: 'day', type: 'datetime', values: [new Date(Date.UTC(2024, 1, 29, 13, 5, 9, 120)), null, new Date(0), null, null, null, null] },
  { name: 'bytes', type: 'varbinary(max)', values: [Uint8Array.from([0, 171, 255]), null, new Uint8Array(0), null, null, null, null] },
  { name: 'any', type: 'sql_variant', values: [new Date(86_400_000), 'text', null, 3, null, null, null] },
  { name: 'none', type: 'datetime2', values: [null, null, null, null, null, null, null] },
];

function columnarResult(): RunResult {
  const set: ExecResultSet = withColumnarRows({ columns: COLUMNS.map(({ name, type }) => ({ name, type })) }, { values: COLUMNS.map((c) => c.values), rowCount: ROWS });
  const plain: ExecResultSet = { columns: [{ name: '', type: 'int' }], rows: [[1], [2n ** 62n]] };
  return { batches: [{ line: 0, resultSets: [set, plain], messages: [] }], sessions: [] };
}

/** What the socket delivers: the encoded outcome through JSON, decoded by the client. */
function overTheSocket(result: RunResult): { encoded: EncodedRunOutcome; json: string; decoded: ReturnType<typeof decodeRunOutcome> } {
  const encoded = encodeRunOutcome(result);
  const json = JSON.stringify(encoded);
  return { encoded, json, decoded: decodeRunOutcome(JSON.parse(json)) };
}

test('a columnar result set arrives with the rows the row-by-row encoding gave, every kind of column included', () => {
  const result = columnarResult();
  const expected = result.batches[0]!.resultSets[0]!.rows.map(wireRow);
  const { decoded } = overTheSocket(columnarResult());
  const set = decoded.batches[0]!.resultSets[0]!;
  assert.deepEqual(set.columns, COLUMNS.map(({ name, type }) => ({ name, type })));
  assert.deepEqual(set.rows, expected);
  assert.equal(Object.is(set.rows[1]![0], -0), true, 'a double keeps its bits (negative zero included)');
  assert.equal(set.rows[6]![0], 5e-324);
  assert.equal(set.rows[1]![2], '1152921504606846976', 'a bigint beyond 2^53 comes as text, as wireValue shows it');
  assert.equal(set.rows[4]![2], '-9223372036854775808');
  assert.equal(set.rows[2]![2], -(2 ** 53) + 1);
});

test('the columns are sent as columns: no row array is made by the daemon, and none by the client until rows are read', () => {
  const result = columnarResult();
  const { encoded, json, decoded } = overTheSocket(result);
  const sent = encoded.batches[0]!.resultSets[0]!;
  assert.ok(!('rows' in sent), 'the columnar result set goes without rows');
  assert.deepEqual(
    'data' in sent ? sent.data.map((c) => ('values' in c ? 'values' : c.kind)) : [],
    ['f8', 'i4', 'i8', 'b1', 'coded', 'values', 'dt', 'values', 'values', 'values'],
  );
  assert.ok(!json.includes('☃ snow","☃ snow'), 'a coded value is sent once');
  const set = decoded.batches[0]!.resultSets[0]!;
  assert.equal(set.columnar?.rowCount, ROWS);
  assert.equal(set.columnar?.valueAt(4, 4), '☃ snow');
  assert.equal(set.columnar?.valueAt(2, 4), null);
  assert.equal(set.columnar?.valueAt(4, 0), null);
  assert.equal(set.columnar?.valueAt(0, 3), true);
  assert.equal(set.columnar?.valueAt(0, 6), '2024-02-29 13:05:09.120');
  assert.equal(set.columnar?.valueAt(1, 6), null);
  assert.deepEqual(Object.keys(set), ['columns', 'rows'], 'the columnar view is not enumerable');
  assert.deepEqual(JSON.parse(JSON.stringify(set)), { columns: set.columns, rows: JSON.parse(JSON.stringify(set.rows)) }, 'a result set written as JSON shows its rows');
  assert.equal(set.rows, set.rows, 'rows are made once');
});

test('a result set made as rows goes as rows, converted as wireRow converts them', () => {
  const { encoded, decoded } = overTheSocket(columnarResult());
  assert.deepEqual(encoded.batches[0]!.resultSets[1], { columns: [{ name: '', type: 'int' }], rows: [[1], ['4611686018427387904']] });
  assert.deepEqual(decoded.batches[0]!.resultSets[1]!.rows, [[1], ['4611686018427387904']]);
  assert.equal(decoded.batches[0]!.resultSets[1]!.columnar, undefined);
});

test('a column whose bytes do not match its row count is refused, not read past its end', () => {
  const { encoded } = overTheSocket(columnarResult());
  const sent = JSON.parse(JSON.stringify(encoded)) as EncodedRunOutcome;
  const set = sent.batches[0]!.resultSets[0]!;
  assert.ok('data' in set);
  set.rowCount = ROWS + 1;
  assert.throws(() => decodeRunOutcome(sent), /a column of 56 bytes came where 64 were expected/);
});

/** What the socket delivers to a client that takes binary sections: the JSON, and after it the section's bytes. */
function overTheSocketWithSection(result: RunResult): { json: string; section: Buffer; decoded: ReturnType<typeof decodeRunOutcome> } {
  const encoded = encodeRunOutcome(result, new BinarySectionBuilder());
  const json = JSON.stringify(encoded);
  const section = Buffer.concat(outgoingSection({ result: encoded }) ?? []);
  const received = JSON.parse(json) as EncodedRunOutcome;
  attachIncoming(received, section);
  return { json, section, decoded: decodeRunOutcome(received) };
}

test('with a binary section the typed columns travel as bytes after the JSON, at multiples of 8, and come out as the same rows', () => {
  const { json, section, decoded } = overTheSocketWithSection(columnarResult());
  const viaBase64 = overTheSocket(columnarResult()).decoded.batches[0]!.resultSets[0]!;
  const set = decoded.batches[0]!.resultSets[0]!;
  assert.deepEqual(set.rows, viaBase64.rows);
  assert.equal(Object.is(set.rows[1]![0], -0), true, 'a double keeps its bits');
  const sent = (JSON.parse(json) as EncodedRunOutcome).batches[0]!.resultSets[0]!;
  assert.ok('data' in sent);
  assert.deepEqual(
    sent.data.map((c) => ('values' in c ? 'values' : c.kind)),
    ['f8', 'i4', 'i8', 'b1', 'coded', 'text', 'dt', 'values', 'values', 'values'],
    'plain text goes as its bytes too',
  );
  const ranges = sent.data.flatMap((c) =>
    'values' in c ? [] : c.kind === 'coded' ? [c.codes] : c.kind === 'text' ? [c.bytes, c.starts, ...(c.nulls ? [c.nulls] : [])] : [c.data, ...(c.nulls ? [c.nulls] : []), ...(c.kind === 'dt' && c.micros ? [c.micros] : [])],
  );
  assert.ok(ranges.length >= 12, `the f8, i4, i8, b1, coded, text and dt columns and their NULL flags: ${ranges.length}`);
  for (const range of ranges) {
    assert.equal(typeof range, 'object', 'no base64 text in the JSON');
    const { at, length } = range as { at: number; length: number };
    assert.equal(at % 8, 0, 'each range starts at a multiple of 8');
    assert.ok(at + length <= section.length);
  }
  // The f8 column's range holds the doubles themselves.
  const doubles = sent.data[0]!;
  assert.ok('kind' in doubles && doubles.kind === 'f8' && typeof doubles.data === 'object' && doubles.data !== null);
  const copy = Uint8Array.prototype.slice.call(section, doubles.data.at, doubles.data.at + doubles.data.length);
  assert.deepEqual([...new Float64Array(copy.buffer)].slice(0, 3), [1.5, -0, 0.1 + 0.2]);
});

test('a result set that came with a binary section is handed on as JSON alone: its ranges become the base64 the daemon would have sent', () => {
  const withSection = overTheSocketWithSection(columnarResult()).decoded.batches[0]!.resultSets[0]!;
  const { encoded: base64Encoded } = overTheSocket(columnarResult());
  assert.deepEqual(encodedAgain(withSection), base64Encoded.batches[0]!.resultSets[0]);
  const again = decodeRunOutcome(JSON.parse(JSON.stringify({ batches: [{ line: 0, messages: [], resultSets: [encodedAgain(withSection)] }], sessions: [] })) as EncodedRunOutcome);
  assert.deepEqual(again.batches[0]!.resultSets[0]!.rows, withSection.rows);
});

test('a text column whose row starts do not lie within its bytes is refused before any row is read', () => {
  const { json, section } = overTheSocketWithSection(columnarResult());
  const received = JSON.parse(json) as EncodedRunOutcome;
  const set = received.batches[0]!.resultSets[0]!;
  assert.ok('data' in set);
  const note = set.data[5]!;
  assert.ok('kind' in note && note.kind === 'text');
  // Row 3's start moved past the end of the column's bytes.
  const broken = Buffer.from(section);
  new Float64Array(broken.buffer, broken.byteOffset + note.starts.at, ROWS + 1)[3] = 1e6;
  attachIncoming(received, broken);
  assert.throws(() => decodeRunOutcome(received), /text row 2 does not lie within its column's \d+ bytes/);
  // The last row's end moved past the column's bytes.
  const pastEnd = Buffer.from(section);
  new Float64Array(pastEnd.buffer, pastEnd.byteOffset + note.starts.at, ROWS + 1)[ROWS] = note.bytes.length + 5;
  const again = JSON.parse(json) as EncodedRunOutcome;
  attachIncoming(again, pastEnd);
  assert.throws(() => decodeRunOutcome(again), new RegExp(`text row ${ROWS - 1} does not lie within its column's \\d+ bytes`));
});

test('a range outside the binary section, or one with no section at all, is refused, not read', () => {
  const { json, section } = overTheSocketWithSection(columnarResult());
  const short = JSON.parse(json) as EncodedRunOutcome;
  attachIncoming(short, section.subarray(0, section.length - 8));
  assert.throws(() => decodeRunOutcome(short), /a column names bytes \d+\.\.\d+ of a binary section of \d+ bytes/);
  assert.throws(() => decodeRunOutcome(JSON.parse(json) as EncodedRunOutcome), /of a binary section of 0 bytes/);
  const empty = JSON.parse(json) as EncodedRunOutcome;
  const set = empty.batches[0]!.resultSets[0]!;
  assert.ok('data' in set);
  set.rowCount = 0;
  set.data = [{ kind: 'text', bytes: { at: 0, length: 0 }, starts: { at: 0, length: 8 }, nulls: null }];
  assert.throws(() => decodeRunOutcome(empty), /a column names bytes 0\.\.0 of a binary section of 0 bytes/, 'an empty range with no section at all');
  const negative = JSON.parse(json.replace(/"at":0,/, '"at":-8,')) as EncodedRunOutcome;
  attachIncoming(negative, section);
  assert.throws(() => decodeRunOutcome(negative), /a column names bytes -8\.\./);
});
