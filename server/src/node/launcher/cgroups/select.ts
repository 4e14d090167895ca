// Picks the cgroup driver for this host from its mount table.
import { join } from 'node:path';
import { currentMounts } from '../mounts';
import { readText } from './cgroupFs';
import type { CgroupDriver } from './driver';
import { detectLayout } from './layout';
import { CgroupV1 } from './v1';
import { CgroupV2 } from './v2';

export type Selected = { ok: true; driver: CgroupDriver } | { ok: false; reason: string };

/** @param name the launcher's folder in each hierarchy. */
export function selectCgroupDriver(name: string): Selected {
  const layout = detectLayout(currentMounts(), (mount) => (readText(join(mount, 'cgroup.controllers')) ?? '').trim().split(/\s+/));
  switch (layout.version) {
    case 1:
      return { ok: true, driver: new CgroupV1(layout.mounts, name) };
    case 2:
      return { ok: true, driver: new CgroupV2(layout.mount, name) };
    case 0:
      return { ok: false, reason: layout.reason };
  }
}
