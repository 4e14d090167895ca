import { test } from 'node:test';
import assert from 'node:assert/strict';
import { allTestsRequired, RequiredTestCannotRun, skipReason } from '../../support/requireOrSkip';

test('tests are required with SQLML_REQUIRE_ALL_TESTS=1, or in CI unless the variable says 0', () => {
  assert.equal(allTestsRequired({}), false);
  assert.equal(allTestsRequired({ SQLML_REQUIRE_ALL_TESTS: '1' }), true);
  assert.equal(allTestsRequired({ SQLML_REQUIRE_ALL_TESTS: '0', CI: 'true' }), false);
  assert.equal(allTestsRequired({ CI: 'true' }), true);
  assert.equal(allTestsRequired({ CI: 'false' }), false);
  assert.equal(allTestsRequired({ CI: '0' }), false);
  assert.equal(allTestsRequired({ CI: '' }), false);
});

test('skipReason: nothing missing runs; a reason skips locally and fails, with that reason, where tests are required', () => {
  assert.equal(skipReason(undefined, { SQLML_REQUIRE_ALL_TESTS: '1' }), undefined);
  assert.equal(skipReason('', {}), undefined);
  assert.equal(skipReason('needs root', {}), 'needs root');
  assert.throws(() => skipReason('needs root', { SQLML_REQUIRE_ALL_TESTS: '1' }), (err: unknown) => err instanceof RequiredTestCannotRun && /cannot run: needs root/.test(err.message));
});
