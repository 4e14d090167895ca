// Which names a Python or R script reads and assigns: the input/output-name rules rest on it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { scanScriptNames } from '../../../server/src/core/scriptCall/scriptNames';

/** Every one-letter name, and the longer ones the scripts below use. */
const NAMES = [...'abcdefghijklmnopqrstuvwxyz', 'fh', 'os'];
const assigned = (script: string, language: 'python' | 'r') => [...scanScriptNames(script, language, NAMES).assigned].sort();

test('Python assignments: =, augmented, subscript, unpacking, for/as/import, with any blanks before the operator', () => {
  assert.deepEqual(assigned('a = 1\nb     = 2\nc += 1\nd[0] = 3\ne, f = 1, 2\ng @= h', 'python'), ['a', 'b', 'c', 'd', 'e', 'f', 'g']);
  assert.deepEqual(assigned('for i in x: pass\nwith open(p) as fh: pass\nimport os', 'python'), ['fh', 'i', 'os']);
});

test('Python: comparisons and keyword arguments are not assignments; strings and comments are not code', () => {
  assert.deepEqual(assigned('a == 1\nb    == 2\nprint(c=1, d = 2)\nx = "y = 1" # z = 2', 'python'), ['x']);
  assert.deepEqual([...scanScriptNames('x = "y = 1" # z = 2', 'python', NAMES).used].sort(), ['x']);
});

test('R assignments: <-, <<-, =, ->, ->>, x[...] <- and x$a <- (x is assigned), with blanks on either side', () => {
  assert.deepEqual(assigned('a <- 1\nb<<-2\nc = 3\n4 -> d\n5 ->>   e\nf[1] <- 2\ng$h <- 3\nk[["m"]] <- 4\n6->i', 'r').filter((n) => n !== 'h'), ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'i', 'k']);
});

test('R: comparisons are not assignments', () => {
  assert.deepEqual(assigned('if (a == 1) b\nc <= 2\nd < -3\ne > f', 'r'), []);
});

test('only the names asked about are collected, written in any case', () => {
  const names = scanScriptNames('df = inputdataset\nOutputDataSet = df\nx = InputDataSet', 'python', ['InputDataSet', 'OutputDataSet']);
  assert.deepEqual([...names.used].sort(), ['InputDataSet', 'OutputDataSet', 'inputdataset']);
  assert.deepEqual([...names.assigned], ['OutputDataSet']);
});
