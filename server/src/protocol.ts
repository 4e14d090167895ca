// The custom requests and notifications between the sqlml client and language server: the one
// definition both sides import (ARCHITECTURE section 4). Standard LSP covers everything else.
import { NotificationType, RequestType, RequestType0, type Position, type Range } from 'vscode-languageserver';
import type { ExternalPoolRow, ScriptRequestRow } from './node/connection/instanceConnection';
import type { EncodedResultSet } from './core/results/encodedResultSets';
import type { LauncherView, WireBatch, WireMessage, WireSession, WireSessionRecord } from './node/instance/protocol';

// The client reads the DMV rows of ServerView; it imports them from here, never from the Node layer.
export type { ExternalPoolRow, ScriptRequestRow };

// ---- workspace trust -------------------------------------------------------------------------

/**
 * What the client puts in `initializationOptions`. `workspaceTrusted` is VS Code's workspace trust at start; a
 * server not told it treats the workspace as untrusted. While untrusted the server never starts or creates an
 * instance, runs scripts or provisions worker accounts (it may still ask an instance that is already running).
 */
export interface SqlmlInitializationOptions {
  /** The `sqlml` settings, for clients that cannot answer workspace/configuration. */
  settings?: unknown;
  workspaceTrusted?: boolean;
}

/** Client -> server: the workspace's trust changed (VS Code only grants it during a session; taking it back reloads the window). */
export interface WorkspaceTrustParams {
  trusted: boolean;
}

export const WorkspaceTrustNotification = new NotificationType<WorkspaceTrustParams>('sqlml/workspaceTrust');

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

// ---- running scripts, the instance, the Pools and Sessions views ------------------------------
// The server holds the connection to the instance and its state; the client shows what these
// requests answer and what these notifications push.

// ---- the instance the editor uses --------------------------------------------------------------

/**
 * Where the server's connection to the instance stands (the status bar and the views' welcome
 * content show it). connected: it answers; stopped: it exists but is not running; missing: there is
 * no instance at the path; needsPassword: sqlml.instance.login names a SQL login whose password the
 * editor has not given; unavailable: anything else (refused login, no socket for this OS user…).
 */
export type InstanceStatusKind = 'connected' | 'stopped' | 'missing' | 'needsPassword' | 'unavailable';

export interface InstanceState {
  status: InstanceStatusKind;
  /** The instance folder. */
  path: string;
  /** Its name ('default', or the folder's name for a path). */
  name: string;
  /** The embedded default instance (sqlml.instance.path is empty). */
  isDefault: boolean;
  /** The login the instance knows the editor as, when connected; else the one it would use. */
  login: string | null;
  authentication: 'os' | 'sql' | null;
  /** The launcher's isolation: accounts, namespaces or none; null when unknown. */
  isolation: string | null;
  /** Isolation 'none': scripts run as plain processes. */
  unisolated: boolean;
  /** Why it is not connected, in words for the user. */
  message?: string;
  /** The language server runs as root (it can provision worker accounts itself). */
  serverIsRoot: boolean;
}

/** Client -> server: the current state; `connect` tries to connect now (never starts the instance). */
export const InstanceStateRequest = new RequestType<{ connect?: boolean }, InstanceState, void>('sqlml/instance/state');

/** Server -> client: the state changed (connected, lost, another instance or login chosen). */
export const InstanceStateNotification = new NotificationType<InstanceState>('sqlml/instance/didChangeState');

export interface InstanceListItem {
  name: string;
  path: string;
  isDefault: boolean;
  /** The OS user who created it (its sysadmin), when its configuration is readable. */
  owner: string | null;
  isolation: string | null;
  /** It is the one the editor uses now. */
  current: boolean;
}

/** Client -> server: the instances under this user's data folder (and the current one). */
export const InstanceListRequest = new RequestType0<InstanceListItem[], void>('sqlml/instance/list');

export interface InstanceActionResult {
  ok: boolean;
  /** What happened, in words for the user. */
  message: string;
  state: InstanceState;
}

/** Client -> server: start the instance as a service (creating it first when `create` is set and it is missing). */
export const InstanceStartRequest = new RequestType<{ create?: boolean }, InstanceActionResult, void>('sqlml/instance/start');

/** Client -> server: stop the instance (only its owner may). */
export const InstanceStopRequest = new RequestType0<InstanceActionResult, void>('sqlml/instance/stop');

export interface ProvisionResult {
  /** The accounts are there now. */
  ok: boolean;
  /** The server ran the provisioning itself (it runs as root). */
  ran: boolean;
  prefix: string;
  workers: number;
  /** The provisioning report, or why it did not run. */
  lines: string[];
  /** The command that provisions them, to run as root. */
  command: string;
}

/** Client -> server: create the instance's worker accounts (as root), or say which root command does. */
export const ProvisionWorkersRequest = new RequestType0<ProvisionResult, void>('sqlml/launcher/provision');

// ---- the Pools view ------------------------------------------------------------------------------

export interface PoolsResult {
  state: InstanceState;
  /** The launcher's pools, workers and limits; null when the instance is not connected. */
  view: LauncherView | null;
  /** A SQL Server reached through a connection profile: what its catalog views and DMVs show, polled. */
  server?: ServerView;
}

