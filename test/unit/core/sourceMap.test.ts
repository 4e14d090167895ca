import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SourceMap, SourceMapBuilder } from '../../../server/src/core/text/sourceMap';
import { LineIndex } from '../../../server/src/core/text/lineIndex';
import { decodeString } from '../../../server/src/core/tsql/literals';
import { lex } from '../../../server/src/core/tsql/lexer';

test("'' unescaping keeps every decoded character mapped to its source character", () => {
  const text = "x = N'a''b''''c'";
  const token = lex(text).tokens.find((t) => t.kind === 'string')!;
  const decoded = decodeString(text, token);
  assert.equal(decoded.text, "a'b''c");
  for (let i = 0; i < decoded.text.length; i++) {
    assert.equal(text[decoded.map.toSource(i)], decoded.text[i], `character ${i}`);
  }
  // The decoded apostrophe maps to the first quote of its pair.
  assert.equal(decoded.map.toSource(1), 7);
});

test('a map of a concatenation keeps each piece at its own place', () => {
  const b = new SourceMapBuilder();
  b.add(10, 3); // "abc" from 10..12
  b.add(50, 2); // "de" from 50..51
  const map = b.build();
  assert.equal(map.toSource(2), 12);
  assert.equal(map.toSource(3), 50);
  assert.deepEqual(map.toSourceRange(1, 4), [11, 51]);
  assert.deepEqual(map.toSourceRange(3, 3), [50, 50]);
});

test('composition maps a script inside dynamic SQL straight to the document', () => {
  // The document holds a string whose value is T-SQL holding another string.
  const doc = "EXEC(N'SELECT N''it''''s''')";
  const outer = decodeString(doc, lex(doc).tokens.find((t) => t.kind === 'string')!);
  assert.equal(outer.text, "SELECT N'it''s'");
  const innerToken = lex(outer.text).tokens.find((t) => t.kind === 'string')!;
  const inner = decodeString(outer.text, innerToken);
  assert.equal(inner.text, "it's");
  const composed = inner.map.composeWith(outer.map);
  assert.equal(doc[composed.toSource(0)], 'i');
  assert.equal(doc[composed.toSource(2)], "'");
  assert.equal(doc[composed.toSource(3)], 's');
  assert.equal(composed.toSource(3) - composed.toSource(2), 4, "the '' of both levels are skipped");
});

test('identity maps and line indexes agree on LSP positions with CRLF and astral characters', () => {
  const text = 'a\r\nb😀c\rd\ne';
  const lines = new LineIndex(text);
  assert.equal(lines.lineCount, 4);
  assert.deepEqual(lines.positionAt(text.indexOf('c')), { line: 1, character: 3 });
  assert.equal(lines.offsetAt({ line: 2, character: 0 }), text.indexOf('d'));
  assert.equal(lines.offsetAt({ line: 1, character: 99 }), text.indexOf('\r', 3), 'clamped to the line end');
  assert.equal(SourceMap.identity(5, 3).toSource(2), 7);
});
