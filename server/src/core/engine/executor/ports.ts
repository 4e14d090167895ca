// What the statement executor needs from the outside world. The executor itself is pure: it
// parses, translates, checks permissions and decides; these ports store data (DuckDB behind
// Storage), run scripts (the launcher behind ExternalScripts), keep the instance's catalog on
// disk (CatalogStore), tell the time and know the OS accounts.
import type { SqlType } from '../translate/types';
import type { ColumnValues, Columnar } from '../../launcher/columnValues';
import type { LaunchRequest, SqlValue } from '../../launcher/request';
import type { LaunchOutcome } from '../../launcher/result';
import type { LauncherMessage } from '../../launcher/messages';
import type { SessionRecord } from '../../launcher/sessions';
import type { InstanceDocument, ResourcePoolDefinition } from './document';
import type { ExecutorSession } from './session';
import type { PoolUsage } from '../../launcher/pools';

export type { SqlValue };

/**
 * Rows of a query; `truncated` when there were more than the `maxRows` asked for. `columnar`: the
 * same rows column by column, as the storage read them (`rows` is then built on first use).
 */
export interface StoredRows {
  rows: SqlValue[][];
  truncated: boolean;
  readonly columnar?: Columnar;
}

/**
 * A query's rows as the storage produces them, some thousands at a time, for a client that takes
 * rows as they come (TDS): the first reach it while the query still runs, and a huge result never
 * sits whole in memory. `truncated` is known once the chunks have ended.
 */
export interface StoredChunks extends AsyncIterable<Columnar> {
  readonly truncated: boolean;
}

/** Rows of a query held column by column (no array per row; fixed-width numbers in typed arrays). */
export interface StoredColumns {
  values: ColumnValues[];
  rowCount: number;
}

/**
 * A function the executor answers from its own state (SUSER_SNAME(), HAS_PERMS_BY_NAME(...)),
 * called by the storage while a query runs. Arguments arrive as SQL values, any number of them.
 */
export interface ScalarFunctionSpec {
  /** The function's name; the storage makes it the session's own and returns the name to call. */
  name: string;
  returns: SqlType;
  evaluate(args: SqlValue[]): SqlValue;
}

/** A table-valued function (fn_my_permissions): constant arguments, rows computed at bind time. */
export interface TableFunctionSpec {
  name: string;
  parameters: number;
  columns: { name: string; type: SqlType }[];
  rows(args: SqlValue[]): SqlValue[][];
}

/** One session's connection to the data: DuckDB SQL (the translator's), bound parameters. */
export interface StorageSession {
  /** Runs a query and reads at most `maxRows` rows (all when undefined). */
  query(sql: string, parameters: readonly SqlValue[], maxRows?: number): Promise<StoredRows>;
  /** Runs a query whose rows are read as they are consumed, up to `maxRows`. */
  queryChunks(sql: string, parameters: readonly SqlValue[], maxRows?: number): Promise<StoredChunks>;
  /** Runs a query and reads all its rows column by column (a script's input: many rows, read once). */
  queryColumns(sql: string, parameters: readonly SqlValue[]): Promise<StoredColumns>;
  /** Runs a statement that returns no rows; the number of rows it changed. */
  run(sql: string, parameters?: readonly SqlValue[]): Promise<number>;
  /**
   * Loads the rows into a new temporary table `temp.main."<table>"` with columns c1…c<width>, each
   * typed by the storage to hold its values as they are, for a statement to read in row order: a
   * plain scan of it (no ORDER BY) gives its rows in the order they were staged. Many rows go in
   * far faster than through one INSERT each. The caller drops it.
   */
  stageRows(table: string, width: number, rows: readonly (readonly SqlValue[])[]): Promise<void>;
  /** The same for rows held column by column (a script's output), without an array per row. */
  stageColumns(table: string, columnar: Columnar): Promise<void>;
  transaction(action: 'begin' | 'commit' | 'rollback'): Promise<void>;
  /** Registers the function for this session alone; returns the name SQL must call it by. */
  registerScalarFunction(spec: ScalarFunctionSpec): string;
  registerTableFunction(spec: TableFunctionSpec): string;
  /** Stops the query running now (cancellation). */
  interrupt(): void;
  close(): Promise<void>;
}

/**
 * The data of every database. A T-SQL database is a storage catalog of the same name, attached for
 * every session (master always is); a session's temporary tables are its own.
 */
