// The rows behind a grid: a page is the cells as the grid shows them (NULL apart from the text 'NULL',
// floats to 15 digits), in the grid's order; sorting orders by value as ORDER BY does (NULL first, numbers
// by value, stable); a selection of ranges comes back as the rows and columns it covers, in the grid's
// order, with cells outside a ragged selection left out; ranges past the edges are clipped. A result
// set that came as columns is read from them, its rows never made.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareValues, GridRows } from '../../../client/src/results/gridRows';
import { toTsv, type ResultSetLike } from '../../../client/src/results/export';
import { decodeResultSet } from '../../../server/src/core/results/encodedResultSets';
import { withColumnarRows } from '../../../server/src/core/launcher/columnValues';
import type { EncodedRunOutcome } from '../../../server/src/node/instance/protocol';
import { encodeRunOutcome, nodeBase64 } from '../../../server/src/node/instance/wireResultSets';
import { codedColumn } from '../../support/codedText';

const set = (columns: [string, string][], rows: unknown[][]): ResultSetLike => ({ columns: columns.map(([name, type]) => ({ name, type })), rows });
const people = () =>
  new GridRows(
    set(
      [['id', 'int'], ['name', 'nvarchar(10)'], ['score', 'float']],
      [
        [3, 'cy', 0.1 + 0.2],
        [1, 'NULL', null],
        [2, null, 10],
        [4, 'al', 2],
      ],
    ),
  );

test('a page is the cells as the grid shows them: SQL NULL is null, the text NULL is text, floats to 15 digits', () => {
  assert.deepEqual(people().page(0, 2), [
    ['3', 'cy', '0.3'],
    ['1', 'NULL', null],
  ]);
});

test('a page is clipped to the rows there are; a short row shows NULL for its missing cells', () => {
  const grid = people();
  assert.deepEqual(grid.page(3, 100), [['4', 'al', '2']]);
  assert.deepEqual(grid.page(4, 10), []);
  assert.deepEqual(grid.page(-5, 1), [['3', 'cy', '0.3']]);
  assert.deepEqual(new GridRows(set([['a', 'int'], ['b', 'int']], [[1]])).page(0, 1), [['1', null]]);
});

test('sorting by a number column orders by value, NULL first ascending and last descending', () => {
  const grid = people();
  grid.sort(2, true);
  assert.deepEqual(grid.page(0, 4).map((r) => r[0]), ['1', '3', '4', '2']);
  grid.sort(2, false);
  assert.deepEqual(grid.page(0, 4).map((r) => r[0]), ['2', '4', '3', '1']);
});

test('numbers sort by value, not as text (9 before 10)', () => {
  const grid = new GridRows(set([['n', 'int']], [[10], [9], [100], [-1]]));
  grid.sort(0, true);
  assert.deepEqual(grid.page(0, 4).flat(), ['-1', '9', '10', '100']);
});

test('sorting is stable: a second sort keeps the first one\'s order among ties', () => {
  const grid = new GridRows(set([['k', 'int'], ['v', 'nvarchar(1)']], [[2, 'b'], [1, 'b'], [2, 'a'], [1, 'a']]));
  grid.sort(0, true);
  grid.sort(1, true);
  assert.deepEqual(grid.page(0, 4), [['1', 'a'], ['2', 'a'], ['1', 'b'], ['2', 'b']]);
});

test('text sorts code point by code point, and the result set itself is left in its order', () => {
  const source = set([['s', 'nvarchar(5)']], [['b'], ['B'], ['a'], ['é']]);
  const grid = new GridRows(source);
  grid.sort(0, true);
  assert.deepEqual(grid.page(0, 4).flat(), ['B', 'a', 'b', 'é']);
  assert.deepEqual(source.rows.flat(), ['b', 'B', 'a', 'é']);
  assert.equal(grid.sourceRow(0), 1);
});

test('a decimal or bigint column sorts by value where some values came as exact text, and a text column by text', () => {
  const values = ['19999999999999999.98', 20000000000000000, '19999999999999999.99', 5, '-19999999999999999.98', null, '-3.50', '100000000000000000000'];
  const grid = new GridRows(set([['v', 'decimal(38,2)']], values.map((v) => [v])));
  grid.sort(0, true);
  assert.deepEqual(grid.page(0, 8).flat(), [null, '-19999999999999999.98', '-3.50', '5.00', '19999999999999999.98', '19999999999999999.99', '20000000000000000.00', '100000000000000000000']);
  const ids = new GridRows(set([['id', 'bigint']], [['9007199254740993'], [9007199254740992], ['10000000000000000000'], [-1]]));
  ids.sort(0, false);
  assert.deepEqual(ids.page(0, 4).flat(), ['10000000000000000000', '9007199254740993', '9007199254740992', '-1']);
  const texts = new GridRows(set([['s', 'varchar(5)']], [['10'], ['9']]));
  texts.sort(0, true);
  assert.deepEqual(texts.page(0, 2).flat(), ['10', '9']);
});

