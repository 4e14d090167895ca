// CREATE / ALTER / DROP EXTERNAL LIBRARY parsed into the AST, in SQL Server's documented forms.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseBatch } from '../../../server/src/core/engine/parser';
import type { Statement } from '../../../server/src/core/engine/ast';

function library(sql: string): Extract<Statement, { kind: 'externalLibrary' }> {
  const { statements, errors } = parseBatch(sql);
  assert.deepEqual(errors, [], sql);
  assert.equal(statements.length, 1, sql);
  assert.equal(statements[0]!.kind, 'externalLibrary', sql);
  return statements[0] as Extract<Statement, { kind: 'externalLibrary' }>;
}

test('CREATE with AUTHORIZATION, two file specifications (bits and a path, per platform) and the language', () => {
  const s = library("CREATE EXTERNAL LIBRARY customPackage AUTHORIZATION alice FROM (CONTENT = 0x504B0304), (CONTENT = N'/tmp/pkg.zip', PLATFORM = LINUX) WITH (LANGUAGE = 'R');");
  assert.deepEqual([s.action, s.name.name, s.owner?.name], ['create', 'customPackage', 'alice']);
  assert.deepEqual(s.files.map((f) => f.map((o) => [o.name, o.value.kind])), [[['CONTENT', 'binary']], [['CONTENT', 'string'], ['PLATFORM', 'word']]]);
  assert.deepEqual(s.options.map((o) => [o.name, o.value.kind === 'string' && o.value.value]), [['LANGUAGE', 'R']]);
});

test('ALTER ... SET (CONTENT = ...) WITH (LANGUAGE = ...) and DROP with or without AUTHORIZATION', () => {
  const a = library("ALTER EXTERNAL LIBRARY pkg SET (CONTENT = 0x00) WITH (LANGUAGE = 'Python')");
  assert.deepEqual([a.action, a.files.length, a.owner], ['alter', 1, null]);
  assert.deepEqual([library('DROP EXTERNAL LIBRARY pkg').action, library('DROP EXTERNAL LIBRARY pkg AUTHORIZATION bob').owner?.name], ['drop', 'bob']);
});

test('a CREATE without FROM or WITH is a syntax error, not a statement', () => {
  assert.notDeepEqual(parseBatch("CREATE EXTERNAL LIBRARY pkg WITH (LANGUAGE = 'R')").errors, []);
  assert.notDeepEqual(parseBatch('CREATE EXTERNAL LIBRARY pkg FROM (CONTENT = 0x00)').errors, []);
});
