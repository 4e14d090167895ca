// What the launcher's Sessions and Pools views show a caller, with SQL Server's rule for the DMVs
// behind them: with VIEW SERVER STATE every session and who runs it; without it only the caller's
// own sessions, and of the busy workers only that they are busy, not for whom (another login's
// name is an identity the caller has no right to see).
import type { SessionRecord } from './sessions';

/** Who the Pools view says a busy worker serves, when it serves a login the viewer may not see. */
export const ANOTHER_LOGIN = '(another login)';

/** The login a script session runs for is the viewer's own: login names compare case-insensitively. */
function isOwn(caller: string, viewer: string): boolean {
  return caller.toLowerCase() === viewer.toLowerCase();
}

export function sessionVisible(record: Pick<SessionRecord, 'caller'>, viewer: string, viewsServerState: boolean): boolean {
  return viewsServerState || isOwn(record.caller, viewer);
}

/** A worker's caller as the viewer may see it: null (free), the name, or ANOTHER_LOGIN. */
export function workerCallerSeenBy(caller: string | null, viewer: string, viewsServerState: boolean): string | null {
  if (caller === null || viewsServerState || isOwn(caller, viewer)) return caller;
  return ANOTHER_LOGIN;
}