/** The Pools and Sessions views of a SQL Server over TDS, from its DMVs (node/remote/dmvViews.ts). */
export interface ServerView {
  /** sys.resource_governor_external_resource_pools with its DMV's statistics. */
  pools: ExternalPoolRow[];
  /** The scripts running now (sys.dm_external_script_requests cannot report finished ones). */
  requests: ScriptRequestRow[];
  /** What only the embedded instance shows, in words. */
  notShown: string[];
  /** When the DMVs were read (ms since 1970), and how often they are read again. */
  readAt: number;
  pollMs: number;
  /** Why the DMVs could not be read (VIEW SERVER STATE not granted, say). */
  problem?: string;
}

/** Client -> server: the pools now. */
export const PoolsRequest = new RequestType0<PoolsResult, void>('sqlml/pools');

/** Server -> client: the pools changed (a worker was taken or freed, the launcher started, the connection changed). */
export const PoolsChangedNotification = new NotificationType<PoolsResult>('sqlml/didChangePools');

// ---- the Sessions view ---------------------------------------------------------------------------

/** A launcher session: id, caller, worker, language, state, times, folder while it exists. */
export type SessionInfo = WireSessionRecord;

export interface SessionsResult {
  state: InstanceState;
  /** Running and recent sessions, newest first (the owner sees all, other logins their own). */
  sessions: SessionInfo[];
}

/** Client -> server: the sessions now. */
export const SessionsRequest = new RequestType0<SessionsResult, void>('sqlml/sessions');

/** Server -> client: one session started or changed, one left the history, or the whole list was replaced (reconnected). */
export type SessionChange = { session: SessionInfo } | { evicted: string } | { reset: SessionInfo[] };

export const SessionChangedNotification = new NotificationType<SessionChange>('sqlml/didChangeSession');

/** Client -> server: cancel a running session (its statement fails with the cancellation). */
export const CancelSessionRequest = new RequestType<{ id: string }, { cancelled: boolean; message?: string }, void>('sqlml/cancelSession');

export interface SessionOutputResult {
  /** The output is known: the session ran from this editor since the server started. */
  available: boolean;
  /** The messages of the run that started the session (STDOUT/STDERR, info and errors), or why there are none. */
  text: string;
  /** The document the run came from. */
  uri?: string;
}

/** Client -> server: what the session printed. */
export const SessionOutputRequest = new RequestType<{ id: string }, SessionOutputResult, void>('sqlml/sessionOutput');

// ---- running -------------------------------------------------------------------------------------

/** What to run: the whole document, the selection (`range`), or the call to sp_execute_external_script at `position`. */
export type RunScope = 'file' | 'selection' | 'call';

export interface RunScriptParams {
  /** Chosen by the client: names the run in RunMessageNotification and CancelRunRequest. */
  runId: string;
  /** An open document (the server runs the text it has). */
  uri: string;
  scope: RunScope;
  range?: Range;
  position?: Position;
  /** The database to start in (sqlml.run.database); absent: the login's default. */
  database?: string;
  /** Run as this login (EXECUTE AS LOGIN). */
  asLogin?: string;
}

/**
 * A message as SQL Server sends it, its line in the document (0-based; script errors on the line of
 * the failing script line), and `header`: "Msg 297, Level 16, State 1, Line 4" for errors ('' for
 * PRINT and script output), as SSMS shows it.
 */
export type RunMessage = WireMessage & { header: string };

/**
 * A batch's outcome for the editor. Result sets travel as the instance sent them, column by column
 * when they came so (core/results/encodedResultSets.ts): the client decodes them, and a million
 * rows never become a million JSON arrays on their way to the results panel.
 */
export interface RunBatch extends Omit<WireBatch, 'messages' | 'resultSets'> {
  messages: RunMessage[];
  resultSets: EncodedResultSet[];
}

export interface RunScriptResult {
  runId: string;
  uri: string;
  /** What ran: its first and last lines in the document (0-based) and how it was chosen. */
  ran: { scope: RunScope; startLine: number; endLine: number };
  batches: RunBatch[];
  sessions: WireSession[];
  /** The run was cancelled (by CancelRunRequest or a cancelled session). */
  cancelled: boolean;
  /** Why nothing ran (no instance, refused login, nothing to run), in words for the user. */
  failed?: string;
  /** The instance and login it ran on. */
  instance: string;
  login: string | null;
  durationMs: number;
}

/** Client -> server: run T-SQL from a document on the instance (started, and the default created, on first use). */
export const RunScriptRequest = new RequestType<RunScriptParams, RunScriptResult, void>('sqlml/run');

/** Server -> client: a message of a run in progress, as it happens (PRINT, script output, errors). */
export const RunMessageNotification = new NotificationType<{ runId: string; message: RunMessage }>('sqlml/runMessage');

/** Client -> server: cancel a run in progress. */
export const CancelRunRequest = new RequestType<{ runId: string }, { cancelled: boolean }, void>('sqlml/cancelRun');

/** The databases the editor's login sees (sys.databases, as the login sees it), for Use Database; `message` says why there are none. */
export interface DatabasesResult {
  databases: string[];
  message?: string;
}

/** Client -> server: the databases Run Script may start in (never starts the instance). */
export const DatabasesRequest = new RequestType0<DatabasesResult, void>('sqlml/databases');
