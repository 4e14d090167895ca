import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseScript } from '../../../server/src/core/engine/parser';
import {
  askInstance,
  assembleAnswers,
  buildRequests,
  preflightProblems,
  questionKey,
  questionsFor,
  readOutcome,
  type TsqlOutcome,
} from '../../../server/src/core/preflight';
import { FakeInstance, fakeWorld, planOf, where } from './helpers';

const DOC = `USE ml;
GO
INSERT INTO dbo.scores (id, score)
EXEC sp_execute_external_script @language = N'Python',
  @script = N'rows = sqlml_query("SELECT id FROM dbo.iris")
OutputDataSet = InputDataSet',
  @input_data_1 = N'SELECT id, sepal_length FROM dbo.iris WHERE species = ''setosa''';
GO
EXEC sp_execute_external_script @language = N'R', @script = N'OutputDataSet <- InputDataSet', @input_data_1 = N'SELECT * FROM dbo.iris';
`;

test('one text asks everything: server questions, one batch per database (USE first), one per description', () => {
  const questions = questionsFor(planOf(DOC));
  const [request, ...more] = buildRequests(questions, { separateInstanceQuestions: false });
  assert.equal(more.length, 0);
  assert.equal(
    request!.text,
    [
      'SELECT SUSER_SNAME() AS [q0];',
      "SELECT value_in_use AS [q1] FROM sys.configurations WHERE name = N'external scripts enabled';",
      "SELECT name AS [q7], is_disabled AS [q7_disabled] FROM sys.server_principals WHERE type = 'G';",
      "SELECT HAS_PERMS_BY_NAME(NULL, N'SERVER', N'VIEW ANY DEFINITION') AS [q7_all];",
      'GO',
      'USE [ml];',
      'SELECT DB_NAME() AS [q2], USER_NAME() AS [q2_user];',
      "SELECT HAS_PERMS_BY_NAME(DB_NAME(), N'DATABASE', N'EXECUTE ANY EXTERNAL SCRIPT') AS [q3];",
      "SELECT HAS_PERMS_BY_NAME(N'Python', N'EXTERNAL LANGUAGE', N'EXECUTE EXTERNAL SCRIPT') AS [q4];",
      "SELECT HAS_PERMS_BY_NAME(N'[dbo].[iris]', N'OBJECT', N'SELECT') AS [q5];",
      "SELECT HAS_PERMS_BY_NAME(N'[dbo].[scores]', N'OBJECT', N'INSERT') AS [q6];",
      "SELECT HAS_PERMS_BY_NAME(N'R', N'EXTERNAL LANGUAGE', N'EXECUTE EXTERNAL SCRIPT') AS [q8];",
      'GO',
      'USE [ml];',
      "EXEC sp_describe_first_result_set @tsql = N'SELECT id, sepal_length FROM dbo.iris WHERE species = ''setosa''';",
      'GO',
      'USE [ml];',
      "EXEC sp_describe_first_result_set @tsql = N'SELECT * FROM dbo.iris';",
      // Encryption questions last, a batch of their own: a server without these columns fails only them.
      'GO',
      'USE [ml];',
      'SELECT is_encrypted AS [e0] FROM sys.databases WHERE database_id = DB_ID();',
      "SELECT name AS [e1] FROM sys.columns WHERE object_id = OBJECT_ID(N'[dbo].[iris]') AND encryption_type IS NOT NULL;",
      '',
    ].join('\n'),
  );
  // The engine's own parser takes every batch without an error, and its batch lines are ours.
  const batches = parseScript(request!.text);
  assert.deepEqual(batches.map((b) => b.errors), batches.map(() => []));
  assert.deepEqual(batches.map((b) => b.startLine), request!.batches.map((b) => b.line));
});

test('checking as another login: the login-independent questions go in a second text, asked as the connected login', async () => {
  const questions = questionsFor(planOf(DOC));
  const requests = buildRequests(questions, { separateInstanceQuestions: true });
  assert.deepEqual(requests.map((r) => r.asChecked), [true, false]);
  assert.match(requests[1]!.text, /^SELECT name AS \[q0\], is_disabled/);
  const fake = new FakeInstance(fakeWorld());
  await askInstance(questions, fake, { asLogin: 'alice' });
  assert.deepEqual(fake.texts.map((t) => t.asLogin), ['alice', undefined]);
  const alone = new FakeInstance(fakeWorld());
  await askInstance(questions, alone, {});
  assert.equal(alone.texts.length, 1, 'one run when checking as the connected login');
});

