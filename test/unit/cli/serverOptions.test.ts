// sqlcmd's way of naming a server for `sqlml run` and `sqlml check`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseArgs } from '../../../server/src/cli/args';
import { SERVER_OPTIONS, serverTargetFrom } from '../../../server/src/cli/serverOptions';
import { UsageError } from '../../../server/src/cli/usage';
import { parseServer } from '../../../server/src/node/remote/profile';

const parse = (args: string[]) => parseArgs(args, { ...SERVER_OPTIONS, name: { value: true }, path: { value: true } });

test('-S host[,port] as sqlcmd takes it', () => {
  assert.deepEqual(parseServer('db.example.com'), { server: 'db.example.com' });
  assert.deepEqual(parseServer('tcp:10.0.0.5,14330'), { server: '10.0.0.5', port: 14330 });
  assert.deepEqual(parseServer('.'), { server: '127.0.0.1' });
  assert.match((parseServer('host,0') as { error: string }).error, /not a port number/);
  assert.match((parseServer('np:\\\\.\\pipe\\sql') as { error: string }).error, /only TCP/);
});

test('SQLCMDPASSWORD is the password; -P is used but warned about; -C and -N', () => {
  const warnings: string[] = [];
  const t = serverTargetFrom(parse(['-S', 'h,1500', '-U', 'al', '-C']), { SQLCMDPASSWORD: 'pw1' }, (w) => warnings.push(w), 'ml');
  assert.deepEqual(t, { profile: { server: 'h', port: 1500, authenticationType: 'SqlLogin', user: 'al', database: 'ml', encrypt: false, trustServerCertificate: true }, password: 'pw1' });
  assert.equal(warnings.length, 0, 'no warning without -P');
  const p = serverTargetFrom(parse(['-S', 'h', '-U', 'al', '-P', 'pw2', '-N']), {}, (w) => warnings.push(w));
  assert.equal(p?.password, 'pw2');
  assert.equal(p?.profile.encrypt, true);
  assert.match(warnings[0]!, /-P puts the password on the command line/);
});

test('no -S: the embedded instance; half a server is a usage error', () => {
  assert.equal(serverTargetFrom(parse([]), {}, () => undefined), undefined);
  for (const [args, message] of [
    [['-U', 'al'], /--user needs -S/],
    [['-S', 'h'], /-S needs -U/],
    [['-S', 'h', '-U', 'al'], /no password for 'al': set SQLCMDPASSWORD/],
    [['-S', 'h', '-U', 'al', '--name', 'x'], /not both/],
  ] as const) {
    assert.throws(() => serverTargetFrom(parse([...args]), {}, () => undefined), (e: unknown) => e instanceof UsageError && message.test(e.message));
  }
});
