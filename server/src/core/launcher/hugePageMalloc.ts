// glibc's tunable that puts malloc's large blocks on transparent huge pages (glibc 2.35 and later;
// the kernel's madvise mode, the default, honours it; with THP off it changes nothing). Our
// processes' large arrays are fresh memory every time: a million rows of input, a script's result
// file, the columns a runner reads into R vectors, a result set's bytes in the client. With 4 KiB
// pages every first touch is a page fault, about 2.7 ms per MB on a virtual machine, 70 times the
// copy into it; with 2 MiB pages a 64 MB buffer is ready in about 10 ms instead of 190. glibc
// reads its tunables once, at a process's start, so whoever starts the process sets them: the
// instance client for the daemon, the launcher for the satellites (environment.ts), the editor
// extension for the language server.
export const HUGE_PAGE_MALLOC = 'glibc.malloc.hugetlb=1';

/** `GLIBC_TUNABLES` for a process we start: the user's own tunables kept, huge pages added unless they set hugetlb. */
export function withHugePageMalloc(inherited: string | undefined): string {
  if (!inherited) return HUGE_PAGE_MALLOC;
  if (/(^|:)glibc\.malloc\.hugetlb=/.test(inherited)) return inherited;
  return `${inherited}:${HUGE_PAGE_MALLOC}`;
}
