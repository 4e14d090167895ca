// CREATE / DROP of logins, users, roles and databases, role membership, and the securables the
// executor registers: what SQL Server refuses, and what a successful change leaves behind.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  alterRoleMember,
  alterServerRoleMember,
  applyPermissionStatement,
  check,
  createDatabase,
  createLogin,
  createRole,
  createUser,
  databasePermissionsView,
  databasePrincipalsView,
  dropDatabase,
  dropLogin,
  dropRole,
  dropUser,
  executeAsLogin,
  executeAsUser,
  isMember,
  registerExternalLanguage,
  registerObject,
  registerSchema,
  roleMemberProcedure,
  serverPrincipalsView,
  unregisterObject,
  userName,
} from '../../../server/src/core/security';
import { grant, on, outcome, World } from './world';

const OK = 'ok';

test('duplicates: logins (Msg 15025), database principals (Msg 15023), logins mapped twice (Msg 15063)', () => {
  const w = new World();
  assert.equal(outcome(createLogin(w.catalog, w.admin(), { name: 'ALICE', source: { kind: 'os-user' } })), "Msg 15025, Level 16, State 1: The server principal 'ALICE' already exists.");
  assert.equal(outcome(createLogin(w.catalog, w.admin(), { name: 'sysadmin', source: { kind: 'os-user' } })), "Msg 15025, Level 16, State 1: The server principal 'sysadmin' already exists.");
  assert.equal(
    outcome(createUser(w.catalog, w.admin(), 'ml', { name: 'readers', mapping: { kind: 'without-login' } })),
    "Msg 15023, Level 16, State 1: User, group, or role 'readers' already exists in the current database.",
  );
  assert.equal(outcome(createRole(w.catalog, w.admin(), 'ml', 'Alice')), "Msg 15023, Level 16, State 1: User, group, or role 'Alice' already exists in the current database.");
  assert.equal(
    outcome(createUser(w.catalog, w.admin(), 'ml', { name: 'alice2', mapping: { kind: 'login', login: 'alice' } })),
    'Msg 15063, Level 16, State 1: The login already has an account under a different user name.',
  );
  assert.equal(
    outcome(createUser(w.catalog, w.admin(), 'ml', { name: 'carmen', mapping: { kind: 'login', login: 'carmen' } })),
    'Msg 15063, Level 16, State 1: The login already has an account under a different user name.',
    'the owner is already dbo',
  );
  assert.equal(
    outcome(createUser(w.catalog, w.admin(), 'ml', { name: 'ghost', mapping: { kind: 'login', login: 'ghost' } })),
    "Msg 15007, Level 16, State 1: 'ghost' is not a valid login or you do not have permission.",
  );
});

test('a user WITHOUT LOGIN holds permissions and can be impersonated; SUSER_SNAME shows its SID', () => {
  const w = new World();
  w.apply(createUser(w.catalog, w.admin(), 'ml', { name: 'etl', mapping: { kind: 'without-login' } }));
  const etl = databasePrincipalsView(w.catalog, 'ml').find((p) => p.name === 'etl')!;
  assert.deepEqual([etl.type_desc, etl.authentication_type_desc], ['SQL_USER', 'NONE']);
  assert.match(etl.sid!, /^0x010500000000000903000000[0-9A-F]{16}$/);
  w.permit(grant('SELECT', on.object('dbo', 'iris'), 'etl'));
  w.permit(grant('IMPERSONATE', on.user('etl'), 'alice'));
  const asEtl = w.value(executeAsUser(w.catalog, w.as('alice'), 'ml', 'etl'));
  assert.equal(outcome(check(w.catalog, asEtl, 'ml', 'SELECT', on.object('dbo', 'iris'))), OK);
  assert.equal(userName(w.catalog, asEtl, 'ml'), 'etl');
});

