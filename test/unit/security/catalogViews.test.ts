// sys.server_principals, sys.database_principals, role members and permission views as data, and
// the catalog as plain JSON.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  check,
  databasePermissionsView,
  databasePrincipalsView,
  databaseRoleMembersView,
  initialCatalog,
  serverPermissionsView,
  serverPrincipalsView,
  serverRoleMembersView,
  type SecurityCatalog,
} from '../../../server/src/core/security';
import { deny, grant, on, World } from './world';

test('a new instance: sa, public, the fixed server roles and the creating OS account as sysadmin', () => {
  const catalog = initialCatalog('carmen');
  const rows = serverPrincipalsView(catalog).map((r) => [r.principal_id, r.name, r.type, r.type_desc, r.is_disabled, r.is_fixed_role]);
  assert.deepEqual(rows, [
    [1, 'sa', 'S', 'SQL_LOGIN', 1, 0],
    [2, 'public', 'R', 'SERVER_ROLE', 0, 0],
    [3, 'sysadmin', 'R', 'SERVER_ROLE', 0, 1],
    [4, 'securityadmin', 'R', 'SERVER_ROLE', 0, 1],
    [5, 'serveradmin', 'R', 'SERVER_ROLE', 0, 1],
    [6, 'setupadmin', 'R', 'SERVER_ROLE', 0, 1],
    [7, 'processadmin', 'R', 'SERVER_ROLE', 0, 1],
    [8, 'diskadmin', 'R', 'SERVER_ROLE', 0, 1],
    [9, 'dbcreator', 'R', 'SERVER_ROLE', 0, 1],
    [10, 'bulkadmin', 'R', 'SERVER_ROLE', 0, 1],
    [256, 'carmen', 'U', 'WINDOWS_LOGIN', 0, 0],
  ]);
  assert.equal(serverPrincipalsView(catalog)[0]!.sid, '0x01');
  assert.deepEqual(serverRoleMembersView(catalog), [
    { role_principal_id: 3, member_principal_id: 1 },
    { role_principal_id: 3, member_principal_id: 256 },
  ]);
  assert.deepEqual(
    serverPermissionsView(catalog).map((r) => [r.class_desc, r.grantee_principal_id, r.type, r.permission_name, r.state_desc]),
    [
      ['SERVER', 1, 'COSQ', 'CONNECT SQL', 'GRANT'],
      ['SERVER', 2, 'VWDB', 'VIEW ANY DATABASE', 'GRANT'],
      ['SERVER', 256, 'COSQ', 'CONNECT SQL', 'GRANT'],
    ],
  );
});

test('a new database: dbo mapped to its creator, guest, sys, INFORMATION_SCHEMA, public and the fixed roles', () => {
  const w = new World();
  const principals = databasePrincipalsView(w.catalog, 'ml').filter((p) => p.principal_id < 5 || p.principal_id >= 16384);
  assert.deepEqual(
    principals.map((p) => [p.principal_id, p.name, p.type_desc, p.authentication_type_desc]),
    [
      [0, 'public', 'DATABASE_ROLE', 'NONE'],
      [1, 'dbo', 'WINDOWS_USER', 'WINDOWS'],
      [2, 'guest', 'SQL_USER', 'NONE'],
      [3, 'INFORMATION_SCHEMA', 'SQL_USER', 'NONE'],
      [4, 'sys', 'SQL_USER', 'NONE'],
      [16384, 'db_owner', 'DATABASE_ROLE', 'NONE'],
      [16385, 'db_accessadmin', 'DATABASE_ROLE', 'NONE'],
      [16386, 'db_securityadmin', 'DATABASE_ROLE', 'NONE'],
      [16387, 'db_ddladmin', 'DATABASE_ROLE', 'NONE'],
      [16389, 'db_backupoperator', 'DATABASE_ROLE', 'NONE'],
      [16390, 'db_datareader', 'DATABASE_ROLE', 'NONE'],
      [16391, 'db_datawriter', 'DATABASE_ROLE', 'NONE'],
      [16392, 'db_denydatareader', 'DATABASE_ROLE', 'NONE'],
      [16393, 'db_denydatawriter', 'DATABASE_ROLE', 'NONE'],
    ],
  );
  const carmen = serverPrincipalsView(w.catalog).find((p) => p.name === 'carmen')!;
  assert.equal(principals.find((p) => p.name === 'dbo')!.sid, carmen.sid, 'dbo maps to the login that created the database');
  assert.deepEqual(databaseRoleMembersView(w.catalog, 'ml')[0], { role_principal_id: 16384, member_principal_id: 1 });
});

