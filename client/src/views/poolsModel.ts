// The Pools view as data: each pool with its size, isolation mode and limits (and how each limit
// is enforced, or that it is not), its workers, and for each busy worker its caller and the
// sessions it serves. Pure: no VS Code.
import type { PoolsResult, SessionInfo } from '../../../server/src/protocol';
import type { ViewNode } from './node';
import { isActive, sessionNode } from './sessionsModel';
import { plural } from '../../../server/src/core/text/plural';

type LauncherView = NonNullable<PoolsResult['view']>;
type Pool = LauncherView['pools'][number];

export function poolNodes(result: PoolsResult, sessions: readonly SessionInfo[], now: number): ViewNode[] {
  const view = result.view;
  if (!view) return [];
  const mode = view.mode ?? result.state.isolation;
  const nodes: ViewNode[] = [];
  if (view.unisolated || mode === 'none') {
    nodes.push({
      id: 'unisolated',
      label: 'UNISOLATED: scripts run as plain processes',
      description: "isolation 'none' (development only)",
      tooltip: "This instance's launcher was created with isolation 'none': scripts run as ordinary processes of the instance's owner, with no worker accounts, sandbox or session separation.",
      icon: { id: 'warning', color: 'editorWarning.foreground' },
      contextValue: 'unisolated',
    });
  }
  if (view.problem) {
    nodes.push({
      id: 'problem',
      label: 'The launcher cannot run scripts',
      description: view.problem,
      tooltip: view.problem,
      icon: { id: 'error', color: 'errorForeground' },
      contextValue: /provision/i.test(view.problem) ? 'launcherProblem:provision' : 'launcherProblem',
    });
  }
  for (const pool of view.pools) nodes.push(poolNode(pool, mode, view.mode !== null, sessions, now));
  return nodes;
}

function poolNode(pool: Pool, mode: string | null, started: boolean, sessions: readonly SessionInfo[], now: number): ViewNode {
  const busy = pool.workers.filter((w) => w.caller !== null).length;
  const parts = [plural(pool.size, 'worker'), mode ?? 'isolation unknown', pool.allowNetwork ? 'network allowed' : 'no network'];
  if (started) parts.push(`${busy} busy`);
  if (pool.waiting > 0) parts.push(`${pool.waiting} waiting`);
  const warm = pool.warm && pool.warm.python.target + pool.warm.r.target > 0 ? pool.warm : undefined;
  if (warm) parts.push(`${warm.python.ready + warm.r.ready} warm`);
  const children: ViewNode[] = [limitsNode(pool), ...(warm ? [warmNode(pool.name, warm)] : []), ...workerNodes(pool, started, sessions, now)];
  if (pool.waiting > 0) {
    children.push({
      id: `pool:${pool.name}:waiting`,
      label: `${plural(pool.waiting, 'request')} waiting for a worker`,
      icon: { id: 'watch', color: 'editorWarning.foreground' },
      contextValue: 'waiting',
    });
  }
  return {
    id: `pool:${pool.name}`,
    label: pool.name,
    description: parts.join(' · '),
    tooltip: `External resource pool ${pool.name}\n${plural(pool.size, 'worker')}, isolation ${mode ?? 'unknown'}\nOutbound network: ${pool.allowNetwork ? 'allowed' : 'blocked'}`,
    icon: { id: 'server-process' },
    contextValue: `pool${mode === 'accounts' ? ':accounts' : ''}`,
    expanded: true,
    children,
  };
}

