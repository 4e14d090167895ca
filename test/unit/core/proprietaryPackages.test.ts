// The editor's warning for Microsoft's proprietary packages (SQLML126): placed on the package
// name inside the @script literal, for each way R and Python load a package, and silent for
// comments, strings that merely mention the name, and the free packages the tutorials use.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { run } from './helpers';

const call = (language: string, script: string) => `EXEC sp_execute_external_script @language = N'${language}', @script = N'${script.replace(/'/g, "''")}';`;

function found(language: string, script: string): string[] {
  const text = call(language, script);
  return run(text)
    .problems.filter((p) => p.code === 'SQLML126')
    .map((p) => text.slice(p.start, p.end));
}

test('R: library(), require(), requireNamespace() and pkg::fn each name the package, at its place in the literal', () => {
  assert.deepEqual(found('R', 'library(RevoScaleR)\nm <- rxLinMod(y ~ x, d)'), ['RevoScaleR']);
  assert.deepEqual(found('R', 'require("MicrosoftML")'), ['MicrosoftML']);
  assert.deepEqual(found('R', 'x <- 1\nif (requireNamespace(package = "RevoScaleR")) 1'), ['RevoScaleR']);
  assert.deepEqual(found('R', 'm <- RevoScaleR::rxLinMod(y ~ x, d)\nlibrary(MicrosoftML)'), ['RevoScaleR', 'MicrosoftML']);
});

test('Python: import, import ... as, a list of imports and from ... import', () => {
  assert.deepEqual(found('Python', 'import revoscalepy'), ['revoscalepy']);
  assert.deepEqual(found('Python', 'import os, revoscalepy as rp'), ['revoscalepy']);
  assert.deepEqual(found('Python', 'import pandas\nfrom microsoftml import rx_fast_trees'), ['microsoftml']);
});

test('the message names the package and what to use instead', () => {
  const text = call('Python', 'from revoscalepy import RxSqlServerData');
  const p = run(text).problems.find((x) => x.code === 'SQLML126')!;
  assert.equal(p.severity, 'warning');
  assert.match(p.message, /^revoscalepy is one of Microsoft's proprietary packages .* Instead, use pandas, scikit-learn/);
});

test('comments, mere mentions, the other language and free packages are not reported', () => {
  assert.deepEqual(found('R', '# library(RevoScaleR) was used on SQL Server\nprint("RevoScaleR")\nlibrary(e1071)'), []);
  assert.deepEqual(found('Python', '# import revoscalepy\nprint("revoscalepy")\nimport sklearn'), []);
  assert.deepEqual(found('Python', 'library(RevoScaleR)'), []);
  assert.deepEqual(found('R', 'import revoscalepy'), []);
});
