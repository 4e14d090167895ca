// A launcher in its own process, for tests that need one elsewhere: inside a network namespace
// the test made, as an unprivileged user, or to be killed mid-session. Takes one JSON argument
// { settings, requests? } (the requests run at the same time) and prints JSON lines:
// {"refused"} | {"status"} | {"running"} | {"message", "request"} | {"result", "request"}.
import type { LaunchRequest, SqlValue } from '../../../server/src/core/launcher/request';
import { Launcher } from '../../../server/src/node/launcher/launcher';
import type { LauncherSettings } from '../../../server/src/node/launcher/settings';

interface Job {
  settings: Partial<LauncherSettings>;
  requests?: LaunchRequest[];
}

const say = (line: unknown) => process.stdout.write(`${JSON.stringify(line, (_, v: SqlValue | unknown) => (v instanceof Uint8Array ? `0x${Buffer.from(v).toString('hex')}` : v))}\n`);

async function main(): Promise<number> {
  const job = JSON.parse(process.argv[2] ?? '{}') as Job;
  const started = await Launcher.start(job.settings);
  if (!started.ok) {
    say({ refused: started.problems });
    return 1;
  }
  const launcher = started.launcher;
  try {
    say({ status: launcher.status() });
    if (!job.requests) return 0;
    launcher.subscribe((e) => {
      if (e.type === 'changed' && e.session.state === 'running') say({ running: { id: e.session.id, worker: e.session.worker, folder: e.session.folder } });
    });
    const outcomes = await Promise.all(
      job.requests.map(async (request, index) => {
        const outcome = await launcher.launch(request, { onMessage: (message) => say({ message, request: index }) });
        say(outcome.ok ? { result: outcome.result, request: index } : { error: outcome.error, request: index });
        return outcome.ok;
      }),
    );
    return outcomes.every(Boolean) ? 0 : 1;
  } finally {
    await launcher.close();
  }
}

main().then((code) => (process.exitCode = code));
