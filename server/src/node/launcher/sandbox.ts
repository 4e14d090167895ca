// The satellite's command line, built as an argument vector (no caller string ever reaches a
// shell; the one shell used runs a constant script with paths the launcher made as arguments):
//
//   sh -c JOIN … (root: write own pid into the session's cgroups, then exec — so every descendant
//                 is counted and killable from its very first instruction)
//   setpriv      (accounts: switch to the worker's uid/gid, no groups, no caps, no new privileges;
//                 both modes: die with the launcher)
//   unshare sh   (as the worker: the session's size-limited storage, storage.ts)
//   prlimit      (only where no cgroup could be written)
//   bwrap        (run *as the worker*: --unshare-all --unshare-user --disable-userns --new-session
//                 --die-with-parent --clearenv; network namespace unless the pool allows it)
//   runtime      (python3 -I runner.py | Rscript --vanilla runner.R)
import { lstatSync, readlinkSync } from 'node:fs';
import type { IsolationMode } from '../../core/launcher/sessions';
import { PROGRAMS } from './programs';
import { storageParts, storagePrefix } from './storage';

/** Exit status of the join script when it could not enter a cgroup. */
export const JOIN_FAILED_EXIT = 125;

// sqlml-join ADJ N PROCS… COMMAND…: ADJ, unless empty, becomes the chain's oom_score_adj (inherited
// by everything it starts) while it is still root, so the worker cannot lower it again.
const JOIN_SCRIPT = [
  'adj=$1 n=$2; shift 2',
  '[ -z "$adj" ] || echo "$adj" > /proc/self/oom_score_adj || exit 125',
  'while [ "$n" -gt 0 ]; do echo $$ > "$1" || exit 125; n=$((n-1)); shift; done',
  'exec "$@"',
].join('\n');

/** oom_score_adj of a satellite the kernel's OOM killer takes first (a warm one, still waiting). */
export const OOM_FIRST_SCORE_ADJ = 1000;

export interface SandboxSpec {
  mode: IsolationMode;
  bwrapPath: string;
  /** accounts: the worker to switch to. */
  worker?: { uid: number; gid: number };
  /** cgroup.procs files to join before anything else runs (empty: no cgroups). */
  cgroupProcs: readonly string[];
  /**
   * The OOM killer's first choice in its pool (a warm satellite while it waits: sessions must never
   * be killed for memory that idle satellites hold). Needs cgroupProcs: the join script sets it.
   */
  oomFirst?: boolean;
  /** The prlimit prefix where rlimits stand in for cgroups (may be empty). */
  rlimitPrefix: readonly string[];
  folder: string;
  allowNetwork: boolean;
  /** The size of the session's storage: its folder, /tmp, /var/tmp and /dev/shm together. */
  quotaBytes: number;
  /** Copy the whole session folder back to the host at the end (kept for debugging). */
  keepFolder: boolean;
  /** The satellite gets the session's loopback channel as descriptor 3 (loopbackDescriptor.ts). */
  loopback: boolean;
  /** Host folders bound read-only at their own path (external libraries). */
  readOnlyBinds?: readonly string[];
  env: Record<string, string>;
  /** The runtime's argument vector, run inside the sandbox. */
  command: readonly string[];
}

export interface SpawnPlan {
  file: string;
  args: string[];
  /** The environment given to the first program (bwrap replaces it inside the sandbox). */
  env: Record<string, string>;
  cwd: string;
  /** Spawn with the loopback channel as descriptor 3. */
  loopback: boolean;
}

/** How the host's top-level system folders look (merged-/usr Debian: links into /usr). */
export interface HostLayout {
  links: [string, string][];
  dirs: string[];
  etc: string[];
  networkEtc: string[];
}

const TOP_LEVEL = ['/bin', '/sbin', '/lib', '/lib64', '/lib32', '/libx32'];
// R reads /etc/R (Debian's /usr/lib/R/etc links there) and finds BLAS through /etc/alternatives;
// Debian's matplotlib (python3-matplotlib) reads its defaults from /etc/matplotlibrc only.
const ETC = ['/etc/R', '/etc/alternatives', '/etc/ld.so.cache', '/etc/matplotlibrc'];
const THP_SETTINGS = '/sys/kernel/mm/transparent_hugepage';
/** Where a sandbox without network finds its /etc/hosts (in its own /tmp; see tds_relay.py). */
export const SANDBOX_HOSTS_FILE = '/tmp/.sqlml-hosts';
const NETWORK_ETC = ['/etc/resolv.conf', '/etc/hosts', '/etc/nsswitch.conf', '/etc/host.conf', '/etc/gai.conf', '/etc/ssl', '/etc/ca-certificates'];

