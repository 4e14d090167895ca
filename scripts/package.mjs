// Builds the installable extension for Linux x64: the bundles first, then a platform-specific VSIX with
// @vscode/vsce (DuckDB's native addon makes it platform-specific), named sqlml-linux-x64-<version>.vsix
// at the top of the repository. What goes in is decided by .vscodeignore.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const TARGET = 'linux-x64';
const { name, version } = JSON.parse(readFileSync('package.json', 'utf8'));
const out = `${name}-${TARGET}-${version}.vsix`;

function run(args) {
  const result = spawnSync(process.execPath, args, { stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

run(['scripts/build.mjs']);
const vsce = createRequire(import.meta.url).resolve('@vscode/vsce/vsce');
// No LICENSE file or repository field in this repository: say so instead of letting vsce ask on a terminal.
run([vsce, 'package', '--target', TARGET, '--out', out, '--skip-license', '--allow-missing-repository']);
console.log(`built ${out}`);
