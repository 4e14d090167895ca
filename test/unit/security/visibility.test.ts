// Metadata visibility: what a login without rights sees of the catalog views, and how GRANTs widen it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { databaseVisibility, serverVisibility } from '../../../server/src/core/security';
import { findDatabase, findLogin } from '../../../server/src/core/security/lookup';
import { grant, on, World } from './world';

const loginId = (w: World, name: string) => findLogin(w.catalog, name)!.principalId;
const ml = (w: World) => findDatabase(w.catalog, 'ml')!;
const userId = (w: World, name: string) => ml(w).principals.find((p) => p.name === name)!.principalId;
const objectId = (w: World, name: string) => ml(w).objects.find((o) => o.name === name)!.objectId;

/** The names of the server principals `login` sees. */
function serverNames(w: World, login: string): string[] {
  const sees = serverVisibility(w.catalog, w.as(login), 'ml');
  return w.catalog.server.principals.filter((p) => sees.principal(p.principalId)).map((p) => p.name);
}

function databaseNames(w: World, login: string): string[] {
  const sees = databaseVisibility(w.catalog, w.as(login), 'ml');
  return ml(w).principals.filter((p) => sees.principal(p.principalId)).map((p) => p.name);
}

function objectNames(w: World, login: string): string[] {
  const sees = databaseVisibility(w.catalog, w.as(login), 'ml');
  return ml(w).objects.filter((o) => sees.object(o.objectId)).map((o) => o.name);
}

test('sys.server_principals: a login sees itself, sa and the server roles; VIEW ANY DEFINITION or a permission on a login widens it', () => {
  const w = new World();
  const seen = serverNames(w, 'alice');
  assert.ok(['alice', 'sa', 'public', 'sysadmin', 'securityadmin'].every((n) => seen.includes(n)), seen.join());
  assert.ok(!seen.includes('bob') && !seen.includes('carmen') && !seen.includes('frank'), seen.join());
  w.permit(grant('IMPERSONATE', on.login('bob'), 'alice'), 'master');
  assert.ok(serverNames(w, 'alice').includes('bob'), 'any permission on a login shows it');
  assert.ok(!serverNames(w, 'alice').includes('carmen'));
  w.permit(grant('VIEW ANY DEFINITION', undefined, 'alice'), 'master');
  assert.deepEqual(serverNames(w, 'alice'), w.catalog.server.principals.map((p) => p.name));
});

test('sys.server_permissions and sys.server_role_members: own rows only, all with VIEW ANY DEFINITION', () => {
  const w = new World();
  const sees = () => serverVisibility(w.catalog, w.as('alice'), 'ml');
  assert.equal(sees().permission(loginId(w, 'alice')), true);
  assert.equal(sees().permission(2), true, "public's permissions are the caller's own");
  assert.equal(sees().permission(loginId(w, 'bob')), false);
  assert.equal(sees().roleMember(loginId(w, 'carmen')), false, 'who is sysadmin is not shown');
  assert.equal(sees().roleMember(1), false);
  w.permit(grant('VIEW ANY DEFINITION', undefined, 'alice'), 'master');
  assert.equal(sees().permission(loginId(w, 'bob')), true);
  assert.equal(sees().roleMember(loginId(w, 'carmen')), true);
});

test('sys.database_principals: own user, its roles and the built-in principals; VIEW DEFINITION on the database shows all', () => {
  const w = new World();
  const seen = databaseNames(w, 'alice');
  for (const n of ['alice', 'public', 'dbo', 'guest', 'sys', 'INFORMATION_SCHEMA', 'db_owner', 'db_datareader']) assert.ok(seen.includes(n), `${n} in ${seen.join()}`);
  for (const n of ['bob', 'frank', 'readers', 'scientists']) assert.ok(!seen.includes(n), `${n} not in ${seen.join()}`);
  w.addMember('scientists', 'alice');
  const member = databaseNames(w, 'alice');
  assert.ok(member.includes('scientists') && member.includes('readers'), 'roles it is in, also through a role');
  w.permit(grant('VIEW DEFINITION', on.database, 'alice'));
  assert.deepEqual(databaseNames(w, 'alice'), ml(w).principals.map((p) => p.name));
});

test('sys.database_permissions: rows of the caller and its roles; ALTER ANY USER or VIEW DEFINITION shows the others', () => {
  const w = new World();
  w.permit(grant('SELECT', on.object('dbo', 'iris'), 'bob'));
  w.permit(grant('SELECT', on.object('dbo', 'iris'), 'alice'));
  const sees = () => databaseVisibility(w.catalog, w.as('alice'), 'ml');
  assert.equal(sees().permission(userId(w, 'alice')), true);
  assert.equal(sees().permission(0), true);
  assert.equal(sees().permission(userId(w, 'bob')), false);
  w.permit(grant('ALTER ANY USER', on.database, 'alice'));
  assert.equal(sees().permission(userId(w, 'bob')), true);
  assert.equal(sees().permission(userId(w, 'readers')), false, 'ALTER ANY USER does not reach roles');
});

test('sys.objects: only objects with some permission (direct, schema-wide, column-level, or VIEW DEFINITION)', () => {
  const w = new World();
  assert.deepEqual(objectNames(w, 'alice'), []);
  assert.deepEqual(objectNames(w, 'bob'), ['experiment'], 'bob owns schema lab, so its objects');
  w.permit(grant('SELECT', on.object('dbo', 'iris'), 'alice'));
  assert.deepEqual(objectNames(w, 'alice'), ['iris']);
  w.permit(grant('SELECT', on.object('sales', 'orders'), 'alice', { columns: ['id'] }));
  assert.deepEqual(objectNames(w, 'alice'), ['iris', 'orders'], 'a column-level grant shows the table');
  w.permit(grant('EXECUTE', on.schema('dbo'), 'dave'));
  assert.deepEqual(objectNames(w, 'dave'), ['iris', 'train'], 'a schema-wide grant is a permission on each object of the schema, not of others');
  w.permit(grant('VIEW DEFINITION', on.database, 'erin'));
  assert.deepEqual(objectNames(w, 'erin'), ['iris', 'train', 'orders', 'experiment']);
  assert.equal(databaseVisibility(w.catalog, w.admin(), 'ml').object(objectId(w, 'orders')), true, 'sysadmin sees everything');
});

test('sys.schemas and sys.external_languages: built-in ones for everyone, the others with a permission', () => {
  const w = new World();
  const sees = () => databaseVisibility(w.catalog, w.as('alice'), 'ml');
  const schemaId = (name: string) => ml(w).schemas.find((s) => s.name === name)!.schemaId;
  assert.equal(sees().schema(schemaId('dbo')), true);
  assert.equal(sees().schema(schemaId('sales')), false);
  w.permit(grant('SELECT', on.schema('sales'), 'alice'));
  assert.equal(sees().schema(schemaId('sales')), true);
  assert.equal(sees().externalLanguage(ml(w).externalLanguages.find((l) => l.name === 'Python')!.languageId), true);
});

test('sys.databases: all with VIEW ANY DATABASE (public has it); denied, only master, tempdb, the current and owned ones', () => {
  const w = new World();
  const sees = () => serverVisibility(w.catalog, w.as('alice'), 'master');
  assert.equal(sees().database('ml'), true);
  w.permit({ action: 'DENY', permissions: ['VIEW ANY DATABASE'], principals: ['alice'] }, 'master');
  assert.equal(sees().database('ml'), false);
  assert.equal(sees().database('master'), true);
  assert.equal(serverVisibility(w.catalog, w.as('alice'), 'ml').database('ml'), true, 'the current database');
});