export function readHostLayout(): HostLayout {
  const layout: HostLayout = { links: [], dirs: [], etc: ETC, networkEtc: NETWORK_ETC };
  for (const path of TOP_LEVEL) {
    try {
      const st = lstatSync(path);
      if (st.isSymbolicLink()) layout.links.push([readlinkSync(path), path]);
      else if (st.isDirectory()) layout.dirs.push(path);
    } catch {
      // Not on this host.
    }
  }
  return layout;
}

export function bwrapArgs(spec: SandboxSpec, host: HostLayout): string[] {
  const args = ['--ro-bind', '/usr', '/usr'];
  for (const [target, path] of host.links) args.push('--symlink', target, path);
  for (const dir of host.dirs) args.push('--ro-bind', dir, dir);
  for (const path of host.etc) args.push('--ro-bind-try', path, path);
  if (spec.allowNetwork) for (const path of host.networkEtc) args.push('--ro-bind-try', path, path);
  // Without the host's network the sandbox's names are its own: the session's TDS relay
  // (tds_relay.py) writes them, so that "localhost", "." and "(local)" reach it.
  else args.push('--symlink', SANDBOX_HOSTS_FILE, '/etc/hosts');
  for (const path of spec.readOnlyBinds ?? []) args.push('--ro-bind', path, path);
  args.push('--proc', '/proc', '--dev', '/dev');
  // glibc's malloc reads the huge page size and mode here when GLIBC_TUNABLES asks it for huge
  // pages (environment.ts); without them it never asks. The host's transparent-huge-page settings
  // (world-readable there) are all of /sys the sandbox sees.
  args.push('--ro-bind-try', THP_SETTINGS, THP_SETTINGS);
  // Every writable place is a part of the session's one tmpfs (storage.ts), the session folder at
  // its own path (as SQL Server scripts see their ExtensibilityData\<worker>\<GUID> working
  // directory); bubblewrap's own /dev, an unbounded tmpfs, is made read-only.
  const parts = storageParts(spec.folder);
  args.push('--bind', parts.work, spec.folder, '--chdir', spec.folder);
  args.push('--bind', parts.tmp, '/tmp', '--bind', parts.varTmp, '/var/tmp', '--bind', parts.shm, '/dev/shm', '--remount-ro', '/dev');
  // The sandbox's own root (where /etc and the mount points live) is made read-only last.
  args.push('--remount-ro', '/');
  args.push('--unshare-all', '--unshare-user', '--disable-userns', '--die-with-parent', '--new-session');
  if (spec.allowNetwork) args.push('--share-net');
  args.push('--clearenv');
  for (const [name, value] of Object.entries(spec.env)) args.push('--setenv', name, value);
  args.push('--', ...spec.command);
  return args;
}

export function spawnPlan(spec: SandboxSpec, host: HostLayout): SpawnPlan {
  const chain: string[] = [];
  if (spec.cgroupProcs.length > 0) chain.push(PROGRAMS.sh, '-c', JOIN_SCRIPT, 'sqlml-join', spec.oomFirst ? String(OOM_FIRST_SCORE_ADJ) : '', String(spec.cgroupProcs.length), ...spec.cgroupProcs);
  if (spec.mode === 'accounts') {
    const { uid, gid } = spec.worker!;
    chain.push(PROGRAMS.setpriv, '--reuid', String(uid), '--regid', String(gid), '--clear-groups', '--inh-caps=-all', '--bounding-set=-all', '--no-new-privs', '--pdeathsig', 'KILL', '--');
  }
  if (spec.mode === 'none') {
    chain.push(...spec.rlimitPrefix, ...spec.command);
    return { file: chain[0]!, args: chain.slice(1), env: spec.env, cwd: spec.folder, loopback: spec.loopback };
  }
  // bwrap --die-with-parent follows the storage script, so the script itself must die with the launcher.
  if (spec.mode === 'namespaces') chain.push(PROGRAMS.setpriv, '--pdeathsig', 'KILL', '--');
  chain.push(...storagePrefix(spec.folder, spec.quotaBytes, spec.keepFolder), ...spec.rlimitPrefix, spec.bwrapPath, ...bwrapArgs(spec, host));
  return { file: chain[0]!, args: chain.slice(1), env: {}, cwd: '/', loopback: spec.loopback };
}
