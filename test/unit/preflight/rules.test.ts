import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze, DEFAULT_OPTIONS } from '../../../server/src/core/analysis/analyze';
import { CODES } from '../../../server/src/core/diagnostics/codes';
import { parseScript } from '../../../server/src/core/engine/parser';
import { preflightProblems, questionsFor, type DatabaseAnswers } from '../../../server/src/core/preflight';
import { answers, applyFix, planOf, where } from './helpers';

const DOC = `USE ml;
GO
INSERT INTO dbo.scores (id, score)
EXEC sp_execute_external_script
    @language = N'Python',
    @script = N'
rows = sqlml_query("SELECT id FROM dbo.audit")
OutputDataSet = InputDataSet
',
    @input_data_1 = N'SELECT id, sepal_length FROM dbo.iris';
`;

function ml(over: Partial<DatabaseAnswers> = {}): DatabaseAnswers {
  return {
    database: 'ml',
    name: 'ml',
    user: 'alice',
    failure: null,
    executeAnyExternalScript: true,
    languages: [{ language: 'Python', allowed: true }],
    tables: [
      { schema: 'dbo', name: 'iris', permission: 'SELECT', allowed: true },
      { schema: 'dbo', name: 'scores', permission: 'INSERT', allowed: true },
      { schema: 'dbo', name: 'audit', permission: 'SELECT', allowed: true },
    ],
    ...over,
  };
}

test('the plan: database from USE, tables of @input_data_1, the INSERT target, the loopback query, positioned in the .sql', () => {
  const plan = planOf(DOC);
  const [call] = plan.calls;
  assert.equal(call!.database, 'ml');
  assert.equal(call!.language, 'Python');
  assert.deepEqual(
    call!.tables.map((t) => `${t.permission} ${t.schema}.${t.name} (${t.via}) @${DOC.slice(t.range[0], t.range[1])}`),
    ['SELECT dbo.iris (input) @dbo.iris', 'INSERT dbo.scores (insert-target) @dbo.scores', 'SELECT dbo.audit (loopback) @dbo.audit'],
  );
  assert.deepEqual(call!.usages.map((u) => `${u.kind} @${DOC.slice(u.range[0], u.range[1])}`), ['trusted-loopback @sqlml_query']);
  assert.equal(DOC.slice(call!.insertAt, call!.insertAt + 11), 'INSERT INTO', 'DBA statements go before the call’s batch');
  assert.deepEqual(call!.input, { query: 'SELECT id, sepal_length FROM dbo.iris', params: null });
});

test('everything allowed: no problems; nothing known yet: only what the script itself shows', () => {
  const plan = planOf(DOC);
  assert.deepEqual(preflightProblems(plan, answers({ databases: [ml()] })), []);
  assert.deepEqual(preflightProblems(plan, null), []);
  assert.deepEqual(preflightProblems(plan, answers({ databases: [] })), [], 'databases not answered yet');
});

