// Loopback with implied authentication (ARCHITECTURE 3.7): a script connects back with a trusted
// connection and presents its worker's identity. SQL Server accepts it only where a login exists
// for the worker group (the SQLRUserGroup login), and the connection then acts for the caller of
// sp_execute_external_script, with the caller's permissions. Without that login (or with it
// disabled or denied CONNECT SQL) the worker's login fails with Msg 18456.
import { decide, serverScope } from './evaluate';
import { findLogin } from './lookup';
import { MESSAGES } from './messages';
import type { SecurityCatalog } from './model';
import { refuse, succeed, type Outcome } from './outcome';
import { SERVER_REF } from './securables';
import { currentContext, sessionFor, type SessionContext } from './session';

export interface LoopbackRequest {
  /** The OS group every worker belongs to (the SQLRUserGroup analog). */
  readonly workerGroup: string;
  /** The worker account that connected, named in the login-failure message. */
  readonly workerName: string;
  /** The session that called sp_execute_external_script. */
  readonly caller: SessionContext;
}

/**
 * The session the loopback connection runs as: the caller's current context alone, so the script
 * has exactly the caller's permissions at the time of the call and cannot REVERT past an EXECUTE AS
 * the caller was under. ORIGINAL_LOGIN() stays the caller's original login.
 */
export function acceptLoopbackConnection(catalog: SecurityCatalog, request: LoopbackRequest): Outcome<SessionContext> {
  const failed = refuse(MESSAGES.loginFailed(request.workerName));
  const group = findLogin(catalog, request.workerGroup);
  if (!group || group.type !== 'G' || group.isDisabled) return failed;
  const worker = sessionFor({ kind: 'login', name: request.workerName, sid: null, loginIds: [group.principalId], executedIn: null });
  if (decide(catalog, serverScope(catalog, worker), SERVER_REF, 'CONNECT SQL') !== 'granted') return failed;
  return succeed({ originalLogin: request.caller.originalLogin, stack: [currentContext(request.caller)] });
}
