// The shell that removes session folders for the daemon (folderRemover.ts): the same rm, its
// answers matched to the right folders, no link followed, failures told, and nothing lost when the
// shell itself is killed. Real folders, a real /bin/sh and /bin/rm.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { FolderRemover } from '../../../server/src/node/launcher/folderRemover';
import { listProcesses } from '../../../server/src/node/launcher/procfs';

const base = mkdtempSync(join(tmpdir(), 'sqlml-remover-'));
after(() => rmSync(base, { recursive: true, force: true }));

/** A folder with files, subfolders and a link to `outside`; returns its path. */
function tree(name: string, outside?: string): string {
  const root = join(base, name);
  mkdirSync(join(root, 'a', 'b'), { recursive: true });
  writeFileSync(join(root, 'a', 'b', 'data.bin'), Buffer.alloc(1024, 7));
  writeFileSync(join(root, 'result.bin'), 'x');
  if (outside) symlinkSync(outside, join(root, 'a', 'link'));
  return root;
}

/** The remover shells this process has started (children of it running the read loop). */
function removerShells(): number[] {
  return listProcesses()
    .filter((p) => p.ppid === process.pid && p.state !== 'Z')
    .filter((p) => {
      try {
        return readFileSync(`/proc/${p.pid}/cmdline`, 'utf8').includes('read -r folder');
      } catch {
        return false;
      }
    })
    .map((p) => p.pid);
}

describe('the folder remover', () => {
  test('removes a whole tree, and a link in it goes without what it points to', async () => {
    const outside = join(base, 'keep-me');
    mkdirSync(outside);
    writeFileSync(join(outside, 'precious'), 'still here');
    const remover = new FolderRemover();
    const folder = tree('one', outside);
    assert.equal(await remover.remove(folder), undefined);
    assert.equal(existsSync(folder), false);
    assert.equal(readFileSync(join(outside, 'precious'), 'utf8'), 'still here');
    // Like rm -rf, a folder that is not there is no failure.
    assert.equal(await remover.remove(join(base, 'never-made')), undefined);
  });

  test('twenty removals at once are each answered for their own folder, by one shell', async () => {
    const remover = new FolderRemover();
    const before = removerShells().length;
    const folders = Array.from({ length: 20 }, (_, k) => tree(`many-${k}`));
    // Every fifth is followed by a path rm cannot remove (procfs refuses unlink, to root too).
    const paths = folders.flatMap((f, k) => (k % 5 === 0 ? [f, '/proc/sys/kernel/ostype'] : [f]));
    const answers = await Promise.all(paths.map((p) => remover.remove(p)));
    paths.forEach((p, k) => {
      if (p.startsWith('/proc')) assert.match(answers[k] ?? '', /^rm failed \(exit 1\): .*cannot remove/, `${p}: ${answers[k]}`);
      else assert.equal(answers[k], undefined, `${p}: ${answers[k]}`);
    });
    for (const f of folders) assert.equal(existsSync(f), false, f);
    assert.equal(removerShells().length - before, 1, 'one shell served them all');
  });

  test('a killed shell loses no removal: what it had not answered is removed directly, and the next removal starts a new shell', async () => {
    const before = new Set(removerShells());
    const remover = new FolderRemover();
    remover.start();
    const started = removerShells().filter((pid) => !before.has(pid));
    assert.equal(started.length, 1, 'start() started one shell');
    const shell = started[0]!;
    // Stopped, it reads nothing: the removals wait in its pipe until it is killed.
    process.kill(shell, 'SIGSTOP');
    const folders = Array.from({ length: 5 }, (_, k) => tree(`killed-${k}`));
    const pending = Promise.all(folders.map((f) => remover.remove(f)));
    await new Promise((r) => setTimeout(r, 100));
    for (const f of folders) assert.equal(existsSync(f), true, 'nothing was removed while the shell was stopped');
    process.kill(shell, 'SIGKILL');
    assert.deepEqual(await pending, folders.map(() => undefined));
    for (const f of folders) assert.equal(existsSync(f), false, f);
    const next = tree('after-kill');
    assert.equal(await remover.remove(next), undefined);
    assert.equal(existsSync(next), false);
    assert.ok(removerShells().some((pid) => pid !== shell), 'a new shell was started');
  });

  test('a path that cannot be one line of the shell’s input is removed by rm directly', async () => {
    const remover = new FolderRemover();
    const odd = tree('odd\nname');
    assert.equal(await remover.remove(odd), undefined);
    assert.equal(existsSync(odd), false);
  });

  test('the shell does not keep a process alive', () => {
    const folder = tree('exit');
    const program = `const { FolderRemover } = require(${JSON.stringify(join(__dirname, '../../../server/src/node/launcher/folderRemover.ts'))});
new FolderRemover().remove(${JSON.stringify(folder)}).then((r) => console.log(r === undefined ? 'removed' : r));`;
    const r = spawnSync(process.execPath, ['--import', 'tsx', '-e', program], { encoding: 'utf8', timeout: 20_000 });
    assert.equal(r.signal, null, 'the process ended by itself');
    assert.equal(r.stdout.trim(), 'removed', r.stderr);
    assert.equal(existsSync(folder), false);
  });
});
