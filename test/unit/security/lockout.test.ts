// Account lockout of SQL logins (CHECK_POLICY = ON): the count of wrong passwords, the lock and
// Msg 18486, its end (time, UNLOCK, CHECK_POLICY), the reset on success, and LOGINPROPERTY.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  alterLogin,
  authenticateSqlLogin,
  createLogin,
  loginPolicyProperty,
  type LockoutPolicy,
} from '../../../server/src/core/security';
import { findLogin } from '../../../server/src/core/security/lookup';
import { outcome, World } from './world';

const POLICY: LockoutPolicy = { threshold: 3, durationMs: 60_000, resetAfterMs: 30_000 };
const failed = (name: string) => `Msg 18456, Level 14, State 1: Login failed for user '${name}'.`;
const locked = (name: string) =>
  `Msg 18486, Level 14, State 1: Login failed for user '${name}' because the account is currently locked out. The system administrator can unlock it.`;

/** One attempt at `now`, keeping the catalog it leaves; the message (or 'ok'). */
function attempt(w: World, name: string, rightPassword: boolean, now: number, policy = POLICY): string {
  const result = authenticateSqlLogin(w.catalog, name, rightPassword, policy, now);
  w.catalog = result.catalog;
  return outcome(result.outcome);
}

const property = (w: World, name: string, p: string, now: number) => loginPolicyProperty(findLogin(w.catalog, name)!, p, POLICY, now);

test('the threshold-th wrong password locks the login: then even the right one gets Msg 18486', () => {
  const w = new World();
  assert.equal(attempt(w, 'alice', false, 1000), failed('alice'));
  assert.equal(attempt(w, 'alice', false, 2000), failed('alice'));
  assert.deepEqual(property(w, 'alice', 'BadPasswordCount', 2000), { kind: 'int', value: 2 });
  assert.deepEqual(property(w, 'alice', 'IsLocked', 2000), { kind: 'int', value: 0 });
  assert.equal(attempt(w, 'alice', false, 3000), failed('alice'), 'the failure that locks is answered like any other');
  assert.equal(attempt(w, 'alice', true, 4000), locked('alice'));
  assert.equal(attempt(w, 'alice', false, 5000), locked('alice'));
  assert.deepEqual(property(w, 'alice', 'IsLocked', 5000), { kind: 'int', value: 1 });
  assert.deepEqual(property(w, 'alice', 'LockoutTime', 5000), { kind: 'datetime', value: 3000 });
  assert.deepEqual(property(w, 'alice', 'BadPasswordTime', 5000), { kind: 'datetime', value: 3000 }, 'attempts on a locked login are not counted');
  assert.equal(attempt(w, 'bob', true, 5000), 'ok', 'other logins are not affected');
});

test('a lock lifts after its duration; failures spread wider than the reset window never lock', () => {
  const w = new World();
  for (const t of [0, 1, 2]) attempt(w, 'alice', false, t);
  assert.equal(attempt(w, 'alice', true, 2 + POLICY.durationMs - 1), locked('alice'));
  assert.equal(attempt(w, 'alice', true, 2 + POLICY.durationMs), 'ok');
  for (let i = 0; i < 10; i++) assert.equal(attempt(w, 'bob', false, i * POLICY.resetAfterMs), failed('bob'));
  assert.deepEqual(property(w, 'bob', 'IsLocked', 10 * POLICY.resetAfterMs), { kind: 'int', value: 0 });
});

test('a successful login resets the count of wrong passwords', () => {
  const w = new World();
  attempt(w, 'alice', false, 10);
  attempt(w, 'alice', false, 20);
  assert.equal(attempt(w, 'alice', true, 30), 'ok');
  assert.deepEqual(property(w, 'alice', 'BadPasswordCount', 30), { kind: 'int', value: 0 });
  attempt(w, 'alice', false, 40);
  attempt(w, 'alice', false, 50);
  assert.equal(attempt(w, 'alice', true, 60), 'ok', 'two failures after the reset do not reach the threshold of 3');
  const unchanged = authenticateSqlLogin(w.catalog, 'alice', true, POLICY, 70);
  assert.equal(unchanged.catalog, w.catalog, 'a login with nothing to reset leaves the catalog as it was (nothing to write)');
});