test('users: SQL, OS, group and the permissions CREATE USER grants', () => {
  const w = new World();
  const users = databasePrincipalsView(w.catalog, 'ml').filter((p) => ['alice', 'frank', 'analysts', 'readers'].includes(p.name));
  assert.deepEqual(
    users.map((p) => [p.principal_id, p.name, p.type, p.type_desc, p.authentication_type, p.default_schema_name, p.owning_principal_id]),
    [
      [5, 'alice', 'S', 'SQL_USER', 1, 'dbo', null],
      [10, 'frank', 'U', 'WINDOWS_USER', 3, 'dbo', null],
      [11, 'analysts', 'G', 'WINDOWS_GROUP', 3, 'dbo', null],
      [12, 'readers', 'R', 'DATABASE_ROLE', 0, null, 1],
    ],
  );
  const connects = databasePermissionsView(w.catalog, 'ml').filter((r) => r.permission_name === 'CONNECT');
  assert.deepEqual(
    connects.map((r) => r.grantee_principal_id),
    [1, 5, 6, 7, 8, 9, 10, 11],
  );
});

test('sys.database_permissions rows: class, type, state, grantor', () => {
  const w = new World();
  w.permit(grant('SELECT', on.object('dbo', 'iris'), 'alice', { withGrantOption: true }));
  w.permit(deny('UPDATE', on.object('dbo', 'iris'), 'alice', { columns: ['Species'] }));
  w.permit(grant('EXECUTE EXTERNAL SCRIPT', on.language('Python'), 'readers'));
  w.permit(grant('ALTER', on.schema('sales'), 'bob'));
  w.permit(grant('IMPERSONATE', on.user('bob'), 'alice'));
  const rows = databasePermissionsView(w.catalog, 'ml').filter((r) => r.permission_name !== 'CONNECT');
  assert.deepEqual(rows, [
    { class: 1, class_desc: 'OBJECT_OR_COLUMN', major_id: 1, minor_id: 0, grantee_principal_id: 5, grantor_principal_id: 1, type: 'SL', permission_name: 'SELECT', state: 'W', state_desc: 'GRANT_WITH_GRANT_OPTION' },
    { class: 1, class_desc: 'OBJECT_OR_COLUMN', major_id: 1, minor_id: 3, grantee_principal_id: 5, grantor_principal_id: 1, type: 'UP', permission_name: 'UPDATE', state: 'D', state_desc: 'DENY' },
    { class: 34, class_desc: 'EXTERNAL_LANGUAGE', major_id: 2, minor_id: 0, grantee_principal_id: 12, grantor_principal_id: 1, type: 'EES', permission_name: 'EXECUTE EXTERNAL SCRIPT', state: 'G', state_desc: 'GRANT' },
    { class: 3, class_desc: 'SCHEMA', major_id: 5, minor_id: 0, grantee_principal_id: 6, grantor_principal_id: 1, type: 'AL', permission_name: 'ALTER', state: 'G', state_desc: 'GRANT' },
    { class: 4, class_desc: 'DATABASE_PRINCIPAL', major_id: 6, minor_id: 0, grantee_principal_id: 5, grantor_principal_id: 1, type: 'IM', permission_name: 'IMPERSONATE', state: 'G', state_desc: 'GRANT' },
  ]);
  assert.deepEqual(databasePermissionsView(w.catalog, 'nodb'), []);
});

test('a server permission row names the login that granted it', () => {
  const w = new World();
  w.permit(grant('VIEW SERVER STATE', undefined, 'alice'), 'master');
  w.permit(deny('IMPERSONATE', on.login('bob'), 'alice'), 'master');
  const alice = serverPrincipalsView(w.catalog).find((p) => p.name === 'alice')!.principal_id;
  const bob = serverPrincipalsView(w.catalog).find((p) => p.name === 'bob')!.principal_id;
  assert.deepEqual(
    serverPermissionsView(w.catalog).filter((r) => r.grantee_principal_id === alice && r.permission_name !== 'CONNECT SQL'),
    [
      { class: 100, class_desc: 'SERVER', major_id: 0, minor_id: 0, grantee_principal_id: alice, grantor_principal_id: 256, type: 'VWSS', permission_name: 'VIEW SERVER STATE', state: 'G', state_desc: 'GRANT' },
      { class: 101, class_desc: 'SERVER_PRINCIPAL', major_id: bob, minor_id: 0, grantee_principal_id: alice, grantor_principal_id: 256, type: 'IM', permission_name: 'IMPERSONATE', state: 'D', state_desc: 'DENY' },
    ],
  );
});

test('the catalog is plain JSON: a serialised and re-read catalog answers the same', () => {
  const w = new World();
  w.permit(grant('SELECT', on.schema('dbo'), 'readers'));
  w.addMember('scientists', 'alice');
  const reread = JSON.parse(JSON.stringify(w.catalog)) as SecurityCatalog;
  assert.deepEqual(reread, w.catalog);
  w.catalog = reread;
  assert.equal(check(reread, w.as('alice'), 'ml', 'SELECT', on.object('dbo', 'iris')).ok, true);
  assert.equal(check(reread, w.as('bob'), 'ml', 'SELECT', on.object('dbo', 'iris')).ok, false);
});

test('a change returns a new catalog and leaves the old one as it was', () => {
  const w = new World();
  const before = JSON.stringify(w.catalog);
  const old = w.catalog;
  w.permit(grant('SELECT', on.object('dbo', 'iris'), 'alice'));
  assert.equal(JSON.stringify(old), before);
  assert.notEqual(JSON.stringify(w.catalog), before);
});
