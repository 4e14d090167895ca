import { test } from 'node:test';
import assert from 'node:assert/strict';
import { normalizeRequest, type LaunchRequest } from '../../../server/src/core/launcher/request';
import { planRuns } from '../../../server/src/core/launcher/runs';

const base: LaunchRequest = { caller: 'alice', database: 'db', language: 'Python', script: 'OutputDataSet = InputDataSet' };

function normalized(patch: Partial<LaunchRequest>) {
  const r = normalizeRequest({ ...base, ...patch });
  assert.ok(r.ok, r.ok ? '' : r.error.message);
  return r.request;
}

function refused(patch: Partial<LaunchRequest>): string {
  const r = normalizeRequest({ ...base, ...patch });
  assert.equal(r.ok, false);
  return r.ok ? '' : r.error.message;
}

test('defaults: InputDataSet, OutputDataSet, pool default; language is case-insensitive', () => {
  const r = normalized({ language: 'PYTHON' });
  assert.equal(r.language, 'python');
  assert.equal(r.inputName, 'InputDataSet');
  assert.equal(r.outputName, 'OutputDataSet');
  assert.equal(r.pool, 'default');
  assert.match(refused({ language: 'Java' }), /'Java' is not available/);
});

test('@params names lose their @, become variables, and @r_rowsPerRead sets the chunk size', () => {
  const r = normalized({
    params: [
      { name: '@r_rowsPerRead', type: 'int', value: 5 },
      { name: '@ParamINT', type: 'int', value: 0, output: true },
    ],
  });
  assert.deepEqual(r.params.map((p) => [p.name, p.type.kind, p.output]), [['r_rowsPerRead', 'i4', false], ['ParamINT', 'i4', true]]);
  assert.equal(r.rowsPerRead, 5);
  assert.match(refused({ params: [{ name: '@r_rowsPerRead', type: 'int', value: 0 }] }), /positive whole number/);
});

test('names must be variable names of the language; caller strings may not carry control characters', () => {
  assert.match(refused({ inputName: 'my data' }), /not a valid Python variable name/);
  assert.match(refused({ inputName: 'class' }), /not a valid Python/);
  assert.equal(normalized({ language: 'R', inputName: 'my.data' }).inputName, 'my.data');
  assert.match(refused({ language: 'R', outputName: '.2x' }), /not a valid R/);
  assert.match(refused({ params: [{ name: '@$(touch /tmp/pwn)', type: 'int', value: 1 }] }), /cannot be a Python variable name/);
  assert.match(refused({ caller: 'alice\nFAKE LOG LINE' }), /control character/);
  assert.match(refused({ caller: 'a\u0000b' }), /control character/);
  assert.match(refused({ caller: '' }), /empty/);
  assert.match(refused({ params: [{ name: '@a', type: 'int', value: 1 }, { name: '@A', type: 'int', value: 2 }] }), /bound twice/);
  // Shell metacharacters are fine in a login name: they never reach a shell.
  assert.equal(normalized({ caller: "bob'; $(touch /tmp/pwn) `id`" }).caller, "bob'; $(touch /tmp/pwn) `id`");
});

test('input types are checked; partition and order columns resolve case-insensitively', () => {
  const input = { columns: [{ name: 'Region', type: 'varchar(10)' }, { name: 'v', type: 'float' }], rows: [] };
  const r = normalized({ input, partitionBy: ['region'], orderBy: ['V'] });
  assert.deepEqual(r.partitionBy, [0]);
  assert.deepEqual(r.orderBy, [1]);
  assert.match(refused({ input, partitionBy: ['nope'] }), /Invalid column name 'nope'/);
  assert.match(refused({ partitionBy: ['x'] }), /needs @input_data_1/);
  assert.match(refused({ input: { columns: [{ name: 'x', type: 'xml' }], rows: [] } }), /Unsupported input data type in column 'x'/);
});

test('runs: one per partition in key order (NULL first, case-insensitive), rows ordered, chunks by rowsPerRead', () => {
  const rows = [
    ['b', 3],
    ['A', 2],
    [null, 9],
    ['a', 1],
    ['B', 1],
  ];
  const input = { columns: [{ name: 'k', type: 'varchar(5)' }, { name: 'v', type: 'int' }], rows };
  const plan = planRuns(normalized({ input, partitionBy: ['k'], orderBy: ['v'] }));
  const row = (k: number) => rows[plan.order ? plan.order[k]! : k]!;
  assert.deepEqual(
    plan.runs.map((r) => r.chunks.map((c) => Array.from({ length: c.count }, (_, k) => row(c.start + k)[1]))),
    [[[9]], [[1, 2]], [[1, 3]]],
  );
  const chunked = planRuns(normalized({ input, params: [{ name: '@r_rowsPerRead', type: 'int', value: 2 }] }));
  assert.equal(chunked.runs.length, 1);
  assert.equal(chunked.order, null, 'without partitions or order the rows go as they are, without a copy of their order');
  assert.deepEqual(chunked.runs[0]!.chunks, [{ start: 0, count: 2 }, { start: 2, count: 2 }, { start: 4, count: 1 }]);
  assert.deepEqual(planRuns(normalized({})), { order: null, runs: [{ chunks: [{ start: 0, count: 0 }] }] }, 'no input: one run of one empty chunk');
});
