// OS logins are authenticated by the kernel, not by a name the client claims: a root instance gives
// each OS login in its catalog a socket only that user can open, and the login is whoever opened it.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { passwdEntries } from '../../../server/src/node/osUsers';
import { cli, instanceSkip, TestInstance, type RunJson } from './harness';

const skip = instanceSkip();
const instance = new TestInstance('oslogins', 'sqlmlto');
const GRANTED = 'sqlmltos1';
const STRANGER = 'sqlmltos2';

function user(name: string): { uid: number; gid: number } {
  const entry = passwdEntries().get(name);
  assert.ok(entry, `user ${name} exists`);
  return { uid: entry.uid, gid: entry.gid };
}

before(() => {
  if (skip) return;
  for (const name of [GRANTED, STRANGER]) {
    spawnSync('/usr/sbin/userdel', [name]);
    const made = spawnSync('/usr/sbin/useradd', ['--system', '--no-create-home', '--shell', '/usr/sbin/nologin', name], { encoding: 'utf8' });
    assert.equal(made.status, 0, made.stderr);
  }
  instance.create(2);
});

after(async () => {
  if (skip) return;
  await instance.teardown();
  for (const name of [GRANTED, STRANGER]) spawnSync('/usr/sbin/userdel', [name]);
});

test('an OS user with a login connects through its own socket and is that login; others are refused', { skip }, () => {
  const file = join(instance.base, 'who.sql');
  writeFileSync(file, 'SELECT SUSER_SNAME() AS who;');
  const setup = join(instance.base, 'login.sql');
  writeFileSync(setup, `CREATE LOGIN [${GRANTED}] FROM OS;`);
  assert.equal(cli(['run', '--path', instance.path, setup]).status, 0);

  const env = { PATH: '/usr/bin:/bin', HOME: instance.base };
  const asGranted = cli(['run', '--path', instance.path, '--format', 'json', file], { ...user(GRANTED), env });
  assert.equal(asGranted.status, 0, asGranted.stderr);
  const rows = (JSON.parse(asGranted.stdout) as RunJson).batches[0]!.resultSets[0]!.rows;
  assert.deepEqual(rows, [[GRANTED]]);

  // The stranger has no login, so no socket of its own, and the owner's socket is not theirs to open.
  const asStranger = cli(['run', '--path', instance.path, '--format', 'json', file], { ...user(STRANGER), env });
  assert.equal(asStranger.status, 1, asStranger.stderr);
  assert.match(asStranger.stderr, new RegExp(`you \\(${STRANGER}\\) have no login on the instance .*CREATE LOGIN \\[${STRANGER}\\] FROM OS`));
});