test('compareValues: NULL and missing are equal and first; booleans as 0/1', () => {
  assert.equal(compareValues(null, undefined), 0);
  assert.ok(compareValues(null, -1e9) < 0);
  assert.ok(compareValues('a', null) > 0);
  assert.ok(compareValues(false, true) < 0);
});

test('a rectangle picks its rows and columns in the grid\'s order, raw values kept for saving', () => {
  const grid = people();
  grid.sort(0, true);
  const picked = grid.pick([{ fromRow: 1, toRow: 2, fromCell: 1, toCell: 2 }]);
  assert.deepEqual(picked.columns.map((c) => c.name), ['name', 'score']);
  assert.deepEqual(picked.rows, [
    [null, 10],
    ['cy', 0.1 + 0.2],
  ]);
});

test('a range given backwards (dragged up and left) is the same range', () => {
  const grid = people();
  assert.deepEqual(grid.pick([{ fromRow: 2, toRow: 1, fromCell: 1, toCell: 0 }]), grid.pick([{ fromRow: 1, toRow: 2, fromCell: 0, toCell: 1 }]));
});

test('ranges past the edges are clipped, and one wholly outside picks nothing', () => {
  const grid = people();
  assert.equal(grid.pick([{ fromRow: 2, toRow: 99, fromCell: -3, toCell: 0 }]).rows.length, 2);
  assert.deepEqual(grid.pick([{ fromRow: 10, toRow: 12, fromCell: 0, toCell: 0 }]), { columns: [], rows: [] });
});

test('several ranges: the union of their rows and columns, cells outside every range left out (blank when copied)', () => {
  const grid = people();
  const picked = grid.pick([
    { fromRow: 0, toRow: 0, fromCell: 0, toCell: 0 },
    { fromRow: 2, toRow: 2, fromCell: 2, toCell: 2 },
    { fromRow: 0, toRow: 0, fromCell: 0, toCell: 0 },
  ]);
  assert.deepEqual(picked.columns.map((c) => c.name), ['id', 'score']);
  assert.deepEqual(picked.rows, [
    [3, undefined],
    [undefined, 10],
  ]);
  assert.equal(toTsv(picked, { headers: false }), '3\t\n\t10\n');
});

test('all() is every row in the grid\'s order, every column', () => {
  const grid = people();
  grid.sort(0, false);
  assert.deepEqual(grid.all().rows.map((r) => r[0]), [4, 3, 2, 1]);
  assert.equal(grid.all().columns.length, 3);
  assert.deepEqual(new GridRows(set([['a', 'int']], [])).all().rows, []);
});

test('a million rows sort and page without holding their text', () => {
  const rows = Array.from({ length: 1_000_000 }, (_, i) => [(i * 7919) % 1_000_000]);
  const grid = new GridRows(set([['n', 'int']], rows));
  grid.sort(0, false);
  assert.deepEqual(grid.page(0, 2).flat(), ['999999', '999998']);
  assert.deepEqual(grid.page(999_999, 5).flat(), ['0']);
});

test('a result set that came as columns pages, sorts and picks as its rows would, without making them', () => {
  const day = (d: number) => new Date(Date.UTC(2024, 0, 1 + d));
  const sent = withColumnarRows(
    { columns: [{ name: 'x', type: 'float' }, { name: 'label', type: 'nvarchar(10)' }, { name: 'day', type: 'date' }] },
    {
      values: [
        { kind: 'f8', data: Float64Array.from([2.5, 0, -1, 0.1 + 0.2]), nulls: Uint8Array.from([0, 1, 0, 0]) },
        codedColumn(['b', 'a', null, 'b']),
        { kind: 'dt', data: Float64Array.from([3, 1, 2, 0].map((d) => day(d).getTime())), nulls: null },
      ],
      rowCount: 4,
    },
  );
  const encoded = JSON.parse(JSON.stringify(encodeRunOutcome({ batches: [{ line: 0, resultSets: [sent], messages: [] }], sessions: [] }))) as EncodedRunOutcome;
  const decoded = decodeResultSet(encoded.batches[0]!.resultSets[0]!, nodeBase64);
  const byRows = new GridRows(set(decoded.columns.map((c) => [c.name, c.type]), decoded.rows));
  const byColumns = new GridRows({
    columns: decoded.columns,
    columnar: decoded.columnar,
    get rows(): unknown[][] {
      throw new Error('the rows were made');
    },
  });
  assert.equal(byColumns.length, 4);
  assert.deepEqual(byColumns.page(0, 4), byRows.page(0, 4));
  assert.deepEqual(byColumns.page(0, 1), [['2.5', 'b', '2024-01-04']]);
  for (const [column, ascending] of [[2, true], [0, false], [1, true]] as const) {
    byColumns.sort(column, ascending);
    byRows.sort(column, ascending);
    assert.deepEqual(byColumns.page(0, 4), byRows.page(0, 4), `sorted by column ${column}`);
  }
  const ranges = [{ fromRow: 1, toRow: 2, fromCell: 0, toCell: 2 }];
  assert.deepEqual(byColumns.pick(ranges), byRows.pick(ranges));
});
