// Reading processes from /proc, as root sees them from outside any sandbox: the posture probe,
// the crash sweep and the tests judge a satellite by what the kernel says, not by what it says.
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

export const NAMESPACES = ['user', 'mnt', 'pid', 'net', 'ipc', 'uts', 'cgroup'] as const;
export type NamespaceName = (typeof NAMESPACES)[number];

function read(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** /proc/<pid>/status as a map of field to value ("Uid" → "999\t999\t999\t999"). */
export function processStatus(pid: number | 'self'): Map<string, string> | undefined {
  const text = read(`/proc/${pid}/status`);
  if (text === undefined) return undefined;
  const fields = new Map<string, string>();
  for (const line of text.split('\n')) {
    const at = line.indexOf(':');
    if (at > 0) fields.set(line.slice(0, at), line.slice(at + 1).trim());
  }
  return fields;
}

export interface ProcessInfo {
  pid: number;
  ppid: number;
  uid: number;
  /** R running, S sleeping, Z zombie (dead, waiting to be reaped), … */
  state: string;
  /** Clock ticks since boot at which the process started: with the pid, a unique identity. */
  startTime: string;
}

/** The resident memory of a process and everything below it, each process's pages counted whole. */
export function residentBytesOfTree(pid: number, all: readonly ProcessInfo[] = listProcesses()): number {
  let total = 0;
  for (const member of [pid, ...descendants(pid, all).map((p) => p.pid)]) {
    const kb = Number.parseInt(processStatus(member)?.get('VmRSS') ?? '', 10);
    if (Number.isFinite(kb)) total += kb * 1024;
  }
  return total;
}

/**
 * Every process of the machine (as far as this pid namespace shows them), zombies included: a
 * sandbox's init often ends as a zombie re-parented to PID 1 until PID 1 reaps it.
 */
export function listProcesses(): ProcessInfo[] {
  const out: ProcessInfo[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const pid = Number(name);
    const info = processInfo(pid);
    if (info) out.push(info);
  }
  return out;
}

export function processInfo(pid: number): ProcessInfo | undefined {
  const stat = read(`/proc/${pid}/stat`);
  const status = processStatus(pid);
  if (stat === undefined || !status) return undefined;
  // The command name is in parentheses and may itself contain ") ", so fields count from the last ")".
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { pid, ppid: Number(fields[1]), uid: Number(status.get('Uid')?.split(/\s+/)[0]), state: fields[0] ?? '', startTime: fields[19] ?? '' };
}

/** The processes below pid, children first, from a snapshot of /proc (taken now unless given). */
export function descendants(pid: number, all: readonly ProcessInfo[] = listProcesses()): ProcessInfo[] {
  const out: ProcessInfo[] = [];
  let frontier = [pid];
  while (frontier.length > 0) {
    const next = all.filter((p) => frontier.includes(p.ppid));
    out.push(...next);
    frontier = next.map((p) => p.pid);
  }
  return out;
}

export function namespaceIds(pid: number | 'self'): Partial<Record<NamespaceName, string>> {
  const out: Partial<Record<NamespaceName, string>> = {};
  for (const ns of NAMESPACES) {
    try {
      out[ns] = readlinkSync(`/proc/${pid}/ns/${ns}`);
    } catch {
      // A kernel without this namespace type: absent from the map.
    }
  }
  return out;
}

/** Network interfaces seen by the process's network namespace. */
export function interfaces(pid: number): string[] {
  const text = read(`/proc/${pid}/net/dev`) ?? '';
  return text
    .split('\n')
    .slice(2)
    .map((l) => l.split(':')[0]!.trim())
    .filter((n) => n.length > 0);
}

export function environmentNames(pid: number): string[] | undefined {
  const text = read(`/proc/${pid}/environ`);
  return text?.split('\0').filter((e) => e.length > 0).map((e) => e.slice(0, e.indexOf('=')));
}

export function openFds(pid: number): number[] | undefined {
  try {
    return readdirSync(`/proc/${pid}/fd`).map(Number).sort((a, b) => a - b);
  } catch {
    return undefined;
  }
}

export function cgroupLines(pid: number): string[] {
  return (read(`/proc/${pid}/cgroup`) ?? '').split('\n').filter((l) => l.length > 0);
}

export function commandName(pid: number): string | undefined {
  return read(`/proc/${pid}/comm`)?.trim();
}