export interface Storage {
  /** Makes an existing database available (master always is); creates its file when missing. */
  attachDatabase(name: string): Promise<void>;
  /** A new, empty database (whatever a crashed earlier attempt left under the name is replaced). */
  createDatabase(name: string): Promise<void>;
  dropDatabase(name: string): Promise<void>;
  openSession(): Promise<StorageSession>;
  close(): Promise<void>;
}

/** The worker a loopback connection presents (ARCHITECTURE 3.7): its name and its OS group. */
export interface LoopbackWorker {
  name: string;
  group: string;
}

export interface LoopbackError {
  number: number;
  severity: number;
  state: number;
  text: string;
}

export type LoopbackAnswer = { columns: { name: string; type: string }[]; rows: SqlValue[][] } | { error: LoopbackError };

/**
 * Built by the executor for one sp_execute_external_script call, bound to the caller's security
 * context at the call: a query a script sends back runs as that caller, once the worker's
 * implied authentication is accepted.
 */
export interface Loopback {
  query(sql: string, worker: LoopbackWorker): Promise<LoopbackAnswer>;
  /**
   * A trusted connection the script opens through its session's TDS relay: the session it acts in
   * (the caller's context, the caller's database), or the login failure. The caller closes it.
   */
  connect(worker: LoopbackWorker): Promise<{ ok: true; session: ExecutorSession } | { ok: false; error: LoopbackError }>;
}

/** The part of AbortSignal the executor uses (the core has no DOM or Node types). */
export interface CancelSignal {
  readonly aborted: boolean;
  addEventListener(type: 'abort', listener: () => void): void;
  removeEventListener(type: 'abort', listener: () => void): void;
}

export interface ScriptRunOptions {
  signal: CancelSignal;
  onMessage(message: LauncherMessage): void;
  loopback: Loopback;
  /** The launcher's session id once the script starts (sys.dm_exec_requests.external_script_request_id). */
  onStarted?(scriptSessionId: string): void;
}

/** An external resource pool as it is in effect now (sys.dm_resource_governor_external_resource_pools). */
export interface ExternalPoolState {
  name: string;
  maxCpuPercent: number;
  maxMemoryPercent: number;
  maxProcesses: number;
  /** External processes running in the pool now. */
  activeProcesses: number;
  /** What the pool's processes have used, and since when (epoch ms); null before the launcher runs. */
  usage: PoolUsage | null;
  statisticsSince: number | null;
}

export type ApplyPoolsResult = { ok: true } | { ok: false; message: string };

export interface ExternalScripts {
  run(request: LaunchRequest, options: ScriptRunOptions): Promise<LaunchOutcome>;
  /** ALTER RESOURCE GOVERNOR RECONFIGURE: put the pools' definitions into effect. */
  applyPools(pools: readonly ResourcePoolDefinition[]): Promise<ApplyPoolsResult>;
  /** Running and recent sessions (sys.dm_external_script_requests shows the running ones). */
  sessions(): SessionRecord[];
  pools(): ExternalPoolState[];
  /** The OS groups of the worker accounts (SQLRUserGroup): CREATE LOGIN [group] FROM OS knows them. */
  workerGroups(): string[];
  /** How scripts are isolated, for the instance's status ('accounts', 'namespaces', 'none (unisolated)'). */
  isolation(): string;
}

/** The instance's catalog (logins, users, permissions, configuration, pools, procedures) on disk. */
export interface CatalogStore {
  /** The stored document, or null for a new instance. */
  load(): Promise<InstanceDocument | null>;
  /** Resolves once the document is durable: a statement reports success only after that. */
  save(document: InstanceDocument): Promise<void>;
}

export interface Clock {
  /** Milliseconds since 1970 (UTC). */
  now(): number;
  /** WAITFOR DELAY: resolves after `ms`, or early when the signal aborts. */
  sleep(ms: number, signal: CancelSignal): Promise<void>;
}

/** SQL logins' passwords: salted, slow hashes, computed outside the core. */
export interface PasswordHasher {
  hash(password: string): Promise<string>;
  /** Whether `password` is the one `hash` was made from (ALTER LOGIN ... OLD_PASSWORD). */
  verify(password: string, hash: string): Promise<boolean>;
}

/** What CREATE LOGIN ... FROM OS and OS authentication need to know about OS accounts. */
export interface OsAccounts {
  kind(name: string): 'user' | 'group' | null;
}
