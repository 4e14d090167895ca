// The Sessions view as data: running sessions first (queued, starting, running), then recent ones,
// newest first; each with its id, caller, worker, language, state and duration. Also how the
// list follows the server's change notifications. Pure: no VS Code.
import type { SessionChange, SessionInfo } from '../../../server/src/protocol';
import { duration } from '../results/model';
import type { ViewNode } from './node';

const ACTIVE = new Set(['queued', 'starting', 'running']);

export function isActive(session: SessionInfo): boolean {
  return ACTIVE.has(session.state);
}

/** The list after one change notification (the server's order is kept: newest first). */
export function applySessionChange(list: readonly SessionInfo[], change: SessionChange): SessionInfo[] {
  if ('reset' in change) return [...change.reset];
  if ('evicted' in change) return list.filter((s) => s.id !== change.evicted);
  const i = list.findIndex((s) => s.id === change.session.id);
  if (i < 0) return [change.session, ...list];
  const next = [...list];
  next[i] = change.session;
  return next;
}

/** Active first, then finished; each group newest first. */
export function orderSessions(list: readonly SessionInfo[]): SessionInfo[] {
  const newest = (a: SessionInfo, b: SessionInfo) => b.queuedAt - a.queuedAt;
  return [...list.filter(isActive).sort(newest), ...list.filter((s) => !isActive(s)).sort(newest)];
}

/** How long it has run (or ran, or has waited), at `now`. */
export function sessionDuration(session: SessionInfo, now: number): number {
  const from = session.startedAt ?? session.queuedAt;
  return Math.max(0, (session.endedAt ?? now) - from);
}

export function languageLabel(language: string): string {
  return language.toLowerCase() === 'r' ? 'R' : language.toLowerCase() === 'python' ? 'Python' : language;
}

const ICONS: Record<string, { id: string; color?: string }> = {
  queued: { id: 'watch' },
  starting: { id: 'loading~spin' },
  running: { id: 'sync~spin', color: 'charts.blue' },
  succeeded: { id: 'pass', color: 'testing.iconPassed' },
  failed: { id: 'error', color: 'testing.iconFailed' },
  cancelled: { id: 'circle-slash', color: 'editorWarning.foreground' },
  'timed out': { id: 'clock', color: 'editorWarning.foreground' },
};

/** contextValue: "session:active" or "session:finished", plus ":folder" while the session folder exists. */
export function sessionContext(session: SessionInfo): string {
  return `session:${isActive(session) ? 'active' : 'finished'}${session.folder ? ':folder' : ''}`;
}

export function sessionNode(session: SessionInfo, now: number, idPrefix = 'session'): ViewNode {
  const short = session.id.slice(0, 8);
  const worker = session.worker ?? (isActive(session) ? 'waiting for a worker' : 'no worker');
  const time = duration(sessionDuration(session, now));
  const lines = [
    `Session ${session.id}`,
    `${languageLabel(session.language)} for ${session.caller} in ${session.database}`,
    `Worker: ${worker} (pool ${session.pool}, isolation ${session.mode})`,
    `State: ${session.state}${session.detail ? ` (${session.detail})` : ''}`,
    `Queued: ${new Date(session.queuedAt).toLocaleTimeString()}${session.startedAt ? `, started ${new Date(session.startedAt).toLocaleTimeString()}` : ''}${session.endedAt ? `, ended ${new Date(session.endedAt).toLocaleTimeString()}` : ''}`,
    `Duration: ${time}`,
  ];
  if (session.folder) lines.push(`Folder: ${session.folder}`);
  return {
    id: `${idPrefix}:${session.id}`,
    label: `${short} ${languageLabel(session.language)} · ${session.caller}`,
    description: `${session.state} · ${worker} · ${time}`,
    tooltip: lines.join('\n'),
    icon: ICONS[session.state] ?? { id: 'circle-outline' },
    contextValue: sessionContext(session),
    data: { sessionId: session.id },
    command: { command: 'sqlml.showSessionOutput', title: 'Show Session Output', arguments: [{ sessionId: session.id }] },
  };
}

/** The view's rows: a "Running" group, then a "Recent" one, each shown only when it has sessions. */
export function sessionNodes(list: readonly SessionInfo[], now: number): ViewNode[] {
  const ordered = orderSessions(list);
  const active = ordered.filter(isActive);
  const finished = ordered.filter((s) => !isActive(s));
  const group = (id: string, label: string, sessions: SessionInfo[]): ViewNode => ({
    id: `group:${id}`,
    label,
    description: String(sessions.length),
    icon: { id: id === 'running' ? 'run-all' : 'history' },
    contextValue: `group:${id}`,
    expanded: true,
    children: sessions.map((s) => sessionNode(s, now)),
  });
  const groups: ViewNode[] = [];
  if (active.length > 0) groups.push(group('running', 'Running', active));
  if (finished.length > 0) groups.push(group('recent', 'Recent', finished));
  return groups;
}
