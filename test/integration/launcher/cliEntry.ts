// Runs `sqlml launcher …` exactly as server/src/cli.ts would (usage errors exit 2), until the
// lead registers the command there; integration tests spawn this file.
import { launcherCommand } from '../../../server/src/cli/launcher';
import { UsageError } from '../../../server/src/cli/usage';

launcherCommand(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`sqlml: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = err instanceof UsageError ? 2 : 3;
  },
);
