// A result set as the results panel copies and saves it: CSV by RFC 4180 (fields with a comma,
// quote, CR or LF — or edge whitespace — quoted with quotes doubled, NULL as an empty field, CRLF
// line ends, full precision), tab-separated text for a spreadsheet (as the grid shows the values,
// tabs and newlines flattened), JSON (one object per row, unique keys, NULL as null, numbers as
// numbers), and the selected rows only.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { columnNames, toCsv, toJson, toTsv, type ResultSetLike } from '../../../client/src/results/export';

const set = (columns: [string, string][], rows: unknown[][]): ResultSetLike => ({ columns: columns.map(([name, type]) => ({ name, type })), rows });

/** Splits CSV text into records of fields per RFC 4180, to check a round trip. */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') (field += '"'), i++;
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') record.push(field), (field = '');
    else if (c === '\r' && text[i + 1] === '\n') {
      record.push(field);
      records.push(record);
      (record = []), (field = ''), i++;
    } else field += c;
  }
  assert.equal(record.length + field.length, 0, 'the text ends with a line end');
  return records;
}

test('an unnamed column is called (No column name), as SSMS does', () => {
  assert.deepEqual(columnNames(set([['id', 'int'], ['', 'int'], ['x', 'int']], [])), ['id', '(No column name)', 'x']);
});

test('CSV: a header line then a line per row, CRLF line ends including after the last row', () => {
  const csv = toCsv(set([['id', 'int'], ['name', 'nvarchar(20)']], [[1, 'one'], [2, 'two']]));
  assert.equal(csv, 'id,name\r\n1,one\r\n2,two\r\n');
});

test('CSV: commas, quotes, CR and LF in a value are quoted, with quotes doubled', () => {
  const csv = toCsv(set([['v', 'nvarchar(max)']], [['a,b'], ['say "hi"'], ['line1\nline2'], ['cr\rhere'], ['plain']]));
  assert.equal(csv, 'v\r\n"a,b"\r\n"say ""hi"""\r\n"line1\nline2"\r\n"cr\rhere"\r\nplain\r\n');
});

test('CSV: values with leading or trailing whitespace are quoted so readers keep the spaces', () => {
  const csv = toCsv(set([['v', 'nvarchar(10)']], [[' lead'], ['trail\t'], ['in side']]));
  assert.equal(csv, 'v\r\n" lead"\r\n"trail\t"\r\nin side\r\n');
});

test('CSV: column names are quoted by the same rules, and an unnamed one is named', () => {
  const csv = toCsv(set([['a,b', 'int'], ['say "x"', 'int'], ['', 'int']], []));
  assert.equal(csv, '"a,b","say ""x""",(No column name)\r\n');
});

test('CSV: NULL and a missing value are empty fields, not the word NULL', () => {
  const csv = toCsv(set([['a', 'int'], ['b', 'nvarchar(5)'], ['c', 'int']], [[null, 'x', undefined], [1, null]]));
  assert.equal(csv, 'a,b,c\r\n,x,\r\n1,,\r\n');
});

test('CSV: every row has one field per column; extra values in a row are dropped', () => {
  const csv = toCsv(set([['a', 'int'], ['b', 'int']], [[1, 2, 3]]));
  assert.equal(csv, 'a,b\r\n1,2\r\n');
});

test('CSV keeps full float precision (the grid rounds to 15 digits for reading only)', () => {
  const csv = toCsv(set([['f', 'float']], [[0.1 + 0.2]]));
  assert.equal(csv, 'f\r\n0.30000000000000004\r\n');
  assert.equal(Number(parseCsv(csv)[1]![0]), 0.1 + 0.2);
});

test('CSV: bit, a bigint beyond 2^53, a date and binary read as SQL Server tools show them', () => {
  const csv = toCsv(
    set(
      [['b', 'bit'], ['big', 'bigint'], ['d', 'datetime2'], ['bin', 'varbinary(max)'], ['raw', 'varbinary(2)']],
      [[true, '9223372036854775807', '2024-02-29 23:59:59.997', '0xDEADBEEF', { hex: 'ab01' }]],
    ),
  );
  // A datetime2 is datetime2(7): seven fractional digits, as SSMS exports it.
  assert.equal(csv, 'b,big,d,bin,raw\r\n1,9223372036854775807,2024-02-29 23:59:59.9970000,0xDEADBEEF,0xAB01\r\n');
});

