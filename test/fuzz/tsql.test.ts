// Fuzzing the T-SQL analysis and the instance's parser with fixed seeds (see targets/tsql.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { runTargetInChild } from '../support/fuzzProcess';

const TARGETS = join(__dirname, 'targets', 'tsql.ts');

for (const [name, what] of [
  ['mutatedFixtures', 'mutated real documents'],
  ['generatedCalls', 'generated sp_execute_external_script calls, nested in dynamic SQL'],
] as const) {
  test(`fuzz: ${what} give positioned problems, never an exception, a hang or a runaway heap`, async () => {
    const outcome = await runTargetInChild(TARGETS, name);
    assert.deepEqual(outcome.findings, []);
    assert.ok(outcome.cases > 0, 'the target ran no case');
  });
}

test('fuzz: analysis time grows in step with the text (×4 the size, at most ×12 the CPU time) for inputs that grow one way', async () => {
  const outcome = await runTargetInChild(join(__dirname, 'targets', 'tsqlGrowth.ts'), 'growth');
  assert.deepEqual(outcome.findings, []);
  assert.ok(outcome.cases > 0, 'the target ran no case');
});
