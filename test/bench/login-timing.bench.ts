// Issue 10 item 4's figures: what one SQL login attempt costs (scrypt, so guessing is slow), that a
// wrong password for an existing login and any password for a missing one take the same time
// (the missing one is verified against the decoy hash), and that verifying does not block the
// event loop (scrypt runs on libuv's thread pool) while attempts run side by side.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { EngineBed } from '../integration/instance/engineBed';
import { median, ms, percentile } from './stats';

async function main(): Promise<void> {
  const bed = new EngineBed('login-bench');
  await bed.open();
  try {
    const admin = await bed.connect();
    await admin.ok("CREATE LOGIN bench WITH PASSWORD = 'Bench-Pa55', CHECK_POLICY = OFF;");
    const attempt = async (login: string) => {
      const t = performance.now();
      await bed.engine.login({ kind: 'sql', login, password: 'wrong-guess' });
      return performance.now() - t;
    };
    for (let i = 0; i < 3; i++) await Promise.all([attempt('bench'), attempt('ghost')]);
    const existing: number[] = [];
    const missing: number[] = [];
    for (let i = 0; i < 40; i++) {
      existing.push(await attempt('bench'));
      missing.push(await attempt('ghost'));
    }
    console.log(`wrong password, existing login: median ${ms(median(existing))}, p90 ${ms(percentile(existing, 90))}`);
    console.log(`any password, missing login:    median ${ms(median(missing))}, p90 ${ms(percentile(missing, 90))}`);
    console.log(`guesses a second for one caller, one at a time: ${(1000 / median(existing)).toFixed(1)}`);

    const delay = monitorEventLoopDelay({ resolution: 5 });
    delay.enable();
    const t = performance.now();
    await Promise.all(Array.from({ length: 16 }, (_, i) => attempt(i % 2 ? 'bench' : 'ghost')));
    const wall = performance.now() - t;
    delay.disable();
    console.log(`16 attempts side by side: ${ms(wall)} in all; event loop delay max ${ms(delay.max / 1e6)}, mean ${ms(delay.mean / 1e6)}`);
  } finally {
    await bed.remove();
  }
}

void main();
