// The Excel export: the ZIP it writes is read back by an independent reader (Python's zipfile, which
// checks every CRC-32) and its sheet by an XML parser: the header row bold, numbers as numbers, text
// (escaped, controls XML cannot carry dropped) as inline strings, NULL as an absent cell, A1 references
// right past column Z; the parts and content types Excel requires are there. CRC-32 matches the
// standard check value.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cellRef, toXlsx } from '../../../client/src/results/xlsx';
import { crc32 } from '../../../client/src/results/zip';
import type { ResultSetLike } from '../../../client/src/results/export';
import { skipReason } from '../../support/requireOrSkip';

const python = skipReason(spawnSync('/usr/bin/python3', ['-c', 'import zipfile, xml.dom.minidom']).status === 0 ? undefined : 'needs python3 (its zipfile module reads the workbook back)');

// Reads the workbook with zipfile (testzip verifies each entry's CRC) and prints the parts and the sheet's
// cells as JSON: [ref, type, style, value] with the value of <v> or the inline string's text.
const READER = `
import io, json, sys, zipfile
from xml.dom import minidom
z = zipfile.ZipFile(io.BytesIO(sys.stdin.buffer.read()))
assert z.testzip() is None, 'a bad CRC'
sheet = minidom.parseString(z.read('xl/worksheets/sheet1.xml'))
cells = []
for c in sheet.getElementsByTagName('c'):
    v = c.getElementsByTagName('v')
    t = c.getElementsByTagName('t')
    value = v[0].firstChild.data if v else ''.join(n.data for n in t[0].childNodes) if t and t[0].firstChild else ''
    cells.append([c.getAttribute('r'), c.getAttribute('t'), c.getAttribute('s'), value])
for name in z.namelist():
    minidom.parseString(z.read(name))  # every part is well-formed XML
print(json.dumps({'names': z.namelist(), 'types': z.read('[Content_Types].xml').decode(), 'cells': cells, 'rows': len(sheet.getElementsByTagName('row'))}))
`;

function readBack(bytes: Buffer): { names: string[]; types: string; cells: string[][]; rows: number } {
  const r = spawnSync('/usr/bin/python3', ['-c', READER], { input: bytes, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout);
}

const set = (columns: [string, string][], rows: unknown[][]): ResultSetLike => ({ columns: columns.map(([name, type]) => ({ name, type })), rows });

test('crc32 gives the standard check value', () => {
  assert.equal(crc32(Buffer.from('123456789')), 0xcbf43926);
  assert.equal(crc32(Buffer.alloc(0)), 0);
});

test('cell references run A…Z, AA…AZ, BA…, and past ZZ to AAA', () => {
  assert.deepEqual([cellRef(0, 1), cellRef(25, 2), cellRef(26, 3), cellRef(51, 1), cellRef(52, 1), cellRef(701, 1), cellRef(702, 1)], ['A1', 'Z2', 'AA3', 'AZ1', 'BA1', 'ZZ1', 'AAA1']);
});

test('a workbook reads back: bold header, numbers as numbers, text inline, NULL absent', { skip: python }, () => {
  const book = readBack(
    toXlsx(
      set(
        [['id', 'int'], ['', 'nvarchar(20)'], ['f', 'float'], ['ok', 'bit'], ['big', 'bigint']],
        [
          [1, 'one', 0.5, true, '9223372036854775807'],
          [2, null, null, false, null],
        ],
      ),
    ),
  );
  assert.deepEqual(book.names.sort(), ['[Content_Types].xml', '_rels/.rels', 'xl/_rels/workbook.xml.rels', 'xl/styles.xml', 'xl/workbook.xml', 'xl/worksheets/sheet1.xml']);
  assert.match(book.types, /spreadsheetml\.sheet\.main\+xml/);
  assert.equal(book.rows, 3);
  assert.deepEqual(book.cells, [
    ['A1', 'inlineStr', '1', 'id'],
    ['B1', 'inlineStr', '1', '(No column name)'],
    ['C1', 'inlineStr', '1', 'f'],
    ['D1', 'inlineStr', '1', 'ok'],
    ['E1', 'inlineStr', '1', 'big'],
    ['A2', '', '', '1'],
    ['B2', 'inlineStr', '', 'one'],
    ['C2', '', '', '0.5'],
    ['D2', '', '', '1'],
    ['E2', 'inlineStr', '', '9223372036854775807'],
    ['A3', '', '', '2'],
    ['D3', '', '', '0'],
  ]);
});

test('text with markup, quotes, line breaks and characters XML cannot carry survives as text', { skip: python }, () => {
  const evil = '<b>"x" & \'y\'</b>\r\nline2\u0001\u0007 é😀';
  const book = readBack(toXlsx(set([['v', 'nvarchar(max)']], [[evil], ['NULL']])));
  assert.deepEqual(
    book.cells.slice(1).map((c) => c[3]),
    ['<b>"x" & \'y\'</b>\r\nline2 é😀', 'NULL'],
  );
});

test('an empty result set is a header row only; a thousand rows are a thousand and one', { skip: python }, () => {
  assert.equal(readBack(toXlsx(set([['a', 'int']], []))).rows, 1);
  const many = readBack(toXlsx(set([['n', 'int']], Array.from({ length: 1000 }, (_, i) => [i]))));
  assert.equal(many.rows, 1001);
  assert.deepEqual(many.cells.at(-1), ['A1001', '', '', '999']);
});
