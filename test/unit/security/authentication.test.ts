// Opening sessions: OS identities (own login or group login) and SQL logins, and the database the
// session starts in.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  alterLogin,
  connectWithOsIdentity,
  connectWithSqlLogin,
  createLogin,
  serverPrincipalsView,
  sqlLoginPasswordHash,
} from '../../../server/src/core/security';
import { deny, outcome, World } from './world';

const failed = (name: string) => `Msg 18456, Level 14, State 1: Login failed for user '${name}'.`;

test('a SQL login connects only with a verified password, while enabled and allowed CONNECT SQL', () => {
  const w = new World();
  assert.equal(sqlLoginPasswordHash(w.catalog, 'alice'), 'hash-of-alice');
  assert.equal(sqlLoginPasswordHash(w.catalog, 'frank'), null, 'OS logins have no password');
  assert.equal(outcome(connectWithSqlLogin(w.catalog, 'alice', true)), 'ok');
  assert.equal(outcome(connectWithSqlLogin(w.catalog, 'alice', false)), failed('alice'));
  assert.equal(outcome(connectWithSqlLogin(w.catalog, 'nobody', true)), failed('nobody'));
  assert.equal(outcome(connectWithSqlLogin(w.catalog, 'frank', true)), failed('frank'), 'an OS login cannot use SQL authentication');
  w.permit(deny('CONNECT SQL', undefined, 'alice'), 'master');
  assert.equal(outcome(connectWithSqlLogin(w.catalog, 'alice', true)), failed('alice'));
  w.apply(alterLogin(w.catalog, w.admin(), 'bob', { enabled: false }));
  assert.equal(outcome(connectWithSqlLogin(w.catalog, 'bob', true)), failed('bob'));
});

test('sa starts disabled without a password: it cannot be enabled until it has one', () => {
  const w = new World();
  assert.equal(outcome(connectWithSqlLogin(w.catalog, 'sa', true)), failed('sa'));
  assert.equal(outcome(alterLogin(w.catalog, w.admin(), 'sa', { enabled: true })), 'Msg 15510, Level 16, State 1: Cannot enable a login that has an empty password.');
  w.apply(alterLogin(w.catalog, w.admin(), 'sa', { enabled: true, passwordHash: 'hash-of-sa' }));
  const sa = w.value(connectWithSqlLogin(w.catalog, 'sa', true));
  assert.equal(sa.database, 'master');
});

test('ALTER LOGIN: others need ALTER ANY LOGIN; a login changes its own password with the old one', () => {
  const w = new World();
  assert.equal(
    outcome(alterLogin(w.catalog, w.as('alice'), 'bob', { enabled: false })),
    "Msg 15151, Level 16, State 1: Cannot alter the login 'bob', because it does not exist or you do not have permission.",
  );
  assert.equal(outcome(alterLogin(w.catalog, w.as('alice'), 'alice', { passwordHash: 'new' })), "Msg 15151, Level 16, State 1: Cannot alter the login 'alice', because it does not exist or you do not have permission.");
  w.apply(alterLogin(w.catalog, w.as('alice'), 'alice', { passwordHash: 'new', oldPasswordVerified: true }));
  assert.equal(sqlLoginPasswordHash(w.catalog, 'alice'), 'new');
  assert.equal(outcome(alterLogin(w.catalog, w.admin(), 'frank', { passwordHash: 'x' })), 'Msg 15080, Level 16, State 1: Cannot use parameter PASSWORD for a Windows login.');
});

test('an OS user connects with its own login, or through the login of one of its groups', () => {
  const w = new World();
  const id = (name: string) => serverPrincipalsView(w.catalog).find((p) => p.name === name)!;
  const frank = w.value(connectWithOsIdentity(w.catalog, { user: 'frank', groups: ['analysts'] }));
  assert.deepEqual(frank.session.stack, [
    { kind: 'login', name: 'frank', sid: id('frank').sid, loginIds: [id('frank').principal_id, id('analysts').principal_id], executedIn: null },
  ]);
  const gina = w.value(connectWithOsIdentity(w.catalog, { user: 'gina', groups: ['staff', 'analysts'] }));
  assert.deepEqual(gina.session, {
    originalLogin: 'gina',
    stack: [{ kind: 'login', name: 'gina', sid: null, loginIds: [id('analysts').principal_id], executedIn: null }],
  });
  assert.equal(outcome(connectWithOsIdentity(w.catalog, { user: 'gina', groups: ['staff'] })), failed('gina'));
  assert.equal(outcome(connectWithOsIdentity(w.catalog, { user: 'alice', groups: [] })), failed('alice'), 'a SQL login is not an OS identity');
});

test('a disabled group login admits nobody', () => {
  const w = new World();
  w.apply(createLogin(w.catalog, w.admin(), { name: 'interns', source: { kind: 'os-group' }, disabled: true }));
  assert.equal(outcome(connectWithOsIdentity(w.catalog, { user: 'ivan', groups: ['interns'] })), failed('ivan'));
});

test('the requested database must be accessible (Msg 4060); the default one too (Msg 4064)', () => {
  const w = new World();
  assert.equal(w.value(connectWithSqlLogin(w.catalog, 'alice', true, 'ml')).database, 'ml');
  assert.equal(
    outcome(connectWithSqlLogin(w.catalog, 'olga', true, 'ml')),
    'Msg 4060, Level 11, State 1: Cannot open database "ml" requested by the login. The login failed.',
  );
  w.apply(createLogin(w.catalog, w.admin(), { name: 'pat', source: { kind: 'password', passwordHash: 'h' }, defaultDatabase: 'ml' }));
  assert.equal(outcome(connectWithSqlLogin(w.catalog, 'pat', true)), 'Msg 4064, Level 11, State 1: Cannot open user default database. Login failed.');
});