test('DROP LOGIN: refused for sa, a login in use, a database owner, a grantor; otherwise it orphans its users', () => {
  const w = new World();
  assert.equal(outcome(dropLogin(w.catalog, w.admin(), 'sa')), "Msg 15405, Level 11, State 1: Cannot use the special principal 'sa'.");
  assert.equal(outcome(dropLogin(w.catalog, w.admin(), 'carmen')), "Msg 15434, Level 16, State 1: Could not drop login 'carmen' as the user is currently logged in.");
  const asAlice = w.value(executeAsLogin(w.catalog, w.admin(), 'master', 'alice'));
  assert.equal(outcome(dropLogin(w.catalog, asAlice, 'alice')), "Msg 15151, Level 16, State 1: Cannot drop the login 'alice', because it does not exist or you do not have permission.");
  w.apply(alterServerRoleMember(w.catalog, w.admin(), { role: 'dbcreator', member: 'olga', action: 'add' }));
  w.apply(createDatabase(w.catalog, w.as('olga'), 'olgadb'));
  assert.equal(
    outcome(dropLogin(w.catalog, w.admin(), 'olga')),
    "Msg 15174, Level 16, State 1: Login 'olga' owns one or more database(s). Change the owner of the database(s) before dropping the login.",
  );
  w.apply(alterServerRoleMember(w.catalog, w.admin(), { role: 'securityadmin', member: 'sec', action: 'add' }));
  w.apply(applyPermissionStatement(w.catalog, w.as('sec'), 'master', grant('VIEW SERVER STATE', undefined, 'bob')));
  assert.equal(
    outcome(dropLogin(w.catalog, w.admin(), 'sec')),
    "Msg 15173, Level 16, State 1: Login 'sec' has granted one or more permission(s). Revoke the permission(s) before dropping the login.",
  );
  assert.equal(outcome(dropLogin(w.catalog, w.as('alice'), 'bob')), "Msg 15151, Level 16, State 1: Cannot drop the login 'bob', because it does not exist or you do not have permission.");
  w.apply(dropLogin(w.catalog, w.admin(), 'bob'));
  assert.equal(serverPrincipalsView(w.catalog).some((p) => p.name === 'bob'), false);
  assert.equal(databasePrincipalsView(w.catalog, 'ml').some((p) => p.name === 'bob'), true, 'the user stays, orphaned');
});

test('DROP USER: special users (Msg 15150), owners of schemas (Msg 15138), grantors (Msg 15284)', () => {
  const w = new World();
  for (const special of ['dbo', 'guest', 'sys', 'INFORMATION_SCHEMA']) {
    assert.equal(outcome(dropUser(w.catalog, w.admin(), 'ml', special)), `Msg 15150, Level 16, State 1: Cannot drop the user '${special}'.`);
  }
  assert.equal(outcome(dropUser(w.catalog, w.admin(), 'ml', 'bob')), 'Msg 15138, Level 16, State 1: The database principal owns a schema in the database, and cannot be dropped.');
  w.permit(grant('SELECT', on.object('dbo', 'iris'), 'alice', { withGrantOption: true }));
  w.apply(applyPermissionStatement(w.catalog, w.as('alice'), 'ml', grant('SELECT', on.object('dbo', 'iris'), 'dave')));
  assert.equal(
    outcome(dropUser(w.catalog, w.admin(), 'ml', 'alice')),
    'Msg 15284, Level 16, State 1: The database principal has granted or denied permissions to objects in the database and cannot be dropped.',
  );
  assert.equal(outcome(dropUser(w.catalog, w.as('erin'), 'ml', 'dave')), "Msg 15151, Level 16, State 1: Cannot drop the user 'dave', because it does not exist or you do not have permission.");
  w.addMember('readers', 'dave');
  const dave = databasePrincipalsView(w.catalog, 'ml').find((p) => p.name === 'dave')!.principal_id;
  assert.equal(databasePermissionsView(w.catalog, 'ml').filter((r) => r.grantee_principal_id === dave).length, 2);
  w.apply(dropUser(w.catalog, w.admin(), 'ml', 'dave'));
  assert.equal(databasePermissionsView(w.catalog, 'ml').some((r) => r.grantee_principal_id === dave), false, 'its permissions go with it');
  assert.equal(isMember(w.catalog, w.as('dave'), 'ml', 'readers'), 0);
});

