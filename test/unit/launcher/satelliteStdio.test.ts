// A satellite's stdout and stderr are socket pairs. A read from one fails with ECONNRESET when the
// satellite ends while its end holds bytes it never read: the posture probe's `sleep`, killed,
// did this to a daemon run with NODE_OPTIONS=--perf-basic-prof, and the unheard error ended the
// daemon. Here the bytes are put there on purpose, and the launcher must only see the exit.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readlinkSync, writeSync } from 'node:fs';
import { startSatellite } from '../../../server/src/node/launcher/satellite';

function socketDescriptors(): Set<number> {
  const found = new Set<number>();
  for (const fd of readdirSync('/proc/self/fd')) {
    try {
      if (readlinkSync(`/proc/self/fd/${fd}`).startsWith('socket:')) found.add(Number(fd));
    } catch {
      // Closed while listed (the listing's own descriptor).
    }
  }
  return found;
}

test('a satellite that ends with unread bytes on its stdio ends its session, not the launcher', async () => {
  const uncaught: Error[] = [];
  const keep = (e: Error) => uncaught.push(e);
  process.on('uncaughtException', keep);
  try {
    const before = socketDescriptors();
    let out = '';
    const satellite = startSatellite(
      { file: '/bin/sh', args: ['-c', 'echo said; sleep 0.3'], env: { PATH: '/usr/bin:/bin' }, cwd: '/', loopback: false },
      (b) => (out += b.toString('utf8')),
      () => undefined,
      false,
    );
    const ours = [...socketDescriptors()].filter((fd) => !before.has(fd));
    assert.equal(ours.length, 2, 'our ends of its stdout and stderr');
    // Bytes into the satellite's end, which it never reads: its exit then resets our reads.
    for (const fd of ours) writeSync(fd, 'unread');
    const exit = await satellite.exited;
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.deepEqual(exit, { code: 0, signal: null });
    assert.deepEqual(uncaught.map((e) => (e as NodeJS.ErrnoException).code ?? e.message), []);
    assert.equal(out, 'said\n');
  } finally {
    process.off('uncaughtException', keep);
  }
});
