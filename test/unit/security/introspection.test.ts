// HAS_PERMS_BY_NAME and sys.fn_my_permissions.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { alterServerRoleMember, fnMyPermissions, hasPermsByName } from '../../../server/src/core/security';
import { BUILTIN_PERMISSIONS } from '../../../server/src/core/security/permissions';
import { deny, grant, on, World } from './world';

test('HAS_PERMS_BY_NAME on the database: NULL means the current one', () => {
  const w = new World();
  const alice = () => w.as('alice');
  assert.equal(hasPermsByName(w.catalog, alice(), 'ml', null, 'DATABASE', 'EXECUTE ANY EXTERNAL SCRIPT'), 0);
  w.permit(grant('EXECUTE ANY EXTERNAL SCRIPT', undefined, 'alice'));
  assert.equal(hasPermsByName(w.catalog, alice(), 'ml', null, 'DATABASE', 'EXECUTE ANY EXTERNAL SCRIPT'), 1);
  assert.equal(hasPermsByName(w.catalog, alice(), 'master', 'ml', 'database', 'execute any external script'), 1);
  assert.equal(hasPermsByName(w.catalog, alice(), 'ml', 'ml', 'DATABASE', 'CONNECT'), 1);
  assert.equal(hasPermsByName(w.catalog, w.as('olga'), 'master', 'ml', 'DATABASE', 'CONNECT'), 0, 'no access to the database');
  assert.equal(hasPermsByName(w.catalog, alice(), 'ml', 'nodb', 'DATABASE', 'CONNECT'), null);
});

test('HAS_PERMS_BY_NAME on objects: one-, two- and three-part names, brackets, NULL for what does not exist', () => {
  const w = new World();
  w.addMember('db_datareader', 'alice');
  for (const name of ['iris', 'dbo.iris', '[dbo].[iris]', 'ml.dbo.iris', '"dbo"."iris"']) {
    assert.equal(hasPermsByName(w.catalog, w.as('alice'), 'ml', name, 'OBJECT', 'SELECT'), 1, name);
  }
  assert.equal(hasPermsByName(w.catalog, w.as('alice'), 'ml', 'dbo.iris', 'OBJECT', 'INSERT'), 0);
  assert.equal(hasPermsByName(w.catalog, w.as('bob'), 'ml', 'dbo.iris', 'OBJECT', 'SELECT'), 0);
  assert.equal(hasPermsByName(w.catalog, w.as('alice'), 'ml', 'dbo.nothing', 'OBJECT', 'SELECT'), null);
  assert.equal(hasPermsByName(w.catalog, w.as('alice'), 'ml', 'dbo.iris.x.y', 'OBJECT', 'SELECT'), null);
  assert.equal(hasPermsByName(w.catalog, w.as('alice'), 'ml', '[dbo.iris', 'OBJECT', 'SELECT'), null);
});

test('HAS_PERMS_BY_NAME is NULL for an unknown class or a permission the class does not have', () => {
  const w = new World();
  assert.equal(hasPermsByName(w.catalog, w.admin(), 'ml', 'dbo.iris', 'TABLE', 'SELECT'), null);
  assert.equal(hasPermsByName(w.catalog, w.admin(), 'ml', 'dbo.iris', 'OBJECT', 'IMPERSONATE'), null);
  assert.equal(hasPermsByName(w.catalog, w.admin(), 'ml', null, 'SERVER', 'SELECT'), null);
  assert.equal(hasPermsByName(w.catalog, w.admin(), 'ml', 'x', 'SERVER', 'CONTROL SERVER'), null, 'the server securable must be NULL');
});