test('answers from the fake instance become the problems SQL Server would raise for alice', async () => {
  const world = fakeWorld();
  world.scriptsEnabled = false;
  world.groupLogins = [];
  const plan = planOf(DOC);
  const { facts, failure } = await askInstance(questionsFor(plan), new FakeInstance(world), { asLogin: 'alice' });
  assert.equal(failure, null);
  const answers = assembleAnswers(plan, (k) => facts.get(k));
  assert.equal(answers.login, 'alice');
  assert.equal(answers.externalScriptsEnabled, false);
  assert.deepEqual(answers.groupLogins, { logins: [], complete: true });
  assert.deepEqual(answers.databases.map((d) => [d.database, d.name, d.user, d.executeAnyExternalScript]), [['ml', 'ml', 'alice', true]]);
  assert.deepEqual(answers.describes.map((d) => d.columns?.map((c) => `${c.name} ${c.type}`)), [
    ['id int', 'sepal_length float', 'species nvarchar(20)'],
    ['id int', 'sepal_length float', 'species nvarchar(20)'],
  ]);
  assert.deepEqual(where(DOC, preflightProblems(plan, answers)), [
    'SQLML303 3:13 dbo.scores',
    'SQLML300 4:6 sp_execute_external_script',
    'SQLML310 5:22 sqlml_query',
    'SQLML300 9:6 sp_execute_external_script',
  ]);
});

test('a login that cannot be impersonated: every batch fails alike, and the run says so', async () => {
  const plan = planOf(DOC);
  const result = await askInstance(questionsFor(plan), new FakeInstance(fakeWorld()), { asLogin: 'mallory' });
  assert.equal(result.failure?.number, 15406);
  assert.ok(questionsFor(plan).every((q) => result.facts.has(questionKey(q))), 'every question is settled, so none is asked again in a loop');
});

test('a failed statement leaves its own answer unknown and shifts nothing; a failed USE is the database failure', () => {
  const questions = questionsFor(planOf(DOC));
  const [request] = buildRequests(questions, { separateInstanceQuestions: false });
  const outcome: TsqlOutcome = {
    batches: [
      { line: 0, resultSets: [{ columns: [{ name: 'q1', type: 'int' }], rows: [[1]] }], messages: [{ kind: 'error', number: 4121, text: 'Cannot find SUSER_SNAME.' }] },
      { line: 5, resultSets: [], messages: [{ kind: 'error', number: 916, text: 'The server principal "alice" is not able to access the database "ml" under the current security context.' }] },
      { line: 13, resultSets: [], messages: [{ kind: 'error', number: 208, text: "Invalid object name 'dbo.iris'." }] },
    ],
  };
  const facts = readOutcome(request!, outcome);
  assert.deepEqual(facts.get('login'), { kind: 'text', value: null });
  assert.deepEqual(facts.get('scriptsEnabled'), { kind: 'bit', value: true });
  assert.equal(facts.has('groupLogins'), false);
  assert.deepEqual(facts.get('database|ml'), { kind: 'database', name: null, user: null, failure: { number: 916, text: 'The server principal "alice" is not able to access the database "ml" under the current security context.' } });
  assert.deepEqual(facts.get('executeAny|ml'), { kind: 'bit', value: null });
  const describe = [...facts.entries()].find(([k]) => k.startsWith('describe|'))!;
  assert.deepEqual(describe[1], { kind: 'columns', columns: null, failure: { number: 208, text: "Invalid object name 'dbo.iris'." } });
});

test('values come as SQL Server sends them: bits as booleans or numbers, NULL as unknown', () => {
  const text = "EXEC sp_execute_external_script @language = N'R', @script = N'x <- 1', @input_data_1 = N'SELECT * FROM t'";
  const plan = planOf(text);
  const [request] = buildRequests(questionsFor(plan), { separateInstanceQuestions: false });
  const set = (alias: string, value: unknown) => ({ columns: [{ name: alias, type: 'int' }], rows: [[value]] });
  const facts = readOutcome(request!, {
    batches: [
      { line: 0, resultSets: [set('q0', 'bob'), set('q1', '1')], messages: [] },
      { line: 3, resultSets: [{ columns: [{ name: 'q2', type: 'sysname' }, { name: 'q2_user', type: 'sysname' }], rows: [['master', 'guest']] }, set('q3', false), set('q4', null), set('q5', 0)], messages: [] },
    ],
  });
  const answers = assembleAnswers(plan, (k) => facts.get(k));
  assert.equal(answers.login, 'bob');
  assert.equal(answers.externalScriptsEnabled, true);
  assert.deepEqual(answers.databases, [
    { database: null, name: 'master', user: 'guest', failure: null, executeAnyExternalScript: false, languages: [{ language: 'R', allowed: null }], tables: [{ schema: null, name: 't', permission: 'SELECT', allowed: false }] },
  ]);
  assert.deepEqual(answers.describes, [], 'not answered: no description');
  assert.deepEqual(where(text, preflightProblems(plan, answers)), [
    'SQLML301 1:6 sp_execute_external_script',
    'SQLML302 1:104 t',
  ]);
});

test('a document without calls asks nothing', () => {
  assert.deepEqual(questionsFor(planOf('SELECT 1;\nGO\nUSE ml;')), []);
});
