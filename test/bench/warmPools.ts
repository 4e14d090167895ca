// Shared by the instance benchmarks that measure warm satellites: a warm figure is taken once the
// pool has replaced the satellite the last statement used, as a caller sees it between calls. A
// statement sent while the replacement still loads pandas starts cold, and measures that instead.
import type { InstanceClient } from '../../server/src/node/instance/instanceClient';

/** Every pool's warm satellites ready, none starting: the replacement for the last session is up. */
export async function refilled(client: InstanceClient): Promise<void> {
  for (const deadline = Date.now() + 60_000; Date.now() < deadline; await new Promise((resolve) => setTimeout(resolve, 100))) {
    const pools = (await client.pools()).pools;
    if (pools.every(({ warm }) => !warm || [warm.python, warm.r].every((l) => l.ready >= l.target && l.starting === 0))) return;
  }
  throw new Error('the warm satellites did not refill within 60 s');
}