test('each finding has its code, its place in the .sql and the DBA statement as a quick fix', () => {
  const plan = planOf(DOC);
  const problems = preflightProblems(
    plan,
    answers({
      externalScriptsEnabled: false,
      groupLogins: { logins: [], complete: true },
      databases: [
        ml({
          executeAnyExternalScript: false,
          languages: [{ language: 'Python', allowed: false }],
          tables: [
            { schema: 'dbo', name: 'iris', permission: 'SELECT', allowed: false },
            { schema: 'dbo', name: 'scores', permission: 'INSERT', allowed: false },
            { schema: 'dbo', name: 'audit', permission: 'SELECT', allowed: null },
          ],
        }),
      ],
    }),
  );
  assert.deepEqual(where(DOC, problems), [
    'SQLML303 3:13 dbo.scores',
    'SQLML300 4:6 sp_execute_external_script',
    'SQLML301 4:6 sp_execute_external_script',
    'SQLML310 7:8 sqlml_query',
    'SQLML304 7:36 dbo.audit',
    'SQLML302 10:52 dbo.iris',
  ]);
  const by = (code: string) => problems.find((p) => p.code === code)!;
  for (const p of problems) assert.equal(p.severity, CODES[p.code].severity);

  assert.match(by('SQLML300').message, /Msg 39023/);
  assert.deepEqual(by('SQLML300').fixes!.map((f) => f.title), ["Add the DBA statement: EXEC sp_configure 'external scripts enabled', 1; RECONFIGURE;"]);
  const enabled = applyFix(DOC, by('SQLML300').fixes![0]!);
  assert.equal(
    enabled,
    DOC.replace('INSERT INTO', "-- sqlml pre-flight (SQLML300): for a DBA to run\nEXEC sp_configure 'external scripts enabled', 1; RECONFIGURE;\nGO\nINSERT INTO"),
  );

  assert.match(by('SQLML301').message, /^'alice' \(user 'alice' in database 'ml'\) may not run external scripts: EXECUTE ANY EXTERNAL SCRIPT is not granted, nor EXECUTE EXTERNAL SCRIPT on EXTERNAL LANGUAGE::Python\. .*Msg 297/);
  assert.deepEqual(by('SQLML301').fixes!.map((f) => f.title), [
    'Add the DBA statement: GRANT EXECUTE ANY EXTERNAL SCRIPT TO [alice];',
    'Add the DBA statement: GRANT EXECUTE EXTERNAL SCRIPT ON EXTERNAL LANGUAGE::[Python] TO [alice];',
  ]);
  assert.equal(by('SQLML301').fixes![0]!.edits[0]!.newText, '-- sqlml pre-flight (SQLML301): for a DBA to run\nUSE [ml];\nGRANT EXECUTE ANY EXTERNAL SCRIPT TO [alice];\nGO\n');

  assert.equal(
    by('SQLML302').message,
    `'alice' lacks SELECT on dbo.iris, read by @input_data_1: it would fail with Msg 229, "The SELECT permission was denied on the object 'iris', database 'ml', schema 'dbo'."`,
  );
  assert.equal(by('SQLML302').fixes![0]!.edits[0]!.newText, '-- sqlml pre-flight (SQLML302): for a DBA to run\nUSE [ml];\nGRANT SELECT ON [dbo].[iris] TO [alice];\nGO\n');
  assert.match(by('SQLML303').message, /lacks INSERT on dbo\.scores, the INSERT \.\.\. EXEC target: it would fail with Msg 229/);
  assert.equal(by('SQLML303').fixes![0]!.title, 'Add the DBA statement: GRANT INSERT ON [dbo].[scores] TO [alice];');
  assert.equal(
    by('SQLML304').message,
    "Invalid object name 'dbo.audit' (Msg 208): database 'ml' has no such table or view, or 'alice' cannot see it (read by the script's loopback query, which acts as the caller).",
  );
  assert.equal(by('SQLML304').fixes, undefined);
  assert.match(by('SQLML310').message, /trusted loopback connection \(sqlml_query\).*'sqlmlusers'.*there is none.*Msg 18456/);
  assert.equal(by('SQLML310').fixes![0]!.title, 'Add the DBA statement: CREATE LOGIN [sqlmlusers] FROM OS;');

  // Every fix leaves a document that analyses exactly as before, and the statements it adds parse.
  const before = analyze(DOC, DEFAULT_OPTIONS).problems.map((p) => p.code);
  for (const p of problems) {
    for (const fix of p.fixes ?? []) {
      const fixed = applyFix(DOC, fix);
      assert.deepEqual(analyze(fixed, DEFAULT_OPTIONS).problems.map((x) => x.code), before, fix.title);
      const inserted = fix.edits[0]!.newText;
      for (const batch of parseScript(inserted)) assert.deepEqual(batch.errors, [], inserted);
    }
  }
});

test('per-language permission (2019+) is enough; before 2019 only EXECUTE ANY EXTERNAL SCRIPT is offered', () => {
  const plan = planOf(DOC);
  assert.deepEqual(preflightProblems(plan, answers({ databases: [ml({ executeAnyExternalScript: false })] })), []);
  const old = planOf(DOC, { sqlServerVersion: 2017 });
  assert.ok(!questionsFor(old).some((q) => q.kind === 'language'), 'the EXTERNAL LANGUAGE class is 2019+');
  const problems = preflightProblems(old, answers({ databases: [ml({ executeAnyExternalScript: false, languages: [] })] }));
  assert.deepEqual(problems.map((p) => p.code), ['SQLML301']);
  assert.deepEqual(problems[0]!.fixes!.map((f) => f.title), ['Add the DBA statement: GRANT EXECUTE ANY EXTERNAL SCRIPT TO [alice];']);
  assert.doesNotMatch(problems[0]!.message, /EXTERNAL LANGUAGE/);
});

