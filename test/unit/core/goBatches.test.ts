import { test } from 'node:test';
import assert from 'node:assert/strict';
import { goBatches } from '../../../server/src/core/tsql/goBatches';
import { parseScript } from '../../../server/src/core/engine/parser';

test('batches are cut at GO lines with the lines where they start, as the embedded engine numbers them', () => {
  const text = ['SELECT 1 AS a;', 'GO', '', 'SELECT 2 AS b;', "PRINT 'GO';", 'GO 2', '/* GO */ SELECT 3;', 'go', ''].join('\n');
  const batches = goBatches(text);
  assert.deepEqual(batches.map((b) => [b.line, b.repeat, b.text]), [
    [0, 1, 'SELECT 1 AS a;\n'],
    [2, 2, "\nSELECT 2 AS b;\nPRINT 'GO';\n"],
    [6, 1, '/* GO */ SELECT 3;\n'],
  ]);
  assert.deepEqual(batches.map((b) => b.line), parseScript(text).map((b) => b.startLine));
});

test('CRLF texts, no GO at all, and GO lines alone', () => {
  assert.deepEqual(goBatches('SELECT 1\r\nGO\r\nSELECT 2').map((b) => [b.line, b.text]), [[0, 'SELECT 1\r\n'], [2, 'SELECT 2']]);
  assert.deepEqual(goBatches('SELECT 1').map((b) => b.line), [0]);
  assert.deepEqual(goBatches('GO\nGO\n'), []);
});