test('CSV round-trips awkward values through an RFC 4180 reader', () => {
  const values = ['a,b', '"', '""', 'x\r\ny', '\n', ' ', '\'', 'é😀', 'NULL'];
  const csv = toCsv(set([['v', 'nvarchar(max)']], values.map((v) => [v])));
  assert.deepEqual(parseCsv(csv), [['v'], ...values.map((v) => [v])]);
});

test('TSV: a header line and a line per row, tab-separated, LF line ends', () => {
  const tsv = toTsv(set([['id', 'int'], ['', 'nvarchar(5)']], [[1, 'one'], [2, 'two']]));
  assert.equal(tsv, 'id\t(No column name)\n1\tone\n2\ttwo\n');
});

test('TSV: tabs and line breaks in values and names become one space each run, so rows stay rows', () => {
  const tsv = toTsv(set([['a\tb', 'nvarchar(max)']], [['x\ty'], ['line1\r\nline2'], ['p\n\n\tq']]));
  assert.equal(tsv, 'a b\nx y\nline1 line2\np q\n');
  assert.equal(tsv.split('\n').length, 5, 'four lines and the final line end');
});

test('TSV without headers (the grid\'s Ctrl+C) is the rows alone; a cell left out of a ragged selection is empty, not NULL', () => {
  const tsv = toTsv(set([['a', 'int'], ['b', 'nvarchar(5)']], [[1, undefined], [undefined, null]]), { headers: false });
  assert.equal(tsv, '1\t\n\tNULL\n');
});

test('TSV shows values as the grid does: NULL as NULL, floats to 15 digits, bit as 1/0', () => {
  const tsv = toTsv(set([['n', 'int'], ['f', 'float'], ['b', 'bit']], [[null, 0.1 + 0.2, false]]));
  assert.equal(tsv, 'n\tf\tb\nNULL\t0.3\t0\n');
});

test('JSON: one object per row keyed by column name; NULL is null, numbers and booleans keep their type', () => {
  const json = toJson(set([['id', 'int'], ['name', 'nvarchar(5)'], ['f', 'float'], ['ok', 'bit']], [[1, null, 0.1 + 0.2, true]]));
  assert.deepEqual(JSON.parse(json), [{ id: 1, name: null, f: 0.1 + 0.2, ok: true }]);
  assert.ok(json.endsWith('\n'));
});

test('JSON: a bigint beyond 2^53, a date and binary stay the exact text the wire sent', () => {
  const parsed = JSON.parse(toJson(set([['big', 'bigint'], ['d', 'date'], ['bin', 'varbinary(4)']], [['9223372036854775807', '2024-02-29', '0x00FF']])));
  assert.deepEqual(parsed, [{ big: '9223372036854775807', d: '2024-02-29', bin: '0x00FF' }]);
});

test('JSON: a value missing from a short row is null, not left out', () => {
  const parsed = JSON.parse(toJson(set([['a', 'int'], ['b', 'int']], [[1]])));
  assert.deepEqual(parsed, [{ a: 1, b: null }]);
  assert.ok('b' in parsed[0]);
});

test('JSON: unnamed and repeated column names get distinct keys, in column order', () => {
  const parsed = JSON.parse(toJson(set([['x', 'int'], ['x', 'int'], ['', 'int'], ['', 'int'], ['x', 'int']], [[1, 2, 3, 4, 5]])));
  assert.deepEqual(Object.entries(parsed[0]), [
    ['x', 1],
    ['x_2', 2],
    ['(No column name)', 3],
    ['(No column name)_2', 4],
    ['x_3', 5],
  ]);
});

test('JSON: a suffix never takes a key a real column already has, so no value is lost', () => {
  const parsed = JSON.parse(toJson(set([['x', 'int'], ['x', 'int'], ['x_2', 'int']], [[1, 2, 3]])));
  assert.deepEqual(Object.values(parsed[0]).sort(), [1, 2, 3]);
  assert.equal(new Set(Object.keys(parsed[0])).size, 3);
  assert.equal(parsed[0].x, 1);
});

test('JSON: strings with quotes, backslashes and line breaks survive a round trip', () => {
  const value = 'say "hi"\\ \n\t</script>';
  assert.deepEqual(JSON.parse(toJson(set([['v', 'nvarchar(max)']], [[value]]))), [{ v: value }]);
});

test('JSON of an empty result set is an empty array', () => {
  assert.deepEqual(JSON.parse(toJson(set([['a', 'int']], []))), []);
});
