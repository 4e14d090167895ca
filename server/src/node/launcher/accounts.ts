// Worker accounts: real system users, each with its own primary group (a shared primary group
// would expose group-readable files to every worker), all members of the pool's group (SQL
// Server's SQLRUserGroup). Made and removed with useradd/userdel, argument vectors only.
import { poolGroupName, workerName, MAX_POOL_SIZE } from '../../core/launcher/pools';
import { PROGRAMS } from './programs';
import { describeFailure, runProgram } from './runProgram';
import { killPids, waitFor } from './cgroups/cgroupFs';
import { listProcesses } from './procfs';
import { groupEntries as groups, passwdEntries as users } from '../osUsers';

/** Marks the accounts sqlml made, so that it never touches an account it did not make. */
const WORKER_COMMENT = 'sqlml launcher worker';

export interface WorkerAccount {
  name: string;
  uid: number;
  gid: number;
}

export type WorkerLookup = { ok: true; workers: WorkerAccount[] } | { ok: false; problems: string[] };

/** The accounts of a pool, checked: made by sqlml, not root, own primary group, in the pool group. */
export function lookupWorkers(prefix: string, size: number): WorkerLookup {
  const byName = users();
  const byGroup = groups();
  const poolGroup = byGroup.get(poolGroupName(prefix));
  const problems: string[] = [];
  const workers: WorkerAccount[] = [];
  const missing: string[] = [];
  for (let i = 1; i <= size; i++) {
    const name = workerName(prefix, i);
    const user = byName.get(name);
    if (!user) {
      missing.push(name);
      continue;
    }
    const own = byGroup.get(name);
    if (user.comment !== WORKER_COMMENT) problems.push(`The account ${name} exists but was not made by sqlml.`);
    else if (user.uid === 0 || user.gid === 0) problems.push(`The account ${name} has uid or gid 0.`);
    else if (!own || own.gid !== user.gid) problems.push(`The account ${name} does not have its own primary group.`);
    else if (!poolGroup || !poolGroup.members.includes(name)) problems.push(`The account ${name} is not in the group ${poolGroupName(prefix)}.`);
    else workers.push({ name, uid: user.uid, gid: user.gid });
  }
  if (missing.length > 0) {
    const list = missing.length > 3 ? `${missing.slice(0, 2).join(', ')} … ${missing.at(-1)}` : missing.join(', ');
    problems.push(`The worker accounts ${list} do not exist: run \`sqlml launcher provision --prefix ${prefix} --workers ${size}\` as root.`);
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, workers };
}

export interface ProvisionReport {
  ok: boolean;
  /** What was done or found, one line each. */
  lines: string[];
}

/** Creates the pool group and workers 01…size; idempotent; removes sqlml's workers above size. */
export async function provision(prefix: string, size: number): Promise<ProvisionReport> {
  const lines: string[] = [];
  const group = poolGroupName(prefix);
  if (!groups().has(group)) {
    const r = await runProgram(PROGRAMS.groupadd, ['--system', group]);
    if (r.code !== 0) return { ok: false, lines: [...lines, describeFailure(PROGRAMS.groupadd, r)] };
    lines.push(`created group ${group}`);
  }
  for (let i = 1; i <= size; i++) {
    const name = workerName(prefix, i);
    const existing = users().get(name);
    if (existing && existing.comment !== WORKER_COMMENT) return { ok: false, lines: [...lines, `the account ${name} exists but was not made by sqlml; not touching it`] };
    if (!existing) {
      const r = await runProgram(PROGRAMS.useradd, [
        '--system', '--user-group', '--no-create-home', '--home-dir', '/nonexistent', '--shell', '/usr/sbin/nologin',
        '--comment', WORKER_COMMENT, '--groups', group, name,
      ]);
      if (r.code !== 0) return { ok: false, lines: [...lines, describeFailure(PROGRAMS.useradd, r)] };
      lines.push(`created worker ${name}`);
    } else if (!groups().get(group)?.members.includes(name)) {
      const r = await runProgram(PROGRAMS.usermod, ['--append', '--groups', group, name]);
      if (r.code !== 0) return { ok: false, lines: [...lines, describeFailure(PROGRAMS.usermod, r)] };
      lines.push(`added ${name} to ${group}`);
    }
  }
  const extra = await removeWorkers(prefix, size + 1);
  lines.push(...extra.lines);
  if (lines.length === 0) lines.push(`group ${group} and workers ${workerName(prefix, 1)}…${workerName(prefix, size)} already exist`);
  return { ok: extra.ok, lines };
}

/** Removes every worker sqlml made with this prefix, then the pool group. */
export async function deprovision(prefix: string): Promise<ProvisionReport> {
  const report = await removeWorkers(prefix, 1);
  const group = poolGroupName(prefix);
  if (report.ok && groups().has(group)) {
    const r = await runProgram(PROGRAMS.groupdel, [group]);
    if (r.code !== 0) return { ok: false, lines: [...report.lines, describeFailure(PROGRAMS.groupdel, r)] };
    report.lines.push(`removed group ${group}`);
  }
  if (report.lines.length === 0) report.lines.push(`no workers with prefix ${prefix} exist`);
  return report;
}

async function removeWorkers(prefix: string, from: number): Promise<ProvisionReport> {
  const lines: string[] = [];
  for (let i = from; i <= MAX_POOL_SIZE; i++) {
    const user = users().get(workerName(prefix, i));
    if (!user || user.comment !== WORKER_COMMENT) continue;
    // userdel refuses while the user has processes; a worker's processes are ours to end.
    // Zombies count for userdel too; PID 1 reaps them shortly.
    const running = () => listProcesses().filter((p) => p.uid === user.uid).map((p) => p.pid);
    killPids(running());
    await waitFor(() => running().length === 0, 5000, 20);
    const r = await runProgram(PROGRAMS.userdel, [user.name]);
    if (r.code !== 0) return { ok: false, lines: [...lines, describeFailure(PROGRAMS.userdel, r)] };
    lines.push(`removed worker ${user.name}`);
  }
  return { ok: true, lines };
}
