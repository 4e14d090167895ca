// The instance's wire protocol: JSON-RPC 2.0 (vscode-jsonrpc framing, Content-Length headers)
// over a Unix socket. Every request and notification is defined here, once, for the daemon and
// for its clients (the CLI, the language server, tests).
import { NotificationType, RequestType, RequestType0 } from 'vscode-jsonrpc/node';
import type { ExecMessage } from '../../core/engine/executor/results';
import type { LimitEnforcement } from '../../core/launcher/limits';
import type { PoolLimits } from '../../core/launcher/pools';
import type { SessionRecord } from '../../core/launcher/sessions';
import type { TdsStatus } from '../tds/tdsEndpoint';
import type { DecodedResultSet, EncodedResultSet } from '../../core/results/encodedResultSets';

/**
 * A message as SQL Server sends it (informational: PRINT, a script's output; or an error), with the
 * executor's routing fields (procedure, script line, order among result sets): one shape from the
 * executor to every client.
 */
export type WireMessage = ExecMessage;

export type { EncodedColumn, EncodedResultSet, WireColumn, WireColumnar } from '../../core/results/encodedResultSets';

/** A result set as clients read it: its rows, and its columns when it came as columns (encodedResultSets.ts). */
export type WireResultSet = DecodedResultSet;

export interface WireBatch {
  /** 0-based line where the batch starts in the submitted text. */
  line: number;
  resultSets: WireResultSet[];
  messages: WireMessage[];
}

export interface WireSession {
  id: string;
  caller: string;
  worker: string | null;
  language: string;
  state: string;
  durationMs: number | null;
}

export interface RunParams {
  /** Identifies the run for cancellation and streamed notifications. */
  runId: string;
  text: string;
  database?: string;
  /** Run as this login (as EXECUTE AS LOGIN): only for logins the caller may impersonate. */
  asLogin?: string;
}

export interface RunOutcome {
  batches: WireBatch[];
  sessions: WireSession[];
}

/** A RunOutcome as the socket carries it: result sets encoded (decodeRunOutcome makes the RunOutcome). */
export interface EncodedRunOutcome {
  batches: (Omit<WireBatch, 'resultSets'> & { resultSets: EncodedResultSet[] })[];
  sessions: WireSession[];
}

export interface HelloParams {
  client: string;
  /** SQL authentication; without it the connection is the OS login the socket vouches for. */
  sqlLogin?: { name: string; password: string };
  /** The client reads a response's binary section (binarySection.ts): typed columns then travel as bytes, not base64. */
  binaryColumns?: boolean;
}

export interface HelloResult {
  instance: string;
  version: string;
  login: string;
  /** 'os' when the kernel vouched for the caller (socket permissions), 'sql' for a password. */
  authentication: 'os' | 'sql';
}

export interface InstanceStatus {
  name: string;
  path: string;
  pid: number;
  startedAt: string;
  owner: string;
  databases: string[];
  connections: number;
  isolation: string;
  /** The TDS endpoint, when the instance has one. */
  tds?: TdsStatus | null;
}

export const Hello = new RequestType<HelloParams, HelloResult, unknown>('sqlml/hello');
export const Run = new RequestType<RunParams, EncodedRunOutcome, unknown>('sqlml/run');
export const Cancel = new RequestType<{ runId: string }, { cancelled: boolean }, unknown>('sqlml/cancel');
export const Status = new RequestType0<InstanceStatus, unknown>('sqlml/status');
export const Shutdown = new RequestType0<void, unknown>('sqlml/shutdown');

/** Streamed while a run is in progress, so PRINT and script output appear as they happen. */
export const RunMessageNotification = new NotificationType<{ runId: string; message: WireMessage }>('sqlml/runMessage');

export const PROTOCOL_VERSION = '2';

/** A worker pool as the Pools view shows it: limits with how each is enforced, and each worker's caller. */
export interface WirePool {
  name: string;
  size: number;
  allowNetwork: boolean;
  limits: PoolLimits;
  enforcement: LimitEnforcement[];
  workers: { worker: string; caller: string | null; statements: number }[];
  waiting: number;
  /** The satellites started ahead of time (absent before the launcher started). */
  warm?: WireWarm;
}

/** A pool's warm satellites: per language the setting and how many are ready or starting. */
export interface WireWarm {
  python: { target: number; ready: number; starting: number };
  r: { target: number; ready: number; starting: number };
  /** What the ready ones hold while they wait, and the pool's budget for them. */
  memoryBytes: number;
  budgetBytes: number;
  problems: string[];
  /** Why fewer than the setting are kept just now (the budget, or the pool's memory its sessions need). */
  heldBack?: string;
}

export interface LauncherView {
  /** accounts, namespaces or none; null until the first script started the launcher. */
  mode: string | null;
  unisolated: boolean;
  /** Why the launcher cannot run scripts, when it cannot. */
  problem: string | null;
  pools: WirePool[];
}

/** A launcher session, as the Sessions view shows it (only the caller's own unless the owner asks). */
export type WireSessionRecord = SessionRecord;

export const Pools = new RequestType0<LauncherView, unknown>('sqlml/pools');
export const Sessions = new RequestType0<WireSessionRecord[], unknown>('sqlml/sessions');
export const CancelSession = new RequestType<{ id: string }, { cancelled: boolean }, unknown>('sqlml/cancelSession');
/** Sent to every connection that called WatchSessions, as sessions start, change and end. */
export const WatchSessions = new RequestType0<void, unknown>('sqlml/watchSessions');
export const SessionChangedNotification = new NotificationType<{ session: WireSessionRecord } | { evicted: string }>('sqlml/sessionChanged');

/**
 * Sent to every connection that called WatchCatalog once a statement's change to the catalog
 * (sp_configure + RECONFIGURE, logins, users, permissions, objects) is durable: what a client
 * learnt from the catalog (the editor's pre-flight) may be stale. commitId orders the changes.
 */
export const WatchCatalog = new RequestType0<void, unknown>('sqlml/watchCatalog');
export const CatalogChangedNotification = new NotificationType<{ commitId: number }>('sqlml/catalogChanged');
