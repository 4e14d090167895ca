// Connection profiles (sqlml.connections) and the target they give the editor: a SQL Server over
// TDS with the profile's login, its password from the named environment variable or the editor,
// never from settings; malformed profiles left out.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readProfiles } from '../../../server/src/lsp/connectionProfiles';
import { EditorLogin, targetKey } from '../../../server/src/lsp/editorLogin';
import { readSettings } from '../../../server/src/lsp/settings';

const PROFILES = [
  { profileName: 'prod', server: 'sql.example.com', port: 14330, database: 'ml', authenticationType: 'SqlLogin', user: 'analyst', encrypt: 'Mandatory', trustServerCertificate: false },
  { profileName: 'ci', server: '127.0.0.1', authenticationType: 'SqlLogin', user: 'ci_login', encrypt: false, trustServerCertificate: true, passwordEnvironmentVariable: 'SQLML_TEST_PROFILE_PW' },
  { profileName: 'mine', authenticationType: 'EmbeddedOsLogin', instancePath: '/srv/sqlml/team' },
  { profileName: 'no user', server: 'x', authenticationType: 'SqlLogin' },
  { profileName: 'bad port', server: 'x', user: 'u', port: 99999 },
  { profileName: 'windows', server: 'x', authenticationType: 'Integrated' },
  'not an object',
];

test('profiles as the mssql extension writes them; malformed ones are left out', () => {
  const profiles = readProfiles(PROFILES);
  assert.deepEqual(profiles.map((p) => p.profileName), ['prod', 'ci', 'mine']);
  assert.deepEqual(profiles[0], { profileName: 'prod', server: 'sql.example.com', port: 14330, database: 'ml', authenticationType: 'SqlLogin', user: 'analyst', encrypt: true, trustServerCertificate: false });
  assert.equal(profiles[1]!.encrypt, false);
  assert.ok(!('password' in (readProfiles([{ ...PROFILES[0] as object, password: 'in settings' }])[0] as object)), 'a password in settings is never read');
});

test('the selected SQL-login profile: a TDS target that needs the password until the editor gives it', () => {
  const settings = readSettings({ connections: PROFILES, instance: { connection: 'PROD', path: '/ignored' } }).preflight;
  const login = new EditorLogin();
  const before = login.target(settings);
  assert.equal(before.needsPassword, 'analyst');
  assert.equal(before.tds?.server, 'sql.example.com');
  assert.equal(before.path, undefined, 'not the embedded instance');
  login.set('analyst', 'secret-from-secretstorage');
  const after = login.target(settings);
  assert.deepEqual(after.sqlLogin, { name: 'analyst', password: 'secret-from-secretstorage' });
  assert.equal(after.needsPassword, undefined);
  assert.notEqual(targetKey(after), targetKey(login.target(readSettings({ instance: { login: 'analyst' } }).preflight)), 'a server and an instance are never the same target');
});

test('a profile naming an environment variable takes the password from it; an EmbeddedOsLogin profile is the instance folder', () => {
  process.env.SQLML_TEST_PROFILE_PW = 'from-the-environment';
  try {
    const t = new EditorLogin().target(readSettings({ connections: PROFILES, instance: { connection: 'ci' } }).preflight);
    assert.deepEqual(t.sqlLogin, { name: 'ci_login', password: 'from-the-environment' });
  } finally {
    delete process.env.SQLML_TEST_PROFILE_PW;
  }
  const mine = new EditorLogin().target(readSettings({ connections: PROFILES, instance: { connection: 'mine' } }).preflight);
  assert.deepEqual(mine, { path: '/srv/sqlml/team', sqlLogin: undefined });
});
