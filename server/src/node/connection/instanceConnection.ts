// The one way the language server and the CLI see an instance, whether it is the embedded one on
// its own socket (embeddedConnection.ts) or any SQL Server reached over TDS through `mssql`
// (../remote/tdsConnection.ts): run batches with results and messages streamed as they come,
// cancel, the pre-flight's T-SQL, the Sessions and Pools views. What only the embedded instance
// can show (session folders, isolation posture, live notifications) is declared, not imitated.
import type { TsqlRunner } from '../../core/preflight';
import type { LauncherView, RunOutcome, WireColumn, WireMessage, WireSessionRecord } from '../instance/protocol';

export interface RunListeners {
  /** A message (PRINT, a script's STDOUT/STDERR, an error) as soon as the server sends it. */
  onMessage?(message: WireMessage): void;
  /** A result set begins (its rows follow through onRow). batch: index among the text's GO batches. */
  onResultSet?(batch: number, columns: WireColumn[]): void;
  onRow?(row: unknown[]): void;
}

export interface RunOptions extends RunListeners {
  /** The database to start in; default: the login's (or the profile's). */
  database?: string;
  /** As EXECUTE AS LOGIN = asLogin, reverted after the run. */
  asLogin?: string;
  /** Aborting cancels the running batch (TDS attention; the embedded protocol's Cancel). */
  signal?: AbortSignal;
}

/** A running external script as sys.dm_external_script_requests ⨝ sys.dm_exec_requests ⨝ sys.dm_exec_sessions show it. */
export interface ScriptRequestRow {
  externalScriptRequestId: string;
  sessionId: number;
  status: string;
  databaseName: string | null;
  loginName: string;
  language: string;
  degreeOfParallelism: number | null;
  externalUserName: string | null;
  waitType: string | null;
  totalElapsedTimeMs: number | null;
  cpuTimeMs: number | null;
}

/** An external resource pool: sys.resource_governor_external_resource_pools with its DMV's statistics. */
export interface ExternalPoolRow {
  externalPoolId: number;
  name: string;
  maxCpuPercent: number;
  maxMemoryPercent: number;
  maxProcesses: number;
  /** From sys.dm_resource_governor_external_resource_pools; null when the DMV gave no row (or no permission). */
  activeProcessesCount: number | null;
  peakMemoryKb: number | null;
  totalCpuUserMs: number | null;
  totalCpuKernelMs: number | null;
  readIoCount: number | null;
  writeIoCount: number | null;
}

export type EmbeddedOnlyFeature = 'sessionFolders' | 'isolationPosture' | 'liveNotifications';

/** How a view says what it cannot show for a server that is not the embedded instance. */
export const EMBEDDED_ONLY: Record<EmbeddedOnlyFeature, string> = {
  sessionFolders: 'Session folders: shown only for the embedded instance (SQL Server keeps them in its ExtensibilityData folder, out of a client’s reach).',
  isolationPosture: 'Isolation posture: shown only for the embedded instance (a SQL Server’s Launchpad settings are not visible to a client).',
  liveNotifications: 'Live session notifications: only the embedded instance sends them; a SQL Server’s sessions are polled while the view is visible.',
};

export type SessionsView =
  | { source: 'embedded'; sessions: WireSessionRecord[] }
  /** Only running scripts: the DMV "cannot report on scripts that have already completed". */
  | { source: 'dmv'; requests: ScriptRequestRow[]; notShown: EmbeddedOnlyFeature[] };

export type PoolsView = { source: 'embedded'; view: LauncherView } | { source: 'dmv'; pools: ExternalPoolRow[]; notShown: EmbeddedOnlyFeature[] };

export interface InstanceConnection {
  readonly kind: 'embedded' | 'tds';
  /** The login the server knows this connection as (SUSER_SNAME()). */
  readonly login: string;
  /** Where it is, for messages: the instance folder, or host,port. */
  readonly describe: string;
  /** Which of the embedded-only features this connection has. */
  readonly features: Record<EmbeddedOnlyFeature, boolean>;
  run(text: string, options?: RunOptions): Promise<RunOutcome>;
  /** The pre-flight's questions go through this. */
  readonly runner: TsqlRunner;
  sessions(): Promise<SessionsView>;
  pools(): Promise<PoolsView>;
  close(): Promise<void>;
}
