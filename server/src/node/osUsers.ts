// The system's users and groups, read from /etc/passwd and /etc/group (no commands, no NSS): the
// worker accounts, OS logins and their groups are local accounts that useradd/groupadd keep there.
import { readFileSync } from 'node:fs';

export interface PasswdEntry {
  name: string;
  uid: number;
  gid: number;
  comment: string;
}

export interface GroupEntry {
  name: string;
  gid: number;
  members: string[];
}

function readFields(path: string): string[][] {
  try {
    return readFileSync(path, 'utf8')
      .split('\n')
      .filter((l) => l.length > 0 && !l.startsWith('#'))
      .map((l) => l.split(':'));
  } catch {
    return [];
  }
}

export function passwdEntries(): Map<string, PasswdEntry> {
  return new Map(readFields('/etc/passwd').map((f) => [f[0]!, { name: f[0]!, uid: Number(f[2]), gid: Number(f[3]), comment: f[4] ?? '' }]));
}

export function groupEntries(): Map<string, GroupEntry> {
  return new Map(readFields('/etc/group').map((f) => [f[0]!, { name: f[0]!, gid: Number(f[2]), members: (f[3] ?? '').split(',').filter(Boolean) }]));
}
