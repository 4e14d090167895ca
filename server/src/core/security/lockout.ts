// Password-guessing defence for SQL logins, as SQL Server gives it with CHECK_POLICY = ON (the
// default of CREATE LOGIN ... WITH PASSWORD): the operating system's account lockout policy. A
// login is locked after `threshold` wrong passwords in a row, each within `resetAfterMs` of the
// previous one; it stays locked for `durationMs` (or until an administrator unlocks it: ALTER
// LOGIN ... WITH PASSWORD = '...' UNLOCK, or a change of CHECK_POLICY), and while locked even the
// right password is refused with Msg 18486. The state lives on the login in the catalog, so it
// outlives a restart. Times are the engine clock's milliseconds since 1970 (UTC).
import type { ServerPrincipal } from './model';

export interface LockoutPolicy {
  /** Wrong passwords in a row that lock a login (Windows' "Account lockout threshold"); 0 never locks. */
  readonly threshold: number;
  /** How long a lock lasts ("Account lockout duration"); 0 keeps it until an administrator unlocks it. */
  readonly durationMs: number;
  /** A run of failures starts again after this long without one ("Reset account lockout counter after"). */
  readonly resetAfterMs: number;
}

/**
 * Windows' policy as current Windows ships it turned on counts 10 failures; CIS and Microsoft's
 * baselines ask for a duration and reset window of 15 minutes or more: 30 here, as an unattended
 * development instance gains nothing from a short lock.
 */
export const DEFAULT_LOCKOUT_POLICY: LockoutPolicy = { threshold: 10, durationMs: 30 * 60_000, resetAfterMs: 30 * 60_000 };

/** The lockout fields of a login, as they stand at a given moment. */
export interface LockoutState {
  readonly badPasswordCount: number;
  readonly badPasswordTime: number | null;
  readonly lockoutTime: number | null;
}

const CLEAR: LockoutState = { badPasswordCount: 0, badPasswordTime: null, lockoutTime: null };

/** Whether lockout applies to the login at all: SQL logins with CHECK_POLICY ON, under a policy that locks. */
function policyApplies(login: ServerPrincipal, policy: LockoutPolicy): boolean {
  return login.type === 'S' && login.checkPolicy !== false && policy.threshold > 0;
}

/** The login's state at `now`: a lock whose time is up is over, and so is a run of failures gone stale. */
export function lockoutState(login: ServerPrincipal, policy: LockoutPolicy, now: number): LockoutState {
  if (!policyApplies(login, policy)) return CLEAR;
  const state: LockoutState = { badPasswordCount: login.badPasswordCount ?? 0, badPasswordTime: login.badPasswordTime ?? null, lockoutTime: login.lockoutTime ?? null };
  if (state.lockoutTime !== null) {
    const expired = policy.durationMs > 0 && now - state.lockoutTime >= policy.durationMs;
    return expired ? { ...state, badPasswordCount: 0, lockoutTime: null } : state;
  }
  if (state.badPasswordTime !== null && now - state.badPasswordTime >= policy.resetAfterMs) return { ...state, badPasswordCount: 0 };
  return state;
}

export function isLockedOut(login: ServerPrincipal, policy: LockoutPolicy, now: number): boolean {
  return lockoutState(login, policy, now).lockoutTime !== null;
}

/** The login after a wrong password: one more failure, and locked when that reaches the threshold. */
export function afterWrongPassword(login: ServerPrincipal, policy: LockoutPolicy, now: number): ServerPrincipal {
  if (!policyApplies(login, policy)) return login;
  const count = lockoutState(login, policy, now).badPasswordCount + 1;
  return { ...login, badPasswordCount: count, badPasswordTime: now, lockoutTime: count >= policy.threshold ? now : null };
}

/** The login after it connected: the run of failures is over (the time of the last one stays, as in SQL Server). */
export function afterSuccessfulLogin(login: ServerPrincipal): ServerPrincipal {
  return (login.badPasswordCount ?? 0) === 0 && (login.lockoutTime ?? null) === null ? login : { ...login, badPasswordCount: 0, lockoutTime: null };
}

/** The login unlocked by an administrator: no failures, no lock. */
export function unlocked(login: ServerPrincipal): ServerPrincipal {
  return { ...login, ...CLEAR, badPasswordTime: login.badPasswordTime ?? null };
}

/** SQL Server's zero datetime, which LOGINPROPERTY returns for "never". */
export const NEVER = Date.UTC(1900, 0, 1);

/** A LOGINPROPERTY value: an int, or a datetime as milliseconds since 1970 (UTC). */
export type LoginPropertyValue = { readonly kind: 'int'; readonly value: number } | { readonly kind: 'datetime'; readonly value: number };

/**
 * LOGINPROPERTY(login, property) for the password-policy properties: IsLocked, BadPasswordCount,
 * LockoutTime, BadPasswordTime, PasswordLastSetTime. Null for a login that is not a SQL login and
 * for a property this instance does not keep. Whether the caller may see the login is the
 * caller's business (visibility.ts).
 */
export function loginPolicyProperty(login: ServerPrincipal, property: string, policy: LockoutPolicy, now: number): LoginPropertyValue | null {
  if (login.type !== 'S') return null;
  const state = lockoutState(login, policy, now);
  switch (property.trim().toLowerCase()) {
    case 'islocked':
      return { kind: 'int', value: state.lockoutTime === null ? 0 : 1 };
    case 'badpasswordcount':
      return { kind: 'int', value: state.badPasswordCount };
    case 'lockouttime':
      return { kind: 'datetime', value: state.lockoutTime ?? NEVER };
    case 'badpasswordtime':
      return { kind: 'datetime', value: state.badPasswordTime ?? NEVER };
    case 'passwordlastsettime':
      return login.passwordLastSetTime == null ? null : { kind: 'datetime', value: login.passwordLastSetTime };
    default:
      return null;
  }
}
