// External libraries and Debian's packages as sandboxed scripts see them: a real daemon with worker
// accounts and bubblewrap (mode accounts). The system's packages (/usr, bound read-only) are
// importable; a library of one database is bound into that database's sessions only.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import type { InstanceClient } from '../../../server/src/node/instance/instanceClient';
import type { RunOutcome } from '../../../server/src/node/instance/protocol';
import { instanceSkip, TestInstance } from './harness';
import { buildRPackage, buildWheel, hexLiteral, pythonAnswer, rGreeting } from './libraryFixtures';

const skip = instanceSkip();
const instance = new TestInstance('extlib', 'sqlmlxl');
let admin: InstanceClient;
let work: string;

const errorsOf = (o: RunOutcome) => o.batches.flatMap((b) => b.messages.filter((m) => m.kind === 'error').map((m) => `${m.number}: ${m.text}`));
const rowsOf = (o: RunOutcome) => o.batches.flatMap((b) => b.resultSets.flatMap((s) => s.rows));
const textOf = (o: RunOutcome) => o.batches.flatMap((b) => b.messages.map((m) => m.text)).join('\n');

before(async () => {
  if (skip) return;
  work = mkdtempSync('/tmp/sqlml-extlib-');
  instance.create(2);
  admin = await instance.connect();
  const setup = await admin.run(`EXEC sp_configure 'external scripts enabled', 1;
RECONFIGURE;
GO
CREATE DATABASE libdb;
CREATE DATABASE otherdb;`);
  assert.deepEqual(errorsOf(setup), []);
});

after(async () => {
  admin?.close();
  if (!skip) await instance.teardown();
  if (work) rmSync(work, { recursive: true, force: true });
});

test("the tutorials' Debian packages load in the sandbox: scikit-learn, matplotlib, scipy, statsmodels; e1071, rpart, ggplot2, RODBC", { skip }, async () => {
  const python = await admin.run(`EXEC sp_execute_external_script @language = N'Python', @script = N'
import sklearn, scipy, statsmodels, matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot
OutputDataSet = pandas.DataFrame({"m": [m.__name__ for m in (sklearn, scipy, statsmodels, matplotlib)]})';`);
  assert.deepEqual(errorsOf(python), []);
  assert.deepEqual(rowsOf(python), [['sklearn'], ['scipy'], ['statsmodels'], ['matplotlib']]);
  const r = await admin.run(`EXEC sp_execute_external_script @language = N'R', @script = N'
pkgs <- c("e1071", "rpart", "ggplot2", "RODBC")
OutputDataSet <- data.frame(p = pkgs, ok = sapply(pkgs, function(p) suppressPackageStartupMessages(requireNamespace(p, quietly = TRUE))))';`);
  assert.deepEqual(errorsOf(r), []);
  assert.deepEqual(rowsOf(r), [['e1071', true], ['rpart', true], ['ggplot2', true], ['RODBC', true]]);
});

test('a wheel and an R package of one database are bound into its sandboxed sessions, not into another database\'s', { skip }, async () => {
  const created = await admin.run(`USE libdb;
CREATE EXTERNAL LIBRARY sqlmlboxed FROM (CONTENT = ${hexLiteral(buildWheel(work, 'sqlmlboxed', 11))}) WITH (LANGUAGE = 'Python');
CREATE EXTERNAL LIBRARY sqlmlrboxed FROM (CONTENT = ${hexLiteral(buildRPackage(work, 'sqlmlrboxed', 'greeting <- function() "boxed"\n'))}) WITH (LANGUAGE = 'R');`);
  assert.deepEqual(errorsOf(created), []);
  assert.deepEqual(rowsOf(await admin.run(`USE libdb;\n${pythonAnswer('sqlmlboxed')}`)), [[11]]);
  assert.deepEqual(rowsOf(await admin.run(`USE libdb;\n${rGreeting('sqlmlrboxed')}`)), [['boxed']]);

  const python = await admin.run(`USE otherdb;\n${pythonAnswer('sqlmlboxed')}`);
  assert.deepEqual(rowsOf(python), []);
  assert.match(textOf(python), /No module named 'sqlmlboxed'/);
  const r = await admin.run(`USE otherdb;\n${rGreeting('sqlmlrboxed')}`);
  assert.deepEqual(rowsOf(r), []);
  assert.match(textOf(r), /there is no package called .sqlmlrboxed./);
});
