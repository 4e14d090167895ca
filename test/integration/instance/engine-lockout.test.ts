// Password guessing against a real engine (DuckDB, the catalog on disk, scrypt): a SQL login with
// CHECK_POLICY = ON is locked after the threshold of wrong passwords with Msg 18486, stays locked
// across a restart, is unlocked by ALTER LOGIN ... UNLOCK or CHECK_POLICY; CHECK_POLICY = OFF never
// locks; a missing login costs a verification against the decoy hash and gets the same Msg 18456.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { decoyPasswordHash, verifyPassword } from '../../../server/src/node/instance/passwords';
import type { LockoutPolicy } from '../../../server/src/core/security';
import { EngineBed } from './engineBed';

const POLICY: LockoutPolicy = { threshold: 3, durationMs: 30 * 60_000, resetAfterMs: 30 * 60_000 };
const failed = (name: string) => `Login failed for user '${name}'.`;
const locked = (name: string) => `Login failed for user '${name}' because the account is currently locked out. The system administrator can unlock it.`;

const bed = new EngineBed('lockout');
/** The hashes every password verification was made against, in order. */
const verifiedAgainst: string[] = [];
const engineOptions = {
  lockout: POLICY,
  verifyPassword: (password: string, hash: string) => {
    verifiedAgainst.push(hash);
    return verifyPassword(password, hash);
  },
};

after(() => bed.remove());

/** A login attempt's answer: 'ok', or 'Msg n (level l): text'. */
async function tryLogin(name: string, password: string): Promise<string> {
  const outcome = await bed.engine.login({ kind: 'sql', login: name, password });
  return outcome.ok ? 'ok' : `Msg ${outcome.message.number} (level ${outcome.message.severity}): ${outcome.message.text}`;
}

async function property(name: string, p: string): Promise<unknown> {
  const admin = await bed.connect();
  return (await admin.ok(`SELECT LOGINPROPERTY('${name}', '${p}');`)).column()[0];
}

test('#46 lockout after the threshold, refused while locked, durable across a restart, UNLOCK', async () => {
  await bed.open({ engine: engineOptions });
  const admin = await bed.connect();
  await admin.ok(`CREATE LOGIN lucy WITH PASSWORD = 'Right-Pa55';
CREATE LOGIN loose WITH PASSWORD = 'Right-Pa55', CHECK_POLICY = OFF;`);
  assert.equal(await property('lucy', 'IsLocked'), '0');
  assert.match(String(await property('lucy', 'PasswordLastSetTime')), /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}$/);
  assert.equal(await property('lucy', 'LockoutTime'), '1900-01-01 00:00:00.000');

  for (let i = 0; i < POLICY.threshold; i++) assert.equal(await tryLogin('lucy', `guess-${i}`), `Msg 18456 (level 14): ${failed('lucy')}`);
  assert.equal(await tryLogin('lucy', 'Right-Pa55'), `Msg 18486 (level 14): ${locked('lucy')}`);
  assert.equal(await property('lucy', 'IsLocked'), '1');
  assert.equal(await property('lucy', 'BadPasswordCount'), String(POLICY.threshold));
  assert.notEqual(await property('lucy', 'LockoutTime'), '1900-01-01 00:00:00.000');
  assert.notEqual(await property('lucy', 'BadPasswordTime'), '1900-01-01 00:00:00.000');

  for (let i = 0; i < POLICY.threshold + 2; i++) assert.equal(await tryLogin('loose', `guess-${i}`), `Msg 18456 (level 14): ${failed('loose')}`);
  assert.equal(await tryLogin('loose', 'Right-Pa55'), 'ok', 'CHECK_POLICY = OFF: never locked');
  assert.equal(await property('loose', 'IsLocked'), '0');

  await bed.close();
  await bed.open({ fresh: false, engine: engineOptions });
  assert.equal(await tryLogin('lucy', 'Right-Pa55'), `Msg 18486 (level 14): ${locked('lucy')}`, 'the lock outlived the restart');

  const again = await bed.connect();
  await again.ok(`ALTER LOGIN lucy WITH PASSWORD = 'Other-Pa55';`);
  assert.equal(await tryLogin('lucy', 'Other-Pa55'), `Msg 18486 (level 14): ${locked('lucy')}`, 'a new password without UNLOCK leaves the lock');
  await again.ok(`ALTER LOGIN lucy WITH PASSWORD = 'New-Pa55' UNLOCK;`);
  assert.equal(await property('lucy', 'IsLocked'), '0');
  assert.equal(await tryLogin('lucy', 'New-Pa55'), 'ok');
});

test('a successful login resets the count; CHECK_POLICY = OFF unlocks; a login changes its own password with OLD_PASSWORD', async () => {
  assert.equal(await tryLogin('lucy', 'wrong'), `Msg 18456 (level 14): ${failed('lucy')}`);
  assert.equal(await tryLogin('lucy', 'wrong'), `Msg 18456 (level 14): ${failed('lucy')}`);
  assert.equal(await property('lucy', 'BadPasswordCount'), '2');
  assert.equal(await tryLogin('lucy', 'New-Pa55'), 'ok');
  assert.equal(await property('lucy', 'BadPasswordCount'), '0');

  for (let i = 0; i < POLICY.threshold; i++) await tryLogin('lucy', 'wrong');
  assert.equal(await tryLogin('lucy', 'New-Pa55'), `Msg 18486 (level 14): ${locked('lucy')}`);
  const admin = await bed.connect();
  await admin.ok('ALTER LOGIN lucy WITH CHECK_POLICY = OFF;');
  assert.equal(await tryLogin('lucy', 'New-Pa55'), 'ok');
  await admin.ok('ALTER LOGIN lucy WITH CHECK_POLICY = ON;');

  const lucy = await bed.connect({ name: 'lucy', password: 'New-Pa55' });
  assert.deepEqual(await lucy.errorNumbers(`ALTER LOGIN lucy WITH PASSWORD = 'Mine-Pa55' OLD_PASSWORD = 'not-it';`), [15151]);
  await lucy.ok(`ALTER LOGIN lucy WITH PASSWORD = 'Mine-Pa55' OLD_PASSWORD = 'New-Pa55';`);
  assert.deepEqual(await lucy.errorNumbers(`ALTER LOGIN lucy WITH PASSWORD = 'x' UNLOCK;`), [15151], 'unlocking needs ALTER ANY LOGIN');
  assert.equal(await tryLogin('lucy', 'Mine-Pa55'), 'ok');
});

test('#46 Msg 18456 does not tell whether the login exists: same text, and a verification against the decoy hash', async () => {
  const decoy = await decoyPasswordHash();
  verifiedAgainst.length = 0;
  assert.equal(await tryLogin('ghost', 'whatever'), `Msg 18456 (level 14): ${failed('ghost')}`);
  assert.deepEqual(verifiedAgainst, [decoy], 'the missing login cost one scrypt verification, against the decoy');
  assert.equal(await tryLogin('loose', 'whatever'), `Msg 18456 (level 14): ${failed('loose')}`);
  assert.equal(verifiedAgainst.length, 2);
  assert.notEqual(verifiedAgainst[1], decoy, 'an existing login is verified against its own hash');
  assert.equal(verifiedAgainst[1]!.split('$').slice(0, 4).join('$'), decoy.split('$').slice(0, 4).join('$'), 'both with the same scrypt parameters');
});
