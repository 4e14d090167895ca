// Each session's scratch storage: ONE size-limited tmpfs holding the session folder, /tmp,
// /var/tmp and /dev/shm, so that every place a script can write shares one budget and a write past
// it fails inside the script with ENOSPC, in accounts and namespaces mode alike (neither needs root
// for it), and the host's disk never takes more than that budget per session.
//
// Bubblewrap alone cannot give this: its --size/--tmpfs mounts live only inside the sandbox (the
// launcher could not write the inputs there nor read result.bin back), a host tmpfs needs root, and
// bwrap's own /dev (where /dev/shm lives) is an unbounded tmpfs. So the chain runs, as the worker,
// `unshare --user --mount` and a constant shell script that mounts the tmpfs over the session
// folder's path in that private mount namespace (nobody else sees it), keeps the host folder as its
// working directory, copies the launcher's input files in, runs the rest of the chain (bubblewrap
// binds the tmpfs's parts into place), then copies result.bin — or, when folders are kept for
// debugging, the whole session folder — back to the host folder. What it copies back is bounded by
// the tmpfs's size. The tmpfs vanishes with the namespace when the last process of the session ends.
//
// Counted against the pool: the tmpfs's pages are memory charged to the cgroup of the process that
// writes them, the session's, inside its pool's; where the pool's memory is enforced by a cgroup,
// every session's storage counts in MAX_MEMORY_PERCENT. Where rlimits stand in, only each
// session's own size holds (the status says so).
import type { ConcreteLimits, LimitEnforcement } from '../../core/launcher/limits';
import { describeValue } from '../../core/launcher/limits';
import type { IsolationMode } from '../../core/launcher/sessions';
import { PROGRAMS } from './programs';

/** Exit status of the storage script when it could not prepare the session's tmpfs. */
export const STORAGE_FAILED_EXIT = 124;

/** Where the parts of the session's tmpfs are, in the storage script's mount namespace. */
export function storageParts(folder: string): { work: string; tmp: string; varTmp: string; shm: string } {
  return { work: `${folder}/work`, tmp: `${folder}/tmp`, varTmp: `${folder}/var-tmp`, shm: `${folder}/shm` };
}

/** A script line that stops the chain unless `parent` (a shell word: a variable) is still this process's parent. */
function parentCheck(parent: string): string {
  return `[ "$PPID" = "${parent}" ] || exit ${STORAGE_FAILED_EXIT}`;
}

// $1 folder, $2 bytes, $3 inodes, $4 keep (1: copy the whole folder back); then the command.
// Paths under "$folder" are the tmpfs once it is mounted; "." stays the host folder it covers.
const STORAGE_SCRIPT = [
  'folder=$1; size=$2; inodes=$3; keep=$4; launcher=$5; shift 5',
  // The parent-death signal set before this script (setpriv --pdeathsig) takes effect only if the
  // launcher was still alive then: killed while the chain started, it left this process to init,
  // and the satellite would live on until it found its channel closed. So the script checks.
  parentCheck('$launcher'),
  `cd "$folder" || exit ${STORAGE_FAILED_EXIT}`,
  `${PROGRAMS.mount} -t tmpfs -o "size=$size,nr_inodes=$inodes,mode=0700,nosuid,nodev" sqlml-session "$folder" || exit ${STORAGE_FAILED_EXIT}`,
  `${PROGRAMS.mkdir} -m 0700 "$folder/work" && ${PROGRAMS.mkdir} -m 1777 "$folder/tmp" "$folder/var-tmp" "$folder/shm" || exit ${STORAGE_FAILED_EXIT}`,
  `${PROGRAMS.cp} -R --preserve=mode,timestamps ./. "$folder/work/" || exit ${STORAGE_FAILED_EXIT}`,
  // The rest of the chain is this script's child; it checks that this script is its parent (PARENT_CHECK).
  'SQLML_STORAGE_PID=$$ "$@"',
  'status=$?',
  // The sandbox is dead here. Entries are copied one by one (the host folder itself is not the
  // worker's to touch); cp -a copies links, FIFOs and folders as what they are, opening none of
  // them, and the launcher refuses a result.bin that is not a plain file.
  'if [ "$keep" = 1 ]; then set -- "$folder"/work/* "$folder"/work/.[!.]* "$folder"/work/..?*; else set -- "$folder/work/result.bin"; fi',
  `for f in "$@"; do if [ -e "$f" ] || [ -L "$f" ]; then ${PROGRAMS.cp} -a --remove-destination "$f" ./; fi; done`,
  'exit $status',
].join('\n');

/**
 * Run by the storage script's child once setpriv has armed its parent-death signal: bubblewrap
 * and the satellite die with the script, and the script with the launcher. bubblewrap's own
 * --die-with-parent is armed only once it runs, so a script killed while it started left it to
 * init, the satellite with it, until the satellite found its channel closed (seen: a warm R
 * satellite alive 1 s after the launcher was killed, gone by 6 s). As in the storage script, a
 * parent that died before the signal was armed is caught by the check.
 */
const PARENT_CHECK = [parentCheck('$SQLML_STORAGE_PID'), 'exec "$@"'].join('\n');

/**
 * The chain's part that gives the session its storage, run as the worker; the rest of the chain
 * follows it. unshare keeps the namespace's capabilities for the script's mount; setpriv drops
 * them again, since bubblewrap refuses to start with capabilities it did not get from setuid.
 */
export function storagePrefix(folder: string, bytes: number, keepFolder: boolean): string[] {
  const inodes = Math.max(1024, Math.floor(bytes / 16384));
  return [
    PROGRAMS.unshare, '--user', '--map-current-user', '--mount', '--keep-caps', '--',
    // The chain is started by the launcher itself and execs down to this script: its parent is the launcher.
    PROGRAMS.sh, '-c', STORAGE_SCRIPT, 'sqlml-storage', folder, String(bytes), String(inodes), keepFolder ? '1' : '0', String(process.pid),
    PROGRAMS.setpriv, '--inh-caps=-all', '--ambient-caps=-all', '--bounding-set=-all', '--pdeathsig', 'KILL', '--',
    PROGRAMS.sh, '-c', PARENT_CHECK, 'sqlml-parent',
  ];
}

/** The storage line of a pool's status: what bounds a session's writes, and whether the pool counts them. */
export function storageEnforcement(mode: IsolationMode, limits: ConcreteLimits, memory: LimitEnforcement | undefined): LimitEnforcement {
  const line = { limit: 'storage' as const, setting: 'session storage', value: describeValue('storage', limits) };
  if (mode === 'none') return { ...line, mechanism: 'none', detail: 'not enforced: mode none runs scripts unisolated, writing wherever the current user can' };
  const where = 'one tmpfs per session for its folder, /tmp, /var/tmp and /dev/shm; a write past it fails with ENOSPC';
  const pool =
    limits.memoryBytes === undefined || !memory
      ? 'the pool sets no memory limit to count it in'
      : memory.mechanism.startsWith('cgroup')
        ? `its pages count in the pool's memory (${memory.detail})`
        : `not counted in the pool's memory as a whole (${memory.detail})`;
  return { ...line, mechanism: 'tmpfs', detail: `${where}; ${pool}` };
}
