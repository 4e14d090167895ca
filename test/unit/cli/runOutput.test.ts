import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatResultSet } from '../../../server/src/cli/runOutput';
import type { WireResultSet } from '../../../server/src/node/instance/protocol';

test('a result set prints as an aligned table, numbers to the right, however many rows it has', () => {
  const rows = Array.from({ length: 300_000 }, (_, i) => [i, `row ${i}`]);
  const set = { columns: [{ name: 'n', type: 'int' }, { name: 'label', type: 'nvarchar(20)' }], rows } as unknown as WireResultSet;
  const lines = formatResultSet(set).split('\n');
  assert.equal(lines.length, rows.length + 2);
  assert.equal(lines[0], '     n label');
  assert.equal(lines[1], '------ ----------');
  assert.equal(lines[2], '     0 row 0');
  assert.equal(lines[lines.length - 1], '299999 row 299999');
});
