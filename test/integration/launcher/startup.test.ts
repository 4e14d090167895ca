// Starting the launcher: it refuses to serve, saying why, when its isolation would not hold
// (#17 and the posture probe), keeps one launcher per sessions root, and after a crash (#24)
// its successor sweeps what the dead sessions left: processes, cgroups, mounts, folders.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Launcher } from '../../../server/src/node/launcher/launcher';
import { accountsSkip, cgroupSessionsUnder, describeProcess, mountsUnder, pool, sessionFoldersUnder, sleep, TestBed, uidOf, workerProcesses } from './harness';

const skip = accountsSkip();
const bed = new TestBed('startup');
const PREFIX = 'sqlmltg';

before(async () => {
  if (skip) return;
  await bed.provision(PREFIX, 2);
});

after(async () => {
  if (skip) return;
  await bed.teardown();
});

async function refusal(patch: Parameters<TestBed['settings']>[0]): Promise<string> {
  const started = await Launcher.start(bed.settings({ pools: [pool(PREFIX, 2)], ...patch }));
  if (started.ok) {
    await started.launcher.close();
    assert.fail('the launcher started');
  }
  return started.problems.join('\n');
}

test('#17 an untrusted sessions root is refused: a link, mode 0777, owned by a worker, below a world-writable folder', { skip }, async () => {
  const real = join(bed.base, 'real');
  mkdirSync(real, { recursive: true, mode: 0o711 });
  chmodSync(real, 0o711);
  const link = join(bed.base, 'link');
  symlinkSync(real, link);
  assert.match(await refusal({ sessionsRoot: link }), /is a symbolic link/);

  const open = join(bed.base, 'open');
  mkdirSync(open);
  chmodSync(open, 0o777);
  assert.match(await refusal({ sessionsRoot: open }), /has mode 0777, not 0711/);

  const owned = join(bed.base, 'owned');
  mkdirSync(owned);
  chmodSync(owned, 0o711);
  chownSync(owned, uidOf(`${PREFIX}01`), 0);
  assert.match(await refusal({ sessionsRoot: owned }), /is owned by uid \d+, not 0/);

  const tmp = `/tmp/sqlml-test-startup-${process.pid}`;
  try {
    assert.match(await refusal({ sessionsRoot: join(tmp, 'sessions') }), /\/tmp, above the sessions root, is writable by others/);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});

test('missing worker accounts are refused with the command that creates them', { skip }, async () => {
  assert.match(await refusal({ pools: [pool('sqlmltgx', 2)] }), /sqlmltgx01, sqlmltgx02 do not exist: run `sqlml launcher provision --prefix sqlmltgx --workers 2`/);
});

test('namespaces mode as root is refused: bubblewrap run by root keeps root’s power', { skip }, async () => {
  assert.match(await refusal({ mode: 'namespaces' }), /as root use mode accounts/);
});

test('the posture probe refuses to serve when the sandbox cannot be made', { skip }, async () => {
  assert.match(await refusal({ bwrapPath: '/nonexistent/bwrap' }), /bubblewrap was not found at \/nonexistent\/bwrap: install Debian's bubblewrap/);
  assert.match(await refusal({ bwrapPath: '/bin/false' }), /refuses to serve: mode accounts does not hold[\s\S]*sandbox could not be started/);
});

test('one launcher per sessions root and per pool of workers: a second is refused while the first lives', { skip }, async () => {
  const first = await bed.start({ pools: [pool(PREFIX, 2)] });
  assert.match(await refusal({}), new RegExp(`Another launcher \\(pid ${process.pid}\\) serves`));
  assert.match(await refusal({ sessionsRoot: join(bed.base, 'elsewhere'), cgroupName: `${bed.cgroupName}-2` }), new RegExp(`The workers ${PREFIX}01… are served by another launcher \\(pid ${process.pid}\\)`));
  await bed.stop(first);
  const again = await bed.start({ pools: [pool(PREFIX, 2)] });
  await bed.stop(again);
});

test('#24 killing the launcher mid-session ends its satellites within a second; the next launcher sweeps the rest', { skip }, async () => {
  const uids = [uidOf(`${PREFIX}01`), uidOf(`${PREFIX}02`)];
  const job = {
    settings: bed.settings({ pools: [pool(PREFIX, 2)] }),
    requests: [{ caller: 'victim', database: 'db', language: 'python', script: "import subprocess, time\nsubprocess.Popen(['sleep', '120'], start_new_session=True)\ntime.sleep(120)" }],
  };
  const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'runOnce.ts'), JSON.stringify(job)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout! });
  const running = await new Promise<{ id: string; folder: string }>((resolve, reject) => {
    lines.on('line', (line) => {
      const parsed = JSON.parse(line) as { running?: { id: string; folder: string }; refused?: string[] };
      if (parsed.running) resolve(parsed.running);
      if (parsed.refused) reject(new Error(parsed.refused.join('\n')));
    });
  });
  await sleep(300);
  assert.ok(workerProcesses(uids).length >= 2, 'the script and its child run as the worker');
  child.kill('SIGKILL');
  const killedAt = Date.now();
  while (workerProcesses(uids).length > 0 && Date.now() - killedAt < 1000) await sleep(20);
  const survivors = workerProcesses(uids);
  if (survivors.length > 0) {
    // Which processes, and whether they end later at all: a slow teardown and a leak look alike at one second.
    const seen = survivors.map(describeProcess);
    while (workerProcesses(uids).some((p) => survivors.includes(p)) && Date.now() - killedAt < 6000) await sleep(50);
    const still = workerProcesses(uids).filter((p) => survivors.includes(p));
    assert.fail(`no satellite outlives the launcher by a second; these did: ${seen.join('; ')}; ${still.length > 0 ? `still alive 6 s after the kill: ${still.join(', ')}` : 'all gone within 6 s'}`);
  }

  assert.ok(existsSync(running.folder), 'the crash left the session folder');
  assert.ok(cgroupSessionsUnder(bed.cgroupName).length > 0, 'and its cgroup');

  const next = await bed.start({ pools: [pool(PREFIX, 2)] });
  const swept = next.status().sweep;
  assert.ok(swept.folders.includes(running.folder), JSON.stringify(swept));
  assert.ok(swept.cgroups.some((c) => c.endsWith(running.id)), JSON.stringify(swept));
  assert.deepEqual(sessionFoldersUnder(bed.sessionsRoot), []);
  assert.deepEqual(mountsUnder(bed.base), []);
  assert.deepEqual(cgroupSessionsUnder(bed.cgroupName), []);
  await bed.stop(next);
});
