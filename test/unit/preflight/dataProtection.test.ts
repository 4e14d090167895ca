// The seeds' limits on encrypted data, as pre-flight findings: a call whose @input_data_1 reads an
// Always Encrypted column is an error before it runs (scripts cannot receive such data); a database
// with TDE gets an information that data sent to scripts is not protected by it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { askInstance, assembleAnswers, preflightProblems, questionsFor } from '../../../server/src/core/preflight';
import { columnsNamed } from '../../../server/src/core/preflight/dataProtection';
import { CODES } from '../../../server/src/core/diagnostics/codes';
import { FakeInstance, fakeWorld, planOf, where, type FakeWorld } from './helpers';

const call = (input: string) => `USE ml;
GO
EXEC sp_execute_external_script @language = N'Python', @script = N'OutputDataSet = InputDataSet',
  @input_data_1 = N'${input}';
`;

async function problemsFor(text: string, world: FakeWorld) {
  const plan = planOf(text);
  const { facts } = await askInstance(questionsFor(plan), new FakeInstance(world), { asLogin: 'alice' });
  return preflightProblems(plan, assembleAnswers(plan, (k) => facts.get(k)));
}

function encryptedWorld(over: { tde?: boolean; encrypted?: string[] } = {}): FakeWorld {
  const world = fakeWorld();
  const ml = world.databases.ml!;
  ml.tde = over.tde ?? false;
  ml.tables['dbo.iris']!.encrypted = over.encrypted ?? ['species'];
  return world;
}

test('the codes are in the one table with the severities the seeds imply', () => {
  assert.equal(CODES.SQLML306.severity, 'error');
  assert.equal(CODES.SQLML307.severity, 'information');
});

test('reading an Always Encrypted column is an error at the table, naming the column', async () => {
  const text = call('SELECT id, species FROM dbo.iris');
  const problems = await problemsFor(text, encryptedWorld());
  assert.deepEqual(where(text, problems), ['SQLML306 4:45 dbo.iris']);
  assert.equal(problems[0]!.severity, 'error');
  assert.match(problems[0]!.message, /Always Encrypted column 'species' of dbo\.iris/);
});

test('SELECT * and t.* read the encrypted column too; [quoted] names are matched', async () => {
  for (const input of ['SELECT * FROM dbo.iris', 'SELECT i.* FROM dbo.iris i', 'SELECT id, [Species] FROM dbo.iris']) {
    const text = call(input);
    assert.deepEqual((await problemsFor(text, encryptedWorld())).map((p) => p.code), ['SQLML306'], input);
  }
});

test('an input that leaves the encrypted column out, or a table without one, runs: no finding', async () => {
  for (const [input, encrypted] of [
    ['SELECT id, sepal_length FROM dbo.iris', ['species']],
    ['SELECT COUNT(*) AS n, sepal_length * 2 AS twice FROM dbo.iris GROUP BY sepal_length', ['species']],
    ['SELECT * FROM dbo.iris', []],
  ] as const) {
    const text = call(input);
    assert.deepEqual(await problemsFor(text, encryptedWorld({ encrypted: [...encrypted] })), [], input);
  }
});

test('TDE on the database: one information at the call; none without TDE', async () => {
  const text = call('SELECT id FROM dbo.iris');
  const problems = await problemsFor(text, encryptedWorld({ tde: true, encrypted: [] }));
  assert.deepEqual(where(text, problems), ['SQLML307 3:6 sp_execute_external_script']);
  assert.equal(problems[0]!.severity, 'information');
  assert.match(problems[0]!.message, /Database 'ml' uses Transparent Data Encryption, which is not applied to data sent to or received from the external script/);
  assert.deepEqual(await problemsFor(text, encryptedWorld({ tde: false, encrypted: [] })), []);
});

test('a server that cannot answer (no such columns: the batch fails) gives no finding and keeps the other answers', async () => {
  const world = encryptedWorld({ tde: true });
  const instance = new FakeInstance(world);
  const failing = {
    run: async (text: string, options: { asLogin?: string }) => {
      const outcome = await instance.run(text, options);
      // The encryption batch fails whole (Msg 207), as SQL Server fails a batch naming a missing column.
      for (const b of outcome.batches) {
        if (b.resultSets.some((s) => /^e\d+$/.test(s.columns[0]!.name))) {
          b.resultSets = [];
          b.messages.push({ kind: 'error', number: 207, text: "Invalid column name 'encryption_type'." });
        }
      }
      return outcome;
    },
  };
  world.scriptsEnabled = false;
  const text = call('SELECT species FROM dbo.iris');
  const plan = planOf(text);
  const { facts } = await askInstance(questionsFor(plan), failing, { asLogin: 'alice' });
  const problems = preflightProblems(plan, assembleAnswers(plan, (k) => facts.get(k)));
  assert.deepEqual(problems.map((p) => p.code), ['SQLML300'], 'the permission answers are intact, nothing is claimed about encryption');
});

test('columnsNamed: identifiers and whether * selects every column', () => {
  assert.deepEqual(columnsNamed('SELECT a, [B c] FROM t'), { names: new Set(['select', 'a', 'b c', 'from', 't']), star: false });
  assert.equal(columnsNamed('SELECT DISTINCT * FROM t').star, true);
  assert.equal(columnsNamed('SELECT a * b FROM t').star, false);
  assert.equal(columnsNamed('SELECT COUNT(*) FROM t').star, false);
});
