import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inputColumnsHover, inputNameAt, mergeHovers } from '../../../server/src/core/preflight';
import { answers, planOf } from './helpers';

const DOC = `USE ml;
EXEC sp_execute_external_script @language = N'Python',
  @script = N'df = iris_in
OutputDataSet = df',
  @input_data_1 = N'SELECT id, species FROM dbo.iris',
  @input_data_1_name = N'iris_in';
`;

const described = answers({
  describes: [{ database: 'ml', query: 'SELECT id, species FROM dbo.iris', columns: [{ name: 'id', type: 'int' }, { name: 'species', type: 'nvarchar(20)' }], failure: null }],
});

test('the input name is found on @input_data_1_name, on @input_data_1 and where the script uses it', () => {
  const plan = planOf(DOC);
  const at = (needle: string, k = 0) => {
    const offset = DOC.indexOf(needle) + k;
    const found = inputNameAt(plan, offset);
    return found ? DOC.slice(found.range[0], found.range[1]) : null;
  };
  assert.equal(at("N'iris_in'", 3), "N'iris_in'");
  assert.equal(at('@input_data_1_name', 2), '@input_data_1_name');
  assert.equal(at('@input_data_1 ', 2), '@input_data_1');
  assert.equal(at('iris_in\nOutput', 2), 'iris_in');
  assert.equal(at('OutputDataSet', 2), null);
  assert.equal(at('@language', 2), null);
});

test('hover shows the columns and types the instance described', () => {
  const plan = planOf(DOC);
  const hover = inputColumnsHover(plan, described, DOC.indexOf('iris_in\nOutput') + 1)!;
  assert.equal(
    hover.markdown,
    '**iris_in**: the rows of @input_data_1, as the instance describes them (database ml)\n\n| column | type |\n|---|---|\n| id | int |\n| species | nvarchar(20) |',
  );
  assert.equal(DOC.slice(hover.start, hover.end), 'iris_in');
  assert.equal(inputColumnsHover(plan, answers(), DOC.indexOf('iris_in\nOutput') + 1), null, 'not described (yet)');
  assert.equal(inputColumnsHover(plan, null, DOC.indexOf('iris_in\nOutput') + 1), null);
});

test('a query the instance could not describe says why', () => {
  const plan = planOf(DOC);
  const failed = answers({ describes: [{ database: 'ml', query: 'SELECT id, species FROM dbo.iris', columns: null, failure: { number: 208, text: "Invalid object name 'dbo.iris'." } }] });
  const hover = inputColumnsHover(plan, failed, DOC.indexOf("N'iris_in'") + 3)!;
  assert.match(hover.markdown, /could not describe the query: Msg 208, Invalid object name 'dbo\.iris'\./);
});

test('merged with the core hover: the core first, on the core range', () => {
  assert.equal(mergeHovers(null, null), null);
  const a = { markdown: 'A', start: 1, end: 2 };
  const b = { markdown: 'B', start: 0, end: 5 };
  assert.deepEqual(mergeHovers(a, null), a);
  assert.deepEqual(mergeHovers(null, b), b);
  assert.deepEqual(mergeHovers(a, b), { markdown: 'A\n\n---\n\nB', start: 1, end: 2 });
});
