// A launcher in its own process that serves until it is killed, for the lock race: it loads, says
// {"ready":true}, waits for a line on stdin (so that ten of them ask for their locks at the same
// moment), then says {"started":pid} and keeps serving, or {"refused":[problems],"pid":pid} and exits.
// Takes the launcher settings as one JSON argument.
import { createInterface } from 'node:readline';
import { Launcher } from '../../../server/src/node/launcher/launcher';
import type { LauncherSettings } from '../../../server/src/node/launcher/settings';

const settings = JSON.parse(process.argv[2] ?? '{}') as Partial<LauncherSettings>;
const say = (line: unknown) => process.stdout.write(`${JSON.stringify(line)}\n`);
const lines = createInterface({ input: process.stdin });

lines.once('line', () => {
  void Launcher.start(settings).then((started) => {
    if (!started.ok) {
      say({ refused: started.problems, pid: process.pid });
      process.exit(1);
    }
    say({ started: process.pid });
    // Serve until killed: an interval keeps the process alive once stdin is closed.
    setInterval(() => undefined, 60_000);
  });
});
say({ ready: true });