test('DROP ROLE: fixed roles (Msg 15150), roles with members (Msg 15144), role owners (Msg 15421)', () => {
  const w = new World();
  assert.equal(outcome(dropRole(w.catalog, w.admin(), 'ml', 'db_owner')), "Msg 15150, Level 16, State 1: Cannot drop the role 'db_owner'.");
  assert.equal(outcome(dropRole(w.catalog, w.admin(), 'ml', 'public')), "Msg 15150, Level 16, State 1: Cannot drop the role 'public'.");
  assert.equal(outcome(dropRole(w.catalog, w.admin(), 'ml', 'readers')), 'Msg 15144, Level 16, State 1: The role has members. It must be empty before it can be dropped.');
  assert.equal(outcome(dropRole(w.catalog, w.admin(), 'ml', 'alice')), "Msg 15151, Level 16, State 1: Cannot drop the role 'alice', because it does not exist or you do not have permission.");
  w.addMember('db_securityadmin', 'sec');
  w.apply(createRole(w.catalog, w.as('sec'), 'ml', 'secrole'));
  assert.equal(outcome(dropUser(w.catalog, w.admin(), 'ml', 'sec')), 'Msg 15421, Level 16, State 1: The database principal owns a database role and cannot be dropped.');
  assert.equal(outcome(dropRole(w.catalog, w.as('alice'), 'ml', 'secrole')), "Msg 15151, Level 16, State 1: Cannot drop the role 'secrole', because it does not exist or you do not have permission.");
  w.apply(dropRole(w.catalog, w.as('sec'), 'ml', 'secrole'));
  w.apply(dropRole(w.catalog, w.admin(), 'ml', 'scientists'));
  assert.equal(databasePrincipalsView(w.catalog, 'ml').some((p) => p.name === 'scientists'), false);
});

test('the owner of a role manages its members; CREATE ROLE without permission is Msg 15247', () => {
  const w = new World();
  assert.equal(outcome(createRole(w.catalog, w.as('alice'), 'ml', 'mine')), 'Msg 15247, Level 16, State 1: User does not have permission to perform this action.');
  w.permit(grant('CREATE ROLE', undefined, 'alice'));
  w.apply(createRole(w.catalog, w.as('alice'), 'ml', 'mine'));
  assert.equal(outcome(alterRoleMember(w.catalog, w.as('alice'), 'ml', { role: 'mine', member: 'bob', action: 'add' })), OK);
  assert.equal(databasePrincipalsView(w.catalog, 'ml').find((p) => p.name === 'mine')!.owning_principal_id, 5);
});

test('role membership: specials (Msg 15405), public (Msg 15081), cycles (Msg 15413), missing principals', () => {
  const w = new World();
  const change = (role: string, member: string, action: 'add' | 'drop' = 'add') => outcome(alterRoleMember(w.catalog, w.admin(), 'ml', { role, member, action }));
  assert.equal(change('readers', 'dbo'), "Msg 15405, Level 11, State 1: Cannot use the special principal 'dbo'.");
  assert.equal(change('readers', 'sys'), "Msg 15405, Level 11, State 1: Cannot use the special principal 'sys'.");
  assert.equal(change('public', 'alice'), 'Msg 15081, Level 16, State 1: Membership of the public role cannot be changed.');
  assert.equal(change('readers', 'readers'), 'Msg 15413, Level 11, State 1: Cannot make a role a member of itself.');
  assert.equal(change('scientists', 'readers'), 'Msg 15413, Level 11, State 1: Cannot make a role a member of itself.', 'readers already contains scientists');
  assert.equal(change('readers', 'nobody'), "Msg 15151, Level 16, State 1: Cannot add the principal 'nobody', because it does not exist or you do not have permission.");
  assert.equal(change('readers', 'nobody', 'drop'), "Msg 15151, Level 16, State 1: Cannot drop the principal 'nobody', because it does not exist or you do not have permission.");
  assert.equal(change('nothing', 'alice'), "Msg 15151, Level 16, State 1: Cannot alter the role 'nothing', because it does not exist or you do not have permission.");
  assert.equal(change('readers', 'alice'), OK);
  w.addMember('readers', 'alice');
  w.addMember('readers', 'alice');
  assert.equal(isMember(w.catalog, w.as('alice'), 'ml', 'readers'), 1, 'adding twice is harmless');
  assert.equal(change('readers', 'bob', 'drop'), OK, 'dropping a non-member is harmless');
});

