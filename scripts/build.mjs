// Bundles the extension client, the language server and the CLI with esbuild.
// Type checking is separate (npm run typecheck): esbuild only strips types.
import { build } from 'esbuild';
import { chmodSync } from 'node:fs';

const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: true,
  logLevel: 'warning',
};

await Promise.all([
  build({
    ...common,
    entryPoints: ['client/src/extension.ts'],
    outfile: 'client/dist/extension.js',
    external: ['vscode'],
  }),
  build({
    ...common,
    entryPoints: { main: 'server/src/main.ts', cli: 'server/src/cli.ts' },
    outdir: 'server/dist',
    // DuckDB ships a native addon per platform; it is loaded from node_modules, never bundled.
    external: ['@duckdb/*'],
  }),
]);
chmodSync('server/dist/cli.js', 0o755);
