// SUSER_SNAME(), USER_NAME(), ORIGINAL_LOGIN(), IS_SRVROLEMEMBER and IS_MEMBER through the
// EXECUTE AS / REVERT stack.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  alterServerRoleMember,
  dropLogin,
  executeAsLogin,
  executeAsUser,
  isMember,
  isSrvRoleMember,
  originalLogin,
  revert,
  suserSname,
  userName,
  type SessionContext,
} from '../../../server/src/core/security';
import { grant, on, outcome, World } from './world';

function names(w: World, session: SessionContext) {
  return { suser: suserSname(w.catalog, session), user: userName(w.catalog, session, 'ml'), original: originalLogin(session) };
}

test('a SQL login is its own user; sysadmin is dbo in a database it has no user in', () => {
  const w = new World();
  assert.deepEqual(names(w, w.as('alice')), { suser: 'alice', user: 'alice', original: 'alice' });
  assert.deepEqual(names(w, w.admin()), { suser: 'carmen', user: 'dbo', original: 'carmen' });
  assert.equal(userName(w.catalog, w.as('olga'), 'master'), 'guest');
  assert.equal(userName(w.catalog, w.as('olga'), 'ml'), null);
});

test('EXECUTE AS LOGIN changes SUSER_SNAME and USER_NAME but not ORIGINAL_LOGIN; REVERT pops one level', () => {
  const w = new World();
  const asAlice = w.value(executeAsLogin(w.catalog, w.admin(), 'ml', 'alice'));
  assert.deepEqual(names(w, asAlice), { suser: 'alice', user: 'alice', original: 'carmen' });
  w.permit(grant('IMPERSONATE', on.user('bob'), 'alice'));
  const asBob = w.value(executeAsUser(w.catalog, asAlice, 'ml', 'bob'));
  assert.deepEqual(names(w, asBob), { suser: 'bob', user: 'bob', original: 'carmen' });
  const back = w.value(revert(asBob, 'ml'));
  assert.deepEqual(names(w, back), { suser: 'alice', user: 'alice', original: 'carmen' });
  const home = w.value(revert(back, 'ml'));
  assert.deepEqual(names(w, home), { suser: 'carmen', user: 'dbo', original: 'carmen' });
  assert.deepEqual(w.value(revert(home, 'ml')), home, 'REVERT with nothing to revert changes nothing');
});

test('a login may impersonate itself without IMPERSONATE', () => {
  const w = new World();
  assert.equal(outcome(executeAsLogin(w.catalog, w.as('alice'), 'ml', 'alice')), 'ok');
  assert.equal(outcome(executeAsUser(w.catalog, w.as('alice'), 'ml', 'alice')), 'ok');
});

test('group logins, unknown logins and server roles cannot be impersonated (Msg 15406)', () => {
  const w = new World();
  for (const name of ['analysts', 'nobody', 'sysadmin']) {
    assert.equal(
      outcome(executeAsLogin(w.catalog, w.admin(), 'ml', name)),
      `Msg 15406, Level 16, State 1: Cannot execute as the server principal because the principal "${name}" does not exist, this type of principal cannot be impersonated, or you do not have permission.`,
    );
  }
});

test('an orphaned user (its login dropped) cannot be impersonated (Msg 15517), and sys cannot either', () => {
  const w = new World();
  w.apply(dropLogin(w.catalog, w.admin(), 'bob'));
  for (const name of ['bob', 'sys', 'analysts']) {
    assert.equal(
      outcome(executeAsUser(w.catalog, w.admin(), 'ml', name)),
      `Msg 15517, Level 16, State 1: Cannot execute as the database principal because the principal "${name}" does not exist, this type of principal cannot be impersonated, or you do not have permission.`,
    );
  }
});

test('IS_SRVROLEMEMBER: the current context, a named login, NULL for unknown roles and logins', () => {
  const w = new World();
  assert.equal(isSrvRoleMember(w.catalog, w.admin(), 'sysadmin'), 1);
  assert.equal(isSrvRoleMember(w.catalog, w.as('alice'), 'sysadmin'), 0);
  assert.equal(isSrvRoleMember(w.catalog, w.as('alice'), 'public'), 1);
  assert.equal(isSrvRoleMember(w.catalog, w.as('alice'), 'serveradmin', 'carmen'), 0, 'sysadmin is not a member of the other roles');
  w.apply(alterServerRoleMember(w.catalog, w.admin(), { role: 'dbcreator', member: 'alice', action: 'add' }));
  assert.equal(isSrvRoleMember(w.catalog, w.as('bob'), 'dbcreator', 'alice'), 1);
  assert.equal(isSrvRoleMember(w.catalog, w.as('alice'), 'db_owner'), null);
  assert.equal(isSrvRoleMember(w.catalog, w.as('alice'), 'sysadmin', 'nobody'), null);
  const asUser = w.value(executeAsUser(w.catalog, w.admin(), 'ml', 'dbo'));
  assert.equal(isSrvRoleMember(w.catalog, asUser, 'sysadmin'), 0, 'EXECUTE AS USER carries no server roles');
});

test('IS_MEMBER: nested roles, db_owner for sysadmin (dbo), OS groups, NULL for anything else', () => {
  const w = new World();
  w.addMember('scientists', 'alice');
  assert.equal(isMember(w.catalog, w.as('alice'), 'ml', 'scientists'), 1);
  assert.equal(isMember(w.catalog, w.as('alice'), 'ml', 'readers'), 1, 'scientists is a member of readers');
  assert.equal(isMember(w.catalog, w.as('bob'), 'ml', 'readers'), 0);
  assert.equal(isMember(w.catalog, w.admin(), 'ml', 'db_owner'), 1);
  assert.equal(isMember(w.catalog, w.as('alice'), 'ml', 'public'), 1);
  assert.equal(isMember(w.catalog, w.os('gina', ['analysts']), 'ml', 'analysts'), 1);
  assert.equal(isMember(w.catalog, w.as('alice'), 'ml', 'analysts'), 0);
  assert.equal(isMember(w.catalog, w.as('alice'), 'ml', 'nothing'), null);
});