test('sp_addrolemember reports a missing role with Msg 15014 and a missing member with Msg 15410', () => {
  const w = new World();
  const proc = (role: string, member: string) => outcome(roleMemberProcedure(w.catalog, w.admin(), 'ml', { role, member, action: 'add' }));
  assert.equal(proc('nothing', 'alice'), "Msg 15014, Level 16, State 1: The role 'nothing' does not exist in the current database.");
  assert.equal(proc('readers', 'nobody'), "Msg 15410, Level 11, State 1: User or role 'nobody' does not exist in this database.");
  assert.equal(proc('db_datareader', 'alice'), OK);
  assert.equal(
    outcome(roleMemberProcedure(w.catalog, w.as('bob'), 'ml', { role: 'db_datareader', member: 'bob', action: 'add' })),
    "Msg 15151, Level 16, State 1: Cannot alter the role 'db_datareader', because it does not exist or you do not have permission.",
  );
});

test('ALTER SERVER ROLE: members of a fixed role may add to it; public and sa are fixed', () => {
  const w = new World();
  const change = (by: string | null, role: string, member: string, action: 'add' | 'drop' = 'add') =>
    outcome(alterServerRoleMember(w.catalog, by === null ? w.admin() : w.as(by), { role, member, action }));
  assert.equal(change(null, 'public', 'alice'), 'Msg 15081, Level 16, State 1: Membership of the public role cannot be changed.');
  assert.equal(change(null, 'sysadmin', 'sa', 'drop'), "Msg 15405, Level 11, State 1: Cannot use the special principal 'sa'.");
  assert.equal(change(null, 'sysadmin', 'nobody'), "Msg 15151, Level 16, State 1: Cannot add the principal 'nobody', because it does not exist or you do not have permission.");
  assert.equal(change(null, 'nothing', 'alice'), "Msg 15151, Level 16, State 1: Cannot alter the server role 'nothing', because it does not exist or you do not have permission.");
  w.apply(alterServerRoleMember(w.catalog, w.admin(), { role: 'dbcreator', member: 'alice', action: 'add' }));
  assert.equal(change('alice', 'dbcreator', 'bob'), OK);
  w.permit(grant('CONTROL SERVER', undefined, 'erin'), 'master');
  assert.equal(
    change('erin', 'dbcreator', 'bob'),
    "Msg 15151, Level 16, State 1: Cannot alter the server role 'dbcreator', because it does not exist or you do not have permission.",
    'CONTROL SERVER is not membership',
  );
});

