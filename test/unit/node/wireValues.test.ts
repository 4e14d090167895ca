// Result values on the instance socket's JSON (wireValues.ts): what JSON cannot carry is converted, the rest is not copied.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { wireRow } from '../../../server/src/node/instance/wireValues';

test('wireRow: values JSON cannot carry as they are are shown as SQL Server tools show them', () => {
  const row = [new Date(Date.UTC(2024, 1, 29, 13, 5, 9, 120)), 2n ** 60n, 42n, Uint8Array.from([0, 171, 255]), 'x', null];
  assert.deepEqual(wireRow(row), ['2024-02-29 13:05:09.120', '1152921504606846976', 42, '0x00ABFF', 'x', null]);
  assert.ok(row[0] instanceof Date, 'the row it was given is left as it was');
});

test('wireRow: a row of numbers, text, bits and NULLs goes as it is, without a copy', () => {
  const row = [1.5, 'label', true, null, -3];
  assert.equal(wireRow(row), row);
});
