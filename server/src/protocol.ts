// The custom requests and notifications between the sqlml client and language server: the one
// definition both sides import (ARCHITECTURE section 4). Standard LSP covers everything else.
import { NotificationType, RequestType } from 'vscode-languageserver';

// ---- the instance login --------------------------------------------------------------------

/**
 * Client -> server: the password of the SQL login named by `sqlml.instance.login` (passwords are
 * never settings). An empty login forgets the credentials (the OS login is used again). The
 * server connects with them before answering, so `ok` says whether the instance accepted them.
 */
export interface SetCredentialsParams {
  login: string;
  password: string;
}

export interface SetCredentialsResult {
  ok: boolean;
  /** The login the instance now knows the server as, when connected. */
  login: string | null;
  /** Why not, in words for the user. */
  message?: string;
}

export const SetCredentialsRequest = new RequestType<SetCredentialsParams, SetCredentialsResult, void>('sqlml/setCredentials');

/** Server -> client: `sqlml.instance.login` names a SQL login whose password the server does not have. */
export interface CredentialsNeededParams {
  login: string;
  /** The instance folder (or name) the server wants to connect to. */
  instance: string;
}

export const CredentialsNeededNotification = new NotificationType<CredentialsNeededParams>('sqlml/credentialsNeeded');

// ---- the security pre-flight ---------------------------------------------------------------

/**
 * Client -> server: check again now, asking the instance afresh (cached answers are dropped).
 * `asLogin` checks as another login (EXECUTE AS LOGIN) from now on; null goes back to the
 * `sqlml.preflight.checkAsLogin` setting; absent keeps the current choice.
 */
export interface PreflightCheckParams {
  /** One document; absent: every open document. */
  uri?: string;
  asLogin?: string | null;
}

export interface PreflightCheckResult {
  /** The instance answered. */
  reachable: boolean;
  /** The login whose permissions were checked. */
  login: string | null;
  /** Documents checked. */
  documents: number;
  /** Pre-flight problems found in them (the diagnostics are published as usual). */
  problems: number;
  /** Why the instance could not be asked, or why the check as another login was refused. */
  message?: string;
}

export const PreflightCheckRequest = new RequestType<PreflightCheckParams, PreflightCheckResult, void>('sqlml/preflight/check');
