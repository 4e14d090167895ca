// The database a document runs in: Use Database's choice for that document, else the setting, else
// the login's default (undefined: the server starts where the login's default database is).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DocumentDatabases } from '../../../client/src/documentDatabases';

const A = 'file:///work/a.sql';
const B = 'file:///work/b.sql';

test("without a choice or a setting a run starts in the login's default database, and the status bar says so", () => {
  const databases = new DocumentDatabases();
  assert.equal(databases.databaseFor(A, undefined), undefined);
  assert.equal(databases.databaseFor(A, '  '), undefined);
  assert.equal(databases.label(A, ''), 'default database');
});

test('the setting applies until Use Database picks another for one document only', () => {
  const databases = new DocumentDatabases();
  assert.equal(databases.databaseFor(A, ' ml '), 'ml');
  const changed: string[] = [];
  databases.onDidChange((d) => changed.push(d));
  databases.use(A, 'master');
  assert.equal(databases.databaseFor(A, 'ml'), 'master');
  assert.equal(databases.label(A, 'ml'), 'master');
  assert.equal(databases.databaseFor(B, 'ml'), 'ml');
  assert.deepEqual(changed, [A]);
});

test('a closed document forgets its choice', () => {
  const databases = new DocumentDatabases();
  databases.use(A, 'master');
  databases.forget(A);
  assert.equal(databases.databaseFor(A, undefined), undefined);
});
