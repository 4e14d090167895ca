// The Pools and Sessions views for a SQL Server reached through a connection profile, as data:
// its external resource pools and the scripts running on it, as its catalog views and DMVs show
// them (the language server reads them every few seconds). What only sqlml's embedded instance
// can show is said once, not imitated. Pure: no VS Code.
import type { ExternalPoolRow, ScriptRequestRow, ServerView } from '../../../server/src/protocol';
import { duration } from '../results/model';
import { languageLabel } from './sessionsModel';
import type { ViewNode } from './node';

const percent = (n: number) => `${n}%`;
const orNone = <T>(value: T | null, show: (v: T) => string) => (value === null ? 'n/a' : show(value));

function noteNodes(view: ServerView, prefix: string): ViewNode[] {
  const notes: ViewNode[] = [];
  if (view.problem) notes.push({ id: `${prefix}:problem`, label: 'The DMVs could not be read', description: view.problem, tooltip: view.problem, icon: { id: 'warning', color: 'editorWarning.foreground' }, contextValue: 'serverProblem' });
  const read = new Date(view.readAt).toLocaleTimeString();
  notes.push({
    id: `${prefix}:source`,
    label: 'Read from the server’s DMVs',
    description: `at ${read}, every ${Math.round(view.pollMs / 1000)} s`,
    tooltip: [`Read at ${read} and every ${Math.round(view.pollMs / 1000)} s while connected.`, ...view.notShown].join('\n'),
    icon: { id: 'info' },
    contextValue: 'serverSource',
  });
  return notes;
}

function poolNode(pool: ExternalPoolRow): ViewNode {
  const active = pool.activeProcessesCount;
  const parts = [`max CPU ${percent(pool.maxCpuPercent)}`, `max memory ${percent(pool.maxMemoryPercent)}`, pool.maxProcesses === 0 ? 'processes unlimited' : `at most ${pool.maxProcesses} processes`];
  if (active !== null) parts.push(`${active} active`);
  return {
    id: `serverPool:${pool.externalPoolId}`,
    label: pool.name,
    description: parts.join(' · '),
    tooltip: [
      `External resource pool ${pool.name} (id ${pool.externalPoolId})`,
      `MAX_CPU_PERCENT = ${pool.maxCpuPercent}, MAX_MEMORY_PERCENT = ${pool.maxMemoryPercent}, MAX_PROCESSES = ${pool.maxProcesses}`,
      `Active processes: ${orNone(active, String)}; peak memory: ${orNone(pool.peakMemoryKb, (kb) => `${kb} KB`)}`,
      `CPU: ${orNone(pool.totalCpuUserMs, (ms) => `${ms} ms user`)}, ${orNone(pool.totalCpuKernelMs, (ms) => `${ms} ms kernel`)}; I/O: ${orNone(pool.readIoCount, String)} reads, ${orNone(pool.writeIoCount, String)} writes`,
    ].join('\n'),
    icon: { id: 'server-process' },
    contextValue: 'serverPool',
  };
}

export function serverPoolNodes(view: ServerView): ViewNode[] {
  return [...view.pools.map(poolNode), ...noteNodes(view, 'serverPools')];
}

function requestNode(request: ScriptRequestRow): ViewNode {
  const id = request.externalScriptRequestId.toUpperCase();
  const elapsed = request.totalElapsedTimeMs === null ? '' : ` · ${duration(request.totalElapsedTimeMs)}`;
  return {
    id: `serverRequest:${id}`,
    label: `${id.slice(0, 8)} ${languageLabel(request.language)} · ${request.loginName}`,
    description: `${request.status} · session ${request.sessionId}${elapsed}`,
    tooltip: [
      `External script request ${id}`,
      `${languageLabel(request.language)} for ${request.loginName}${request.databaseName ? ` in ${request.databaseName}` : ''}, session ${request.sessionId}`,
      `Status: ${request.status}${request.waitType ? ` (waiting: ${request.waitType})` : ''}`,
      `Worker account: ${request.externalUserName ?? 'n/a'}; degree of parallelism: ${orNone(request.degreeOfParallelism, String)}`,
      `Elapsed: ${orNone(request.totalElapsedTimeMs, duration)}; CPU: ${orNone(request.cpuTimeMs, duration)}`,
    ].join('\n'),
    icon: { id: 'sync~spin', color: 'charts.blue' },
    contextValue: 'serverRequest',
  };
}

/** The scripts running on the server; it keeps no history of finished ones (the DMV "cannot report on scripts that have already completed"). */
export function serverSessionNodes(view: ServerView): ViewNode[] {
  const running: ViewNode[] =
    view.requests.length > 0
      ? [{ id: 'serverRunning', label: 'Running', description: String(view.requests.length), icon: { id: 'run-all' }, contextValue: 'group:running', expanded: true, children: view.requests.map(requestNode) }]
      : [{ id: 'serverIdle', label: 'No script is running on the server', icon: { id: 'circle-outline' }, contextValue: 'serverIdle' }];
  return [...running, ...noteNodes(view, 'serverSessions')];
}
