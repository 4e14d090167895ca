// A benchmark whose client receives large result sets runs it as the language server runs
// (client/src/serverLink.ts): with malloc on huge pages (hugePageMalloc.ts). glibc reads the
// tunable once, at a process's start, so a bench started without it starts itself again with it.
// The bare runtimes of its baselines are given the environment the bench was started with.
import { spawnSync } from 'node:child_process';
import { withHugePageMalloc } from '../../server/src/core/launcher/hugePageMalloc';

/** The environment this bench was first started with: what a bare runtime gets. */
export const bareEnvironment: NodeJS.ProcessEnv = JSON.parse(process.env.SQLML_BENCH_BARE_ENV ?? 'null') ?? { ...process.env };

/** Runs this bench again with huge pages unless it already has them; then exits with its status. */
export function runAsLanguageServer(): void {
  const wanted = withHugePageMalloc(process.env.GLIBC_TUNABLES);
  if (process.env.GLIBC_TUNABLES === wanted) return;
  const again = spawnSync(process.execPath, [...process.execArgv, ...process.argv.slice(1)], {
    stdio: 'inherit',
    env: { ...process.env, GLIBC_TUNABLES: wanted, SQLML_BENCH_BARE_ENV: JSON.stringify(process.env) },
  });
  process.exit(again.status ?? 1);
}