/** Satellites started ahead of time, so that a session on a worker with one skips the runtime's start. */
function warmNode(pool: string, warm: NonNullable<Pool['warm']>): ViewNode {
  const mib = (bytes: number) => `${Math.round(bytes / 2 ** 20)} MiB`;
  const count = (label: string, c: typeof warm.python) => `${label} ${c.ready}/${c.target}${c.starting ? ` (+${c.starting} starting)` : ''}`;
  const text = `${count('Python', warm.python)} · ${count('R', warm.r)} · ${mib(warm.memoryBytes)} of ${mib(warm.budgetBytes)}`;
  return {
    id: `pool:${pool}:warm`,
    label: 'Warm satellites',
    description: text,
    tooltip: `Satellites started ahead of time, each waiting for one session: ${text} held while idle.${[...warm.problems, ...(warm.heldBack ? [`Fewer than set for now: ${warm.heldBack}.`] : [])].map((line) => `\n${line}`).join('')}`,
    icon: warm.problems.length ? { id: 'warning', color: 'editorWarning.foreground' } : { id: 'flame' },
    contextValue: 'warm',
  };
}

function limitsNode(pool: Pool): ViewNode {
  const limits: ViewNode[] =
    pool.enforcement.length > 0
      ? pool.enforcement.map((e) => {
          const unlimited = e.value === 'unlimited';
          const enforced = e.mechanism !== 'none';
          return {
            id: `pool:${pool.name}:limit:${e.limit}`,
            label: e.setting,
            description: `${e.value} · ${unlimited ? 'no limit' : enforced ? `enforced by ${e.mechanism}` : 'NOT enforced'}`,
            tooltip: `${e.setting}: ${e.value}\n${enforced ? `Enforced by ${e.mechanism}` : 'Not enforced'}: ${e.detail}`,
            icon: unlimited ? { id: 'circle-outline' } : enforced ? { id: 'shield', color: 'testing.iconPassed' } : { id: 'warning', color: 'editorWarning.foreground' },
            contextValue: `limit:${enforced ? 'enforced' : 'unenforced'}`,
          };
        })
      : [
          ['cpu', `MAX_CPU_PERCENT = ${pool.limits.maxCpuPercent}`],
          ['memory', `MAX_MEMORY_PERCENT = ${pool.limits.maxMemoryPercent}`],
          ['processes', `MAX_PROCESSES = ${pool.limits.maxProcesses}`],
        ].map(([limit, setting]) => ({
          id: `pool:${pool.name}:limit:${limit}`,
          label: setting!,
          description: 'enforcement known once the launcher starts',
          icon: { id: 'circle-outline' },
          contextValue: 'limit:unknown',
        }));
  const unenforced = pool.enforcement.filter((e) => e.mechanism === 'none' && e.value !== 'unlimited').length;
  return {
    id: `pool:${pool.name}:limits`,
    label: 'Limits',
    description: pool.enforcement.length === 0 ? '' : unenforced > 0 ? `${unenforced} not enforced` : 'all enforced',
    icon: { id: 'dashboard' },
    contextValue: 'limits',
    expanded: false,
    children: limits,
  };
}

function workerNodes(pool: Pool, started: boolean, sessions: readonly SessionInfo[], now: number): ViewNode[] {
  if (!started || pool.workers.length === 0) {
    return [
      {
        id: `pool:${pool.name}:notStarted`,
        label: 'Workers are assigned from the first script on',
        description: 'the launcher starts with the first sp_execute_external_script',
        icon: { id: 'info' },
        contextValue: 'notStarted',
      },
    ];
  }
  return pool.workers.map((w) => {
    const serving = sessions.filter((s) => s.worker === w.worker && isActive(s));
    const free = w.caller === null;
    return {
      id: `pool:${pool.name}:worker:${w.worker}`,
      label: w.worker,
      description: free ? 'free' : `busy · ${w.caller} · ${plural(w.statements, 'statement')}`,
      tooltip: free ? `${w.worker} is free` : `${w.worker} serves ${w.caller} (${plural(w.statements, 'statement')} at once)`,
      icon: free ? { id: 'circle-large-outline' } : { id: 'person', color: 'charts.blue' },
      contextValue: free ? 'worker:free' : 'worker:busy',
      expanded: true,
      ...(serving.length > 0 ? { children: serving.map((s) => sessionNode(s, now, `pool:${pool.name}:worker:${w.worker}:session`)) } : {}),
    };
  });
}