test('CREATE DATABASE makes the creator dbo; DROP DATABASE needs ownership, CONTROL or ALTER ANY DATABASE', () => {
  const w = new World();
  w.apply(alterServerRoleMember(w.catalog, w.admin(), { role: 'dbcreator', member: 'olga', action: 'add' }));
  w.apply(createDatabase(w.catalog, w.as('olga'), 'olgadb'));
  assert.equal(userName(w.catalog, w.as('olga'), 'olgadb'), 'dbo');
  assert.equal(isMember(w.catalog, w.as('olga'), 'olgadb', 'db_owner'), 1);
  assert.equal(outcome(createDatabase(w.catalog, w.as('olga'), 'OLGADB')), "Msg 1801, Level 16, State 3: Database 'OLGADB' already exists. Choose a different database name.");
  assert.equal(outcome(dropDatabase(w.catalog, w.as('alice'), 'olgadb')), "Msg 3701, Level 11, State 1: Cannot drop the database 'olgadb', because it does not exist or you do not have permission.");
  assert.equal(outcome(dropDatabase(w.catalog, w.admin(), 'master')), "Msg 3708, Level 16, State 1: Cannot drop the database 'master' because it is a system database.");
  assert.equal(outcome(dropDatabase(w.catalog, w.admin(), 'nodb')), "Msg 3701, Level 11, State 1: Cannot drop the database 'nodb', because it does not exist or you do not have permission.");
  w.apply(dropDatabase(w.catalog, w.as('olga'), 'olgadb'));
  assert.equal(userName(w.catalog, w.as('olga'), 'olgadb'), null);
  w.apply(createUser(w.catalog, w.admin(), 'master', { name: 'alice', mapping: { kind: 'login', login: 'alice' } }));
  w.permit(grant('CREATE DATABASE', undefined, 'alice'), 'master');
  assert.equal(outcome(createDatabase(w.catalog, w.as('alice'), 'alicedb')), OK, 'CREATE DATABASE granted in master');
});

test('registered securables: duplicates are Msg 2714; dropping an object drops its permissions', () => {
  const w = new World();
  assert.equal(outcome(registerObject(w.catalog, 'ml', { schema: 'DBO', name: 'IRIS', type: 'U' })), "Msg 2714, Level 16, State 6: There is already an object named 'IRIS' in the database.");
  assert.equal(outcome(registerSchema(w.catalog, 'ml', 'sales')), "Msg 2714, Level 16, State 6: There is already an object named 'sales' in the database.");
  assert.equal(outcome(registerExternalLanguage(w.catalog, 'ml', 'python')), "Msg 2714, Level 16, State 6: There is already an object named 'python' in the database.");
  assert.equal(
    outcome(registerObject(w.catalog, 'ml', { schema: 'nowhere', name: 't', type: 'U' })),
    'Msg 2760, Level 16, State 1: The specified schema name "nowhere" either does not exist or you do not have permission to use it.',
  );
  assert.equal(outcome(registerSchema(w.catalog, 'nodb', 's')), "Msg 911, Level 16, State 1: Database 'nodb' does not exist. Make sure that the name is entered correctly.");
  w.permit(grant('SELECT', on.object('dbo', 'iris'), 'alice'));
  w.catalog = unregisterObject(w.catalog, 'ml', 'dbo', 'iris');
  assert.equal(databasePermissionsView(w.catalog, 'ml').some((r) => r.class === 1), false);
  w.apply(registerObject(w.catalog, 'ml', { schema: 'dbo', name: 'iris', type: 'U' }));
  assert.equal(outcome(check(w.catalog, w.as('alice'), 'ml', 'SELECT', on.object('dbo', 'iris'))).startsWith('Msg 229,'), true, 'a new object does not inherit the old grants');
  assert.equal(outcome(check(w.catalog, w.as('alice'), 'ml', 'SELECT', on.object('dbo', 'gone'))), "Msg 208, Level 16, State 1: Invalid object name 'dbo.gone'.");
});

test('a new external language is a securable: its owner runs it, others need the permission', () => {
  const w = new World();
  w.apply(registerExternalLanguage(w.catalog, 'ml', 'Java', 'alice'));
  w.permit(grant('EXECUTE EXTERNAL SCRIPT', on.language('Java'), 'bob'));
  const rows = databasePermissionsView(w.catalog, 'ml').filter((r) => r.class === 34);
  assert.deepEqual(rows.map((r) => [r.major_id, r.permission_name]), [[3, 'EXECUTE EXTERNAL SCRIPT']]);
});
