// Bundles the extension client, the language server and the CLI with esbuild.
// Type checking is separate (npm run typecheck): esbuild only strips types.
import { build } from 'esbuild';
import { chmodSync, rmSync, writeFileSync } from 'node:fs';

const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: true,
  logLevel: 'warning',
};
// DuckDB ships a native addon per platform; it is loaded from node_modules, never bundled.
const external = ['@duckdb/*'];

/**
 * ES modules have no require, __filename or __dirname; the bundled CommonJS packages (mssql,
 * tedious) require Node's own modules, and our code finds its resources from __dirname.
 */
const COMMONJS_NAMES = [
  "import { createRequire as __sqlmlCreateRequire } from 'node:module';",
  "import { fileURLToPath as __sqlmlFileURLToPath } from 'node:url';",
  "import { dirname as __sqlmlDirname } from 'node:path';",
  'const require = __sqlmlCreateRequire(import.meta.url);',
  'const __filename = __sqlmlFileURLToPath(import.meta.url);',
  'const __dirname = __sqlmlDirname(__filename);',
].join('\n');

rmSync('server/dist/cli', { recursive: true, force: true });
await Promise.all([
  build({
    ...common,
    entryPoints: ['client/src/extension.ts'],
    outfile: 'client/dist/extension.js',
    external: ['vscode'],
  }),
  build({
    ...common,
    entryPoints: { main: 'server/src/main.ts' },
    outdir: 'server/dist',
    external,
  }),
  // The CLI in chunks, one per command and what commands share: `sqlml run` on the embedded
  // instance loads 0.6 MB, not the 4.5 MB with mssql, tedious and Azure's identity libraries that
  // only a remote server needs. Splitting needs ES modules; server/dist/cli.js stays the entry.
  build({
    ...common,
    format: 'esm',
    splitting: true,
    entryPoints: { cli: 'server/src/cli.ts' },
    outdir: 'server/dist/cli',
    outExtension: { '.js': '.mjs' },
    banner: { js: COMMONJS_NAMES },
    external,
  }),
]);
writeFileSync(
  'server/dist/cli.js',
  `#!/usr/bin/env node
// sqlml's command line: the code is in server/dist/cli/, split by command (scripts/build.mjs).
import('./cli/cli.mjs').catch((err) => {
  process.stderr.write(\`sqlml: cannot load the command line from \${__dirname}/cli: \${err.message}\\n\`);
  process.exitCode = 3;
});
`,
);
chmodSync('server/dist/cli.js', 0o755);