test('missing logins, OS logins and disabled logins change nothing and all get Msg 18456', () => {
  const w = new World();
  w.apply(alterLogin(w.catalog, w.admin(), 'erin', { enabled: false }));
  const before = w.catalog;
  for (let i = 0; i < 5; i++) {
    assert.equal(attempt(w, 'nobody', false, i), failed('nobody'));
    assert.equal(attempt(w, 'frank', false, i), failed('frank'));
    assert.equal(attempt(w, 'erin', false, i), failed('erin'));
  }
  assert.equal(w.catalog, before);
});

test('CHECK_POLICY = OFF: no lockout; CHECK_POLICY and UNLOCK end a lock; only ALTER ANY LOGIN unlocks', () => {
  const w = new World();
  w.apply(createLogin(w.catalog, w.admin(), { name: 'loose', source: { kind: 'password', passwordHash: 'h' }, checkPolicy: false }));
  for (let i = 0; i < 10; i++) assert.equal(attempt(w, 'loose', false, i), failed('loose'));
  assert.equal(attempt(w, 'loose', true, 20), 'ok');
  assert.deepEqual(property(w, 'loose', 'BadPasswordCount', 20), { kind: 'int', value: 0 });

  for (const t of [0, 1, 2]) attempt(w, 'alice', false, t);
  assert.equal(
    outcome(alterLogin(w.catalog, w.as('bob'), 'alice', { passwordHash: 'new', unlock: true })),
    "Msg 15151, Level 16, State 1: Cannot alter the login 'alice', because it does not exist or you do not have permission.",
  );
  w.apply(alterLogin(w.catalog, w.admin(), 'alice', { passwordHash: 'new', passwordSetAt: 500 }));
  assert.equal(attempt(w, 'alice', true, 600), locked('alice'), 'a new password alone does not unlock');
  w.apply(alterLogin(w.catalog, w.admin(), 'alice', { passwordHash: 'newer', passwordSetAt: 700, unlock: true }));
  assert.deepEqual(property(w, 'alice', 'PasswordLastSetTime', 800), { kind: 'datetime', value: 700 });
  assert.equal(attempt(w, 'alice', true, 800), 'ok');

  for (const t of [0, 1, 2]) attempt(w, 'dave', false, 1000 + t);
  w.apply(alterLogin(w.catalog, w.admin(), 'dave', { checkPolicy: false }));
  assert.equal(attempt(w, 'dave', true, 1100), 'ok', 'CHECK_POLICY = OFF unlocks');
  w.apply(alterLogin(w.catalog, w.admin(), 'dave', { checkPolicy: true }));
  for (const t of [0, 1, 2]) attempt(w, 'dave', false, 2000 + t);
  assert.equal(attempt(w, 'dave', true, 2100), locked('dave'), 'CHECK_POLICY = ON again: lockout is back');
  w.apply(alterLogin(w.catalog, w.admin(), 'dave', { checkPolicy: true }));
  assert.equal(attempt(w, 'dave', true, 2200), 'ok', 'setting CHECK_POLICY resets the lock');
  assert.equal(outcome(alterLogin(w.catalog, w.admin(), 'frank', { checkPolicy: false })), 'Msg 15080, Level 16, State 1: Cannot use parameter CHECK_POLICY for a Windows login.');
});

test('LOGINPROPERTY: SQL Server\'s zero datetime for "never", NULL for OS logins and unknown properties', () => {
  const w = new World();
  const zero = Date.UTC(1900, 0, 1);
  assert.deepEqual(property(w, 'alice', 'lockouttime', 0), { kind: 'datetime', value: zero });
  assert.deepEqual(property(w, 'alice', 'BADPASSWORDTIME', 0), { kind: 'datetime', value: zero });
  assert.equal(property(w, 'alice', 'PasswordLastSetTime', 0), null, 'set before the time was kept');
  assert.equal(property(w, 'frank', 'IsLocked', 0), null);
  assert.equal(property(w, 'alice', 'PasswordHash', 0), null);
});
