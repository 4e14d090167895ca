// Whether an instance folder can run scripts, checked before it is created: its sessions root
// (<instance>/sessions) must have no folder above it that others may write, link elsewhere or
// belong to another user (the launcher refuses such a root at every script, folders.ts), and with
// worker accounts every folder above must let them pass (x for others), or no worker reaches its
// session folder. An instance created there anyway could never run a script: `instance create`
// says so at once instead of at the first run.
import { existsSync, lstatSync } from 'node:fs';
import { dirname } from 'node:path';
import type { IsolationMode } from '../../core/launcher/sessions';
import { foldersAboveProblems } from '../launcher/folders';

/** What keeps scripts from running in an instance at `root`, each with how to fix it; empty when nothing does. */
export function instanceFolderProblems(root: string, mode: IsolationMode, uid: number): string[] {
  let dir = dirname(root);
  while (!existsSync(dir)) dir = dirname(dir);
  const what = `the instance folder ${root}`;
  const problems = foldersAboveProblems(dir, uid, what).map((p) => `${p} Choose a folder whose parents only root (or you) can write, or fix its mode (chmod go-w).`);
  if (mode === 'accounts') {
    for (let d = dir; ; d = dirname(d)) {
      const st = lstatSync(d);
      if ((st.mode & 0o001) === 0) problems.push(`Worker accounts cannot pass through ${d} (mode 0${(st.mode & 0o7777).toString(8)}), above ${what}: chmod o+x ${d}, or choose another folder.`);
      if (d === '/') break;
    }
  }
  return problems;
}
