// Node opens every descriptor of its own close-on-exec, but descriptors the launcher's process
// inherited from whatever started it are not, and bubblewrap passes such descriptors on into the
// sandbox (isolation.md §2b: a shell's fds 10 and 251 reached the script). The launcher closes
// them once at start, so that satellites get 0, 1 and 2 only.
import { closeSync, readdirSync, readFileSync } from 'node:fs';

const O_CLOEXEC = 0o2000000;

/** Closes this process's inheritable descriptors above 2 (not Node's IPC channel); returns them. */
export function closeInheritedDescriptors(): number[] {
  const keep = new Set([Number(process.env.NODE_CHANNEL_FD ?? -1)]);
  const closed: number[] = [];
  for (const name of readdirSync('/proc/self/fd')) {
    const fd = Number(name);
    if (fd <= 2 || keep.has(fd)) continue;
    try {
      const flags = parseInt(/^flags:\s*([0-7]+)/m.exec(readFileSync(`/proc/self/fdinfo/${fd}`, 'utf8'))?.[1] ?? '0', 8);
      if (flags & O_CLOEXEC) continue;
      closeSync(fd);
      closed.push(fd);
    } catch {
      // The descriptor of the directory listing itself, already closed: nothing to do.
    }
  }
  return closed;
}
