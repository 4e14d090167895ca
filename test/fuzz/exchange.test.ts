// Fuzzing the launcher's readers of untrusted input with fixed seeds (see targets/exchange.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { runTargetInChild } from '../support/fuzzProcess';

const TARGETS = join(__dirname, 'targets', 'exchange.ts');

for (const [name, what] of [
  ['mutatedResults', "mutated satellite result files give a result or a clean 'malformed' error"],
  ['randomResults', "random bytes as a satellite's result give a clean 'malformed' error"],
  ['mutatedCsv', 'mutated CSV input gives rows or a clean error'],
  ['csvRoundTrip', "text written by the results panel's CSV export reads back unchanged"],
] as const) {
  test(`fuzz: ${what}, never an exception, a hang or a runaway heap`, async () => {
    const outcome = await runTargetInChild(TARGETS, name, { stallMs: 30_000, maxHeapMb: 256 });
    assert.deepEqual(outcome.findings, []);
    assert.ok(outcome.cases > 0, 'the target ran no case');
  });
}
