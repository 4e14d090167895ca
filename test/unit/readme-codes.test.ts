import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { README, readmeCodesSection, renderCodesTable } from '../../scripts/codesTable';

test("the README's diagnostic code table is the core's code table (npm run docs:codes)", () => {
  assert.equal(readmeCodesSection(readFileSync(README, 'utf8')), renderCodesTable());
});
