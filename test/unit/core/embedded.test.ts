import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkEmbedded } from '../../../server/src/core/analysis/analyze';
import type { EmbeddedCheckRequest, EmbeddedChecker, EmbeddedCheckResult } from '../../../server/src/core/embedded/ports';
import { run } from './helpers';

/** An in-memory checker: reports a finding at the first occurrence of 'BAD' in each script. */
class FakeChecker implements EmbeddedChecker {
  readonly requests: EmbeddedCheckRequest[] = [];
  constructor(private readonly unavailable?: EmbeddedCheckResult['unavailable']) {}
  async check(request: EmbeddedCheckRequest): Promise<EmbeddedCheckResult> {
    this.requests.push(request);
    const lines = request.script.split('\n');
    const findings = lines.flatMap((l, line) =>
      l.includes('BAD') ? [{ kind: 'syntax' as const, message: 'invalid syntax', start: { line, column: l.indexOf('BAD') }, end: { line, column: l.indexOf('BAD') + 3 } }] : [],
    );
    return this.unavailable ? { findings, unavailable: this.unavailable } : { findings };
  }
  dispose(): void {}
}

test("a finding in the script lands on the exact .sql characters, across '' and concatenation", async () => {
  const text = `DECLARE @s nvarchar(max) = N'print(''hi'')' + NCHAR(10) + N'x = ''a'' BAD';
EXEC sp_execute_external_script @language = N'Python', @script = @s`;
  const analysis = run(text);
  const problems = await checkEmbedded(analysis, new FakeChecker());
  assert.equal(problems.length, 1);
  assert.equal(problems[0]!.code, 'SQLML200');
  assert.equal(problems[0]!.source, 'python');
  assert.equal(text.slice(problems[0]!.start, problems[0]!.end), 'BAD');
});

test('the checker is told the names the runtime defines', async () => {
  const text = `DECLARE @n int;
EXEC sp_execute_external_script @language = N'Python', @script = N'n = len(df)', @input_data_1 = N'SELECT 1',
  @input_data_1_name = N'df', @params = N'@n int OUTPUT', @n = @n OUTPUT`;
  const checker = new FakeChecker();
  await checkEmbedded(run(text), checker);
  assert.deepEqual(checker.requests[0]!.knownNames, ['df', 'OutputDataSet', 'n', 'pandas', 'sqlml_query']);
});

test('R findings get the R code and a missing tool is said once per document', async () => {
  const text = `EXEC sp_execute_external_script @language = N'R', @script = N'BAD'
EXEC sp_execute_external_script @language = N'R', @script = N'y <- 1'`;
  const checker = new FakeChecker([{ tool: 'r', message: 'R checks are off: install r-base-core' }]);
  const problems = await checkEmbedded(run(text), checker);
  assert.deepEqual(problems.map((p) => p.code), ['SQLML210', 'SQLML290']);
  assert.equal(problems[1]!.severity, 'information');
});

test('scripts in other languages or unknown scripts are not sent to a checker', async () => {
  const text = `CREATE PROCEDURE p @s nvarchar(max) AS
EXEC sp_execute_external_script @language = N'Python', @script = @s`;
  const checker = new FakeChecker();
  await checkEmbedded(run(text), checker);
  assert.equal(checker.requests.length, 0);
});
