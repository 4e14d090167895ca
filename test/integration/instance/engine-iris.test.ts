// The story the embedded instance is for, end to end through the engine with real DuckDB files and
// real R and Python: load iris with R through INSERT ... EXEC sp_execute_external_script, train a
// scikit-learn model in a procedure that returns it pickled through an OUTPUT varbinary(max),
// keep it in a table, score with it from a second procedure; and a low-privileged login that is
// refused (Msg 297) until it is granted EXECUTE ANY EXTERNAL SCRIPT.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { skipReason } from '../../support/requireOrSkip';
import { ENABLE_SCRIPTS, EngineBed, type Session } from './engineBed';

const sklearnMissing = spawnSync('/usr/bin/python3', ['-c', 'import sklearn, pandas']).status !== 0;
const rMissing = spawnSync('/usr/bin/Rscript', ['-e', 'invisible(datasets::iris)']).status !== 0;
const skip = skipReason(sklearnMissing ? 'needs Debian python3-sklearn and python3-pandas' : rMissing ? 'needs Debian r-base-core' : undefined);

const bed = new EngineBed('iris');
let admin: Session;

before(async () => {
  if (skip) return;
  await bed.open();
  admin = await bed.connect();
});

after(async () => {
  if (!skip) await bed.remove();
});

const TRAIN = `CREATE PROCEDURE dbo.train_model @trained_model varbinary(max) OUTPUT
AS
BEGIN
  EXEC sp_execute_external_script
    @language = N'Python',
    @script = N'
import pickle
from sklearn.naive_bayes import GaussianNB
X = InputDataSet[["sepal_length", "sepal_width", "petal_length", "petal_width"]]
model = GaussianNB().fit(X, InputDataSet["species"])
trained_model = pickle.dumps(model)
',
    @input_data_1 = N'SELECT sepal_length, sepal_width, petal_length, petal_width, species FROM dbo.iris_data',
    @params = N'@trained_model varbinary(max) OUTPUT',
    @trained_model = @trained_model OUTPUT;
END`;

const PREDICT = `CREATE PROCEDURE dbo.predict_species @model_name varchar(50)
AS
BEGIN
  DECLARE @model varbinary(max) = (SELECT model FROM dbo.models WHERE model_name = @model_name);
  EXEC sp_execute_external_script
    @language = N'Python',
    @script = N'
import pickle
model = pickle.loads(nb_model)
X = InputDataSet[["sepal_length", "sepal_width", "petal_length", "petal_width"]]
OutputDataSet = pandas.DataFrame({"id": InputDataSet["id"], "predicted": model.predict(X), "actual": InputDataSet["species"]})
',
    @input_data_1 = N'SELECT id, sepal_length, sepal_width, petal_length, petal_width, species FROM dbo.iris_scored',
    @params = N'@nb_model varbinary(max)',
    @nb_model = @model
  WITH RESULT SETS ((id int, predicted_species varchar(100), actual_species varchar(100)));
END`;

test('iris: R loads the data set through INSERT ... EXEC, a Python model is trained, stored and scores', { skip }, async () => {
  await admin.ok(`${ENABLE_SCRIPTS}
GO
CREATE DATABASE irisdb;
GO
USE irisdb;
CREATE TABLE dbo.iris_data (sepal_length float NOT NULL, sepal_width float NOT NULL, petal_length float NOT NULL, petal_width float NOT NULL, species varchar(100) NOT NULL);
CREATE TABLE dbo.models (model_name varchar(50) PRIMARY KEY, model varbinary(max) NOT NULL);`);

  const loaded = await admin.ok(`INSERT INTO dbo.iris_data
EXEC sp_execute_external_script @language = N'R', @script = N'OutputDataSet <- datasets::iris';
SELECT COUNT(*), COUNT(DISTINCT species) FROM dbo.iris_data;`);
  assert.deepEqual(loaded.resultSets[0]!.rows, [[150, 3]]);
  assert.ok(loaded.messages.some((m) => m.text === '(150 rows affected)'), 'INSERT ... EXEC reports the rows it inserted');

  await admin.ok(TRAIN);
  const trained = await admin.ok(`DECLARE @model varbinary(max);
EXEC dbo.train_model @trained_model = @model OUTPUT;
INSERT INTO dbo.models (model_name, model) VALUES ('naive bayes', @model);
SELECT model_name, DATALENGTH(model) FROM dbo.models;`);
  const [name, size] = trained.resultSets[0]!.rows[0]!;
  assert.equal(name, 'naive bayes');
  assert.ok(Number(size) > 100, `a pickled model of some size is stored (got ${size} bytes)`);

  await admin.ok(`CREATE TABLE dbo.iris_scored (id int IDENTITY(1, 1) PRIMARY KEY, sepal_length float, sepal_width float, petal_length float, petal_width float, species varchar(100));
INSERT INTO dbo.iris_scored (sepal_length, sepal_width, petal_length, petal_width, species)
SELECT sepal_length, sepal_width, petal_length, petal_width, species FROM dbo.iris_data;`);
  await admin.ok(PREDICT);
  const scored = await admin.ok(`EXEC dbo.predict_species 'naive bayes';`);
  const result = scored.resultSets[0]!;
  assert.deepEqual(result.columns, [
    { name: 'id', type: 'int' },
    { name: 'predicted_species', type: 'varchar(100)' },
    { name: 'actual_species', type: 'varchar(100)' },
  ]);
  assert.equal(result.rows.length, 150);
  const correct = result.rows.filter((r) => r[1] === r[2]).length;
  assert.ok(correct >= 135, `naive Bayes gets most of iris right (${correct}/150)`);
});

test('iris: a low-privileged login is refused with Msg 297, then runs the script once granted EXECUTE ANY EXTERNAL SCRIPT', { skip }, async () => {
  await admin.ok(`USE irisdb;
CREATE LOGIN analyst WITH PASSWORD = 'Str0ng!Passw0rd';
CREATE USER analyst FOR LOGIN analyst;
ALTER ROLE db_datareader ADD MEMBER analyst;`);
  const analyst = await bed.connect({ name: 'analyst', password: 'Str0ng!Passw0rd' });
  const call = `USE irisdb;
EXEC sp_execute_external_script @language = N'Python',
  @script = N'OutputDataSet = InputDataSet.groupby("species").size().reset_index()',
  @input_data_1 = N'SELECT species FROM dbo.iris_data'
WITH RESULT SETS ((species varchar(100), n int));`;

  const refused = await analyst.run(call);
  assert.equal(refused.errors.length, 1);
  const [error] = refused.errors;
  assert.equal(error!.number, 297);
  assert.equal(error!.severity, 16);
  assert.equal(error!.state, 101);
  assert.equal(error!.text, 'The user does not have permission to perform this action.');
  assert.equal((error as { procedure?: string }).procedure, 'sp_execute_external_script');

  await admin.ok('USE irisdb; GRANT EXECUTE ANY EXTERNAL SCRIPT TO analyst;');
  const allowed = await analyst.ok(call);
  assert.deepEqual(
    allowed.resultSets[0]!.rows.map((r) => [r[0], r[1]]),
    [
      ['setosa', 50],
      ['versicolor', 50],
      ['virginica', 50],
    ],
  );
});
