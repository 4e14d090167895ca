// The worker prefix an instance gets by default: its own (as SQL Server's worker group per
// instance), a valid Linux user and group name, and never the plain 'sqlml' of `launcher exec`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { instanceWorkerPrefix } from '../../../server/src/core/launcher/workerPrefix';

test('instances with the same name in different folders get different prefixes; the same folder always the same', () => {
  const a = instanceWorkerPrefix('instance', '/var/lib/one/instance');
  const b = instanceWorkerPrefix('instance', '/var/lib/two/instance');
  assert.notEqual(a, b);
  assert.equal(instanceWorkerPrefix('instance', '/var/lib/one/instance'), a);
  assert.match(a, /^sqlmlinstance[0-9a-f]{4}$/);
  assert.notEqual(instanceWorkerPrefix('default', '/var/lib/sqlml/instances/default'), 'sqlml');
});

test('any name gives a valid user name: lower-case letters and digits, with room for the worker number and "users"', () => {
  for (const name of ['Sales.DW-2019', 'x'.repeat(64), '___', 'ÜBER']) {
    const prefix = instanceWorkerPrefix(name, `/srv/${name}`);
    assert.match(prefix, /^sqlml[a-z0-9]*[0-9a-f]{4}$/, prefix);
    assert.ok(`${prefix}users`.length <= 32, `${prefix}users is too long for a group name`);
    assert.ok(`${prefix}99`.length <= 32);
  }
});
