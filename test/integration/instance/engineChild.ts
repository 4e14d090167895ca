// A process that opens an engine on a folder, runs the T-SQL batches given as arguments one run
// at a time, says "committed <k>" once run k reported success, and then waits to be killed: the
// durability test kills it with SIGKILL and checks that everything reported is on disk.
import { EngineBed } from './engineBed';

async function main(): Promise<void> {
  const [folder, ...runs] = process.argv.slice(2);
  const bed = new EngineBed('child', folder);
  await bed.open({ fresh: false });
  const session = await bed.connect();
  for (const [k, text] of runs.entries()) {
    await session.ok(text);
    process.stdout.write(`committed ${k + 1}\n`);
  }
  setInterval(() => undefined, 60_000);
}

main().catch((e: Error) => {
  process.stderr.write(`${e.stack ?? e.message}\n`);
  process.exit(1);
});