test('a database the login cannot use is one finding, with CREATE USER for Msg 916; its other checks wait', () => {
  const plan = planOf(DOC);
  const failure = { number: 916, text: 'The server principal "alice" is not able to access the database "ml" under the current security context.' };
  const problems = preflightProblems(plan, answers({ databases: [ml({ failure, name: null, user: null, executeAnyExternalScript: null, tables: [] })] }));
  assert.deepEqual(where(DOC, problems), ['SQLML305 4:6 sp_execute_external_script']);
  assert.match(problems[0]!.message, /^'alice' cannot use database 'ml': Msg 916, "The server principal/);
  assert.equal(problems[0]!.fixes![0]!.edits[0]!.newText, '-- sqlml pre-flight (SQLML305): for a DBA to run\nUSE [ml];\nCREATE USER [alice] FOR LOGIN [alice];\nGO\n');
  const missing = preflightProblems(plan, answers({ databases: [ml({ failure: { number: 911, text: "Database 'ml' does not exist." }, name: null, user: null })] }));
  assert.deepEqual(missing.map((p) => [p.code, p.fixes]), [['SQLML305', undefined]]);
});

test('the worker-group login: disabled gets ALTER LOGIN ... ENABLE; unseen logins prove nothing; a Windows-style name counts', () => {
  const plan = planOf(DOC);
  const disabled = preflightProblems(plan, answers({ databases: [ml()], groupLogins: { logins: [{ name: 'SQLMLUSERS', disabled: true }], complete: true } }));
  assert.deepEqual(disabled.map((p) => p.code), ['SQLML310']);
  assert.match(disabled[0]!.message, /disabled/);
  assert.equal(disabled[0]!.fixes![0]!.title, 'Add the DBA statement: ALTER LOGIN [SQLMLUSERS] ENABLE;');
  assert.deepEqual(preflightProblems(plan, answers({ databases: [ml()], groupLogins: { logins: [], complete: false } })), []);
  assert.deepEqual(preflightProblems(plan, answers({ databases: [ml()], groupLogins: { logins: [{ name: 'HOST\\sqlmlusers', disabled: false }], complete: true } })), []);
  const custom = planOf(DOC, { workerGroups: ['poolausers'] });
  const other = preflightProblems(custom, answers({ databases: [ml()] }));
  assert.equal(other[0]!.fixes![0]!.title, 'Add the DBA statement: CREATE LOGIN [poolausers] FROM OS;');
});

test('a login that reaches the database only as guest gets its own user, never a GRANT to guest', () => {
  const plan = planOf(DOC);
  const problems = preflightProblems(plan, answers({ databases: [ml({ user: 'guest', executeAnyExternalScript: false, languages: [] })] }));
  assert.deepEqual(problems.map((p) => p.code), ['SQLML301']);
  assert.match(problems[0]!.message, /\(user 'guest' in database 'ml'\)/);
  assert.equal(
    problems[0]!.fixes![0]!.edits[0]!.newText,
    '-- sqlml pre-flight (SQLML301): for a DBA to run\nUSE [ml];\nCREATE USER [alice] FOR LOGIN [alice];\nGRANT EXECUTE ANY EXTERNAL SCRIPT TO [alice];\nGO\n',
  );
  const noLogin = preflightProblems(plan, answers({ login: null, databases: [ml({ user: 'guest', executeAnyExternalScript: false, languages: [] })] }));
  assert.deepEqual(noLogin[0]!.fixes, undefined);
});

test('a written password: SQLML311 with a fix to a trusted connection, offered only outside dynamic SQL', () => {
  const text = `EXEC sp_execute_external_script @language = N'Python', @script = N'
import pyodbc
c = pyodbc.connect("Driver={ODBC Driver 18};Server=.;UID=sa;PWD=S3cret;Database=ml")
'`;
  const problems = preflightProblems(planOf(text), null);
  assert.deepEqual(where(text, problems), ['SQLML311 3:61 PWD=S3cret']);
  assert.match(problems[0]!.message, /writes a password \(PWD=…\)/);
  const fixed = applyFix(text, problems[0]!.fixes![0]!);
  assert.match(fixed, /pyodbc\.connect\("Driver=\{ODBC Driver 18\};Server=\.;Database=ml;Trusted_Connection=yes"\)/);
  // The fixed script now opens a trusted loopback connection instead.
  assert.deepEqual(planOf(fixed).calls[0]!.usages.map((u) => u.kind), ['trusted-loopback']);

  const dynamic = `DECLARE @s nvarchar(max) = N'EXEC sp_execute_external_script @language = N''Python'', @script = N''c = connect("Server=.;UID=sa;PWD=x")''';\nEXEC (@s);`;
  const inDynamic = preflightProblems(planOf(dynamic), null);
  assert.deepEqual(where(dynamic, inDynamic), ['SQLML311 1:129 PWD=x']);
  assert.equal(inDynamic[0]!.fixes, undefined);
});

test('network use is SQLML312 wherever the script reaches out, with the call positioned in the .sql', () => {
  const text = `EXEC sp_execute_external_script @language = N'R', @script = N'
download.file("https://example.com/x.csv", "x.csv")
library(httr)
r <- GET("https://example.com")
'`;
  const problems = preflightProblems(planOf(text), null);
  assert.deepEqual(where(text, problems), ['SQLML312 2:1 download.file', 'SQLML312 4:6 GET']);
  assert.match(problems[0]!.message, /without outbound network.*unless an administrator allows network access/);
});

test('tables the document creates, #temp and @table targets are not asked about; three-part names ask their own database', () => {
  const text = `CREATE TABLE dbo.fresh (id int);
INSERT INTO @out EXEC sp_execute_external_script @language = N'Python', @script = N'OutputDataSet = InputDataSet',
  @input_data_1 = N'SELECT * FROM dbo.fresh JOIN #tmp ON 1=1 JOIN other.dbo.remote r ON 1=1';`;
  const plan = planOf(text);
  assert.deepEqual(plan.calls[0]!.tables.map((t) => `${t.database}.${t.schema}.${t.name}`), ['other.dbo.remote']);
  const keys = questionsFor(plan).map((q) => q.kind + ('database' in q ? `:${q.database}` : ''));
  assert.deepEqual(keys, ['login', 'scriptsEnabled', 'database:null', 'executeAny:null', 'tde:null', 'language:null', 'database:other', 'table:other', 'tde:other', 'encryptedColumns:other', 'describe:null']);
  const problems = preflightProblems(
    plan,
    answers({
      databases: [
        { ...ml(), database: null, name: 'master', user: 'alice' },
        { database: 'other', name: 'other', user: 'al', failure: null, executeAnyExternalScript: null, languages: [], tables: [{ schema: 'dbo', name: 'remote', permission: 'SELECT', allowed: false }] },
      ],
    }),
  );
  assert.deepEqual(problems.map((p) => p.code), ['SQLML302']);
  // In another database, the GRANT runs through that database's sp_executesql, so the batches after it keep theirs.
  assert.equal(problems[0]!.fixes![0]!.edits[0]!.newText, "-- sqlml pre-flight (SQLML302): for a DBA to run\nEXEC [other].sys.sp_executesql N'GRANT SELECT ON [dbo].[remote] TO [al];';\nGO\n");
});

test('@input_data_1 from a variable: the table is found where the literal is', () => {
  const text = `DECLARE @q nvarchar(max) = N'SELECT * FROM dbo.iris';
EXEC sp_execute_external_script @language = N'Python', @script = N'OutputDataSet = InputDataSet', @input_data_1 = @q;`;
  const problems = preflightProblems(planOf(text), answers({ databases: [{ ...ml(), database: null, tables: [{ schema: 'dbo', name: 'iris', permission: 'SELECT', allowed: false }] }] }));
  assert.deepEqual(where(text, problems), ['SQLML302 1:44 dbo.iris']);
  assert.equal(problems[0]!.fixes![0]!.edits[0]!.start, 0, 'before the batch: the DECLARE stays with the call');
});

test('CRLF documents get CRLF statements; a call in a procedure gets its statements before CREATE PROCEDURE', () => {
  const text = 'USE ml;\r\nGO\r\nCREATE PROCEDURE dbo.score AS\r\nEXEC sp_execute_external_script @language = N\'R\', @script = N\'x <- 1\';\r\n';
  const problems = preflightProblems(planOf(text), answers({ externalScriptsEnabled: false, databases: [ml()] }));
  const fixed = applyFix(text, problems[0]!.fixes![0]!);
  assert.equal(fixed, "USE ml;\r\nGO\r\n-- sqlml pre-flight (SQLML300): for a DBA to run\r\nEXEC sp_configure 'external scripts enabled', 1; RECONFIGURE;\r\nGO\r\nCREATE PROCEDURE dbo.score AS\r\nEXEC sp_execute_external_script @language = N'R', @script = N'x <- 1';\r\n");
});
