// The environment the instance daemon starts with. glibc reads its malloc tunables once, at a
// process's start, so they are set here by whoever starts the daemon.

/**
 * Large blocks from malloc get transparent huge pages (glibc 2.35 and later; the kernel's
 * madvise mode, the default, honours them). The daemon's large arrays are fresh memory each time:
 * a million rows of input, a script's result file, the vectors staged into DuckDB. With 4 KiB
 * pages every first touch is a page fault, about 2.7 ms per MB on a virtual machine, 70 times the
 * copy into it; with 2 MiB pages a 64 MB buffer is ready in about 10 ms instead of 190.
 */
const HUGE_PAGE_MALLOC = 'glibc.malloc.hugetlb=1';

/** `GLIBC_TUNABLES` for the daemon: the user's own tunables kept, huge pages added unless they set hugetlb. */
export function daemonTunables(inherited: string | undefined): string {
  if (!inherited) return HUGE_PAGE_MALLOC;
  if (/(^|:)glibc\.malloc\.hugetlb=/.test(inherited)) return inherited;
  return `${inherited}:${HUGE_PAGE_MALLOC}`;
}
