// What /proc says of a process the benchmarks watch (an instance daemon): its CPU time and its memory.
import { readFileSync } from 'node:fs';

/** A size from /proc/<pid>/status (VmRSS, VmHWM…), in bytes. */
export function statusBytes(pid: number, field: string): number {
  const match = new RegExp(`^${field}:\\s*(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(match?.[1] ?? NaN) * 1024;
}

/** The CPU time the process has used (user + system), in ms. */
export function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  // utime and stime are fields 14 and 15 of stat, in clock ticks of 10 ms (USER_HZ = 100 on Linux).
  return (Number(fields[11]) + Number(fields[12])) * 10;
}
