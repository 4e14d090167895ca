// Which cgroup hierarchy can carry the pools' limits: v1 (a mount per controller, what the
// development and CI machines have: /sys/fs/cgroup/<controller>) or v2 (one unified mount with
// cpu, memory and pids available, most production hosts). A hybrid host whose v2 mount has no
// controllers is a v1 host for our purposes.
import type { MountEntry } from '../mounts';

export const NEEDED = ['cpu', 'memory', 'pids'] as const;
/** Used when present: freezer makes the kill of a whole session race-free; cpuacct measures it. */
export const OPTIONAL_V1 = ['freezer', 'cpuacct'] as const;

export type CgroupLayout =
  | { version: 1; mounts: ReadonlyMap<string, string> }
  | { version: 2; mount: string }
  | { version: 0; reason: string };

/**
 * @param v2Controllers reads a v2 mount's cgroup.controllers (the controllers it can give out).
 */
export function detectLayout(mounts: readonly MountEntry[], v2Controllers: (mountPoint: string) => string[]): CgroupLayout {
  const v1 = new Map<string, string>();
  for (const m of mounts) {
    if (m.fsType !== 'cgroup') continue;
    for (const option of m.superOptions) {
      if ((NEEDED as readonly string[]).includes(option) || (OPTIONAL_V1 as readonly string[]).includes(option)) {
        if (!v1.has(option)) v1.set(option, m.mountPoint);
      }
    }
  }
  if (NEEDED.every((c) => v1.has(c))) return { version: 1, mounts: v1 };

  const missingV1 = NEEDED.filter((c) => !v1.has(c));
  for (const m of mounts) {
    if (m.fsType !== 'cgroup2') continue;
    const available = v2Controllers(m.mountPoint);
    if (NEEDED.every((c) => available.includes(c))) return { version: 2, mount: m.mountPoint };
  }
  return {
    version: 0,
    reason: `no cgroup hierarchy offers ${missingV1.join(', ')} (cgroup v1 lacks them and no cgroup v2 mount has cpu, memory and pids)`,
  };
}
