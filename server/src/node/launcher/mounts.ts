// The mount table, read to find and unmount what is mounted below the sessions root.
import { readFileSync } from 'node:fs';
import { PROGRAMS } from './programs';
import { describeFailure, runProgram } from './runProgram';

export interface MountEntry {
  mountPoint: string;
  fsType: string;
  source: string;
  superOptions: string[];
}

// Mount points escape space, tab, newline and backslash as octal (\040 …).
function unescape(field: string): string {
  return field.replace(/\\([0-7]{3})/g, (_, oct: string) => String.fromCharCode(parseInt(oct, 8)));
}

/** Parses /proc/self/mountinfo text (proc(5)). */
export function parseMountInfo(text: string): MountEntry[] {
  const out: MountEntry[] = [];
  for (const line of text.split('\n')) {
    const dash = line.indexOf(' - ');
    if (dash < 0) continue;
    const left = line.slice(0, dash).split(' ');
    const right = line.slice(dash + 3).split(' ');
    if (left.length < 5 || right.length < 3) continue;
    out.push({ mountPoint: unescape(left[4]!), fsType: right[0]!, source: unescape(right[1]!), superOptions: right[2]!.split(',') });
  }
  return out;
}

export function currentMounts(): MountEntry[] {
  return parseMountInfo(readFileSync('/proc/self/mountinfo', 'utf8'));
}

/** Mount points strictly below dir, deepest first (the order they must be unmounted in). */
export function mountsBelow(dir: string, mounts: MountEntry[] = currentMounts()): string[] {
  const prefix = dir.endsWith('/') ? dir : `${dir}/`;
  return [...new Set(mounts.map((m) => m.mountPoint).filter((p) => p.startsWith(prefix)))].sort((a, b) => b.length - a.length);
}

export type MountResult = { ok: true } | { ok: false; message: string };

export async function unmount(dir: string): Promise<MountResult> {
  const result = await runProgram(PROGRAMS.umount, [dir]);
  return result.code === 0 ? { ok: true } : { ok: false, message: describeFailure(PROGRAMS.umount, result) };
}
