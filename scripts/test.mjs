// Runs every *.test.ts under test/ (or only the suites named on the command line, e.g.
// `node scripts/test.mjs unit lsp`) with node's built-in test runner, TypeScript loaded by tsx.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

const suites = process.argv.slice(2);
const roots = (suites.length ? suites : ['unit', 'grammar', 'fuzz', 'lsp', 'integration', 'e2e']).map((s) => join('test', s));

function collect(dir, out) {
  let entries;
  try {
    entries = readdirSync(dir);
  } catch {
    return out;
  }
  for (const name of entries.sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) collect(path, out);
    else if (name.endsWith('.test.ts')) out.push(path);
  }
  return out;
}

const files = roots.flatMap((root) => collect(root, []));
if (files.length === 0) {
  console.error(`no test files under ${roots.join(', ')}`);
  process.exit(1);
}
// The spec reporter prints; the attack reporter records the outcomes of the numbered attack tests
// for the README's security table (npm run docs:security).
const reporters = ['--test-reporter=spec', '--test-reporter-destination=stdout', '--test-reporter=./test/support/attackReporter.mjs', '--test-reporter-destination=stderr'];
// A test that hangs fails by name after this long instead of holding CI past its limit; the longest
// real test (an end-to-end suite in VS Code) takes a few minutes.
const timeout = `--test-timeout=${process.env.SQLML_TEST_TIMEOUT_MS ?? 15 * 60 * 1000}`;
const result = spawnSync(process.execPath, ['--import', 'tsx', '--test', timeout, ...reporters, ...files], {
  stdio: 'inherit',
});
let status = result.status ?? 1;

// Every isolation guarantee must hold for warm satellites (started ahead, claimed by one session) as
// it does for cold ones: the launcher's suite runs once more with its pools kept warm
// (test/integration/launcher/harness.ts). The security table records the cold run.
const launcherSuite = files.filter((f) => f.startsWith(join('test', 'integration', 'launcher')) && !f.endsWith('warm-satellites.test.ts'));
if (launcherSuite.length > 0 && process.env.SQLML_TEST_WARM !== '1') {
  console.log('\n# the launcher suite again, against warm satellites (SQLML_TEST_WARM=1)');
  const warm = spawnSync(process.execPath, ['--import', 'tsx', '--test', timeout, '--test-reporter=spec', '--test-reporter-destination=stdout', ...launcherSuite], {
    stdio: 'inherit',
    env: { ...process.env, SQLML_TEST_WARM: '1' },
  });
  if (status === 0) status = warm.status ?? 1;
}
process.exit(status);
