// The README's security table claims no more than the tests show: every row is a registered
// attack that a test names, and when this machine has test results, the table is what they say.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { README } from '../../scripts/readmeSection';
import { readmeSecuritySection, renderSecurityTable } from '../../scripts/securityTable';
import { ATTACKS } from '../integration/launcher/attacks';
import { attackIds, isolationModeOf, outcomesOf, overall, readResults, RESULTS_FILE } from '../support/attackReporter.mjs';

const TEST_ROOT = join(__dirname, '..');

function testSources(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) testSources(path, out);
    else if (name.endsWith('.test.ts')) out.push(path);
  }
  return out;
}

/** Attack numbers cited by test names in the sources: test('#9 #10 #22 …'. */
function citedIds(): Map<number, string[]> {
  const cited = new Map<number, string[]>();
  for (const file of testSources(TEST_ROOT)) {
    for (const m of readFileSync(file, 'utf8').matchAll(/\btest\(\s*(['"`])(#\d+[^'"`]*)\1/g)) {
      for (const id of attackIds(m[2]!)) cited.set(id, [...(cited.get(id) ?? []), file.slice(TEST_ROOT.length + 1)]);
    }
  }
  return cited;
}

function readmeRows(): { id: number; what: string; by: string; result: string }[] {
  const section = readmeSecuritySection(readFileSync(README, 'utf8'));
  assert.ok(section, 'README.md has no security table (npm run docs:security)');
  return section
    .split('\n')
    .filter((line) => /^\| \d+ \|/.test(line))
    .map((line) => {
      const [id, what, by, , result] = line.slice(2, -2).split(/ \| /);
      return { id: Number(id), what: what!, by: by!, result: result! };
    });
}

test('every registered attack has a test that names it, and every number a test names is registered', () => {
  const cited = citedIds();
  const registered = new Set(ATTACKS.map((a) => a.id));
  assert.equal(registered.size, ATTACKS.length, 'an attack number is registered twice');
  assert.deepEqual(ATTACKS.filter((a) => !cited.has(a.id)).map((a) => a.id), [], 'registered attacks no test name cites');
  const unregistered = [...cited].filter(([id]) => !registered.has(id)).map(([id, files]) => `#${id} (${files.join(', ')})`);
  assert.deepEqual(unregistered, [], 'test names cite attack numbers missing from test/integration/launcher/attacks.ts');
});

test("the README's security table lists exactly the registered attacks, as registered", () => {
  const rows = readmeRows();
  assert.deepEqual(
    rows.map(({ id, what, by }) => ({ id, what: what.replace(/\\\|/g, '|'), by })),
    ATTACKS.map(({ id, what, mode }) => ({ id, what, by: mode })),
    'run npm run docs:security',
  );
});

test("the README's security table says what the last test results say (npm run docs:security)", (t) => {
  const results = readResults();
  if (!results) {
    // A fresh clone has no results yet: the claims are still bounded by the tests named above.
    t.diagnostic(`no ${RESULTS_FILE} on this machine: only the registry and the test names are checked`);
    return;
  }
  const section = readmeSecuritySection(readFileSync(README, 'utf8'));
  assert.equal(section, renderSecurityTable(results), "the README's table differs from the last results: an attack test did not pass, or the README was not regenerated");
});

test('the attack reporter reads numbers off test names and takes the worst outcome of an attack', () => {
  assert.deepEqual(attackIds('#9 #10 #22 other sessions are invisible'), [9, 10, 22]);
  assert.deepEqual(attackIds('posture #1'), []);
  assert.deepEqual(attackIds('#12'), [12]);
  const outcomes = outcomesOf([
    { type: 'test:pass', data: { name: '#1 #2 ok' } },
    { type: 'test:pass', data: { name: '#2 needs root', skip: 'not root' } },
    { type: 'test:fail', data: { name: '#3 broke', details: { error: { message: 'wrapper', cause: new Error('EACCES\nstack') } } } },
    { type: 'test:pass', data: { name: 'not an attack' } },
  ]);
  assert.deepEqual([...outcomes.keys()], [1, 2, 3]);
  assert.equal(overall(outcomes.get(1)!), 'passed');
  assert.equal(overall(outcomes.get(2)!), 'skipped');
  assert.equal(outcomes.get(2)![1]!.reason, 'not root');
  assert.equal(overall(outcomes.get(3)!), 'failed');
  assert.equal(outcomes.get(3)![0]!.reason, 'EACCES');
});

test('the isolation mode of an attack test comes from a [mode] tag in its name, else from its launcher suite', () => {
  assert.equal(isolationModeOf('#41 [namespaces] no secret', '/r/test/integration/launcher/loopback-secrets.test.ts'), 'namespaces');
  assert.equal(isolationModeOf('#9 other sessions', '/r/test/integration/launcher/namespaces.test.ts'), 'namespaces');
  assert.equal(isolationModeOf('#1 posture', '/r/test/integration/launcher/accounts-posture.test.ts'), 'accounts');
  assert.equal(isolationModeOf('#46 lockout', '/r/test/integration/instance/engine-lockout.test.ts'), undefined);
  const outcomes = outcomesOf([{ type: 'test:pass', data: { name: '#45 [accounts] quota', file: '/r/test/integration/launcher/storage-quota.test.ts' } }]);
  assert.equal(outcomes.get(45)![0]!.mode, 'accounts');
});