test('HAS_PERMS_BY_NAME on the server, logins, users and external languages', () => {
  const w = new World();
  assert.equal(hasPermsByName(w.catalog, w.as('alice'), 'ml', null, 'SERVER', 'VIEW SERVER STATE'), 0);
  assert.equal(hasPermsByName(w.catalog, w.as('alice'), 'ml', null, 'SERVER', 'VIEW ANY DATABASE'), 1, 'public has VIEW ANY DATABASE');
  w.apply(alterServerRoleMember(w.catalog, w.admin(), { role: 'serveradmin', member: 'alice', action: 'add' }));
  assert.equal(hasPermsByName(w.catalog, w.as('alice'), 'ml', null, 'SERVER', 'VIEW SERVER STATE'), 1);
  assert.equal(hasPermsByName(w.catalog, w.as('alice'), 'ml', 'bob', 'LOGIN', 'IMPERSONATE'), 0);
  w.permit(grant('IMPERSONATE ANY LOGIN', undefined, 'alice'), 'master');
  assert.equal(hasPermsByName(w.catalog, w.as('alice'), 'ml', 'bob', 'LOGIN', 'IMPERSONATE'), 1);
  assert.equal(hasPermsByName(w.catalog, w.as('alice'), 'ml', 'bob', 'USER', 'IMPERSONATE'), 0);
  w.permit(grant('EXECUTE ANY EXTERNAL SCRIPT', undefined, 'alice'));
  assert.equal(hasPermsByName(w.catalog, w.as('alice'), 'ml', 'Python', 'EXTERNAL LANGUAGE', 'EXECUTE EXTERNAL SCRIPT'), 1);
  assert.equal(hasPermsByName(w.catalog, w.as('alice'), 'ml', 'Java', 'EXTERNAL LANGUAGE', 'EXECUTE EXTERNAL SCRIPT'), null);
});

test("HAS_PERMS_BY_NAME on a column, and 'ANY'", () => {
  const w = new World();
  w.permit(grant('SELECT', on.object('dbo', 'iris'), 'alice', { columns: ['SepalLength'] }));
  const has = (column: string) => hasPermsByName(w.catalog, w.as('alice'), 'ml', 'dbo.iris', 'OBJECT', 'SELECT', column, 'COLUMN');
  assert.deepEqual([has('SepalLength'), has('Species'), has('nothing')], [1, 0, null]);
  assert.equal(hasPermsByName(w.catalog, w.as('alice'), 'ml', 'dbo.iris', 'OBJECT', 'ANY'), 0, 'a column grant is not a permission on the object');
  w.permit(grant('INSERT', on.object('dbo', 'iris'), 'alice'));
  assert.equal(hasPermsByName(w.catalog, w.as('alice'), 'ml', 'dbo.iris', 'OBJECT', 'ANY'), 1);
  assert.equal(hasPermsByName(w.catalog, w.as('bob'), 'ml', 'dbo.iris', 'OBJECT', 'ANY'), 0);
});

test('fn_my_permissions on the database for a db_datareader member', () => {
  const w = new World();
  w.addMember('db_datareader', 'alice');
  assert.deepEqual(fnMyPermissions(w.catalog, w.as('alice'), 'ml', null, 'DATABASE'), [
    { entity_name: 'database', subentity_name: '', permission_name: 'CONNECT' },
    { entity_name: 'database', subentity_name: '', permission_name: 'SELECT' },
  ]);
});

test('fn_my_permissions: db_owner holds every database permission, sysadmin every server one', () => {
  const w = new World();
  w.addMember('db_owner', 'alice');
  const database = fnMyPermissions(w.catalog, w.as('alice'), 'ml', null, 'DATABASE').map((r) => r.permission_name);
  assert.deepEqual(database, Object.keys(BUILTIN_PERMISSIONS.DATABASE).sort());
  const server = fnMyPermissions(w.catalog, w.admin(), 'ml', null, 'SERVER').map((r) => r.permission_name);
  assert.deepEqual(server, Object.keys(BUILTIN_PERMISSIONS.SERVER).sort());
  assert.deepEqual(
    fnMyPermissions(w.catalog, w.as('bob'), 'ml', null, 'SERVER').map((r) => r.permission_name),
    ['CONNECT SQL', 'VIEW ANY DATABASE'],
  );
});

test('fn_my_permissions on an object lists column permissions by column', () => {
  const w = new World();
  w.permit(grant('SELECT', on.object('dbo', 'iris'), 'alice'));
  w.permit(deny('SELECT', on.object('dbo', 'iris'), 'alice', { columns: ['Species'] }));
  assert.deepEqual(fnMyPermissions(w.catalog, w.as('alice'), 'ml', 'dbo.iris', 'OBJECT'), [
    { entity_name: 'dbo.iris', subentity_name: '', permission_name: 'SELECT' },
    { entity_name: 'dbo.iris', subentity_name: 'SepalLength', permission_name: 'SELECT' },
    { entity_name: 'dbo.iris', subentity_name: 'SepalWidth', permission_name: 'SELECT' },
  ]);
  assert.deepEqual(fnMyPermissions(w.catalog, w.as('alice'), 'ml', 'dbo.iris', 'NOT A CLASS'), []);
  assert.deepEqual(fnMyPermissions(w.catalog, w.as('alice'), 'ml', 'dbo.nothing', 'OBJECT'), []);
});
