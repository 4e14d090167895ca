// What the daemon serves: an engine that authenticates logins and runs T-SQL for sessions. The
// daemon knows sockets and lifetimes; the engine knows SQL Server's semantics.
import type { InstanceStatus, RunOutcome, WireMessage } from './protocol';

/** Who is on the other end of a connection, as the socket vouched for or a password claims. */
export type ConnectionIdentity = { kind: 'os'; osUser: string } | { kind: 'sql'; login: string; password: string };

export type LoginOutcome = { ok: true; login: string } | { ok: false; message: WireMessage };

export interface RunOptions {
  text: string;
  database?: string;
  asLogin?: string;
  signal: AbortSignal;
  onMessage(message: WireMessage): void;
}

export interface EngineSession {
  run(options: RunOptions): Promise<RunOutcome>;
  /** The login has VIEW SERVER STATE: it sees every login's script sessions, not only its own. */
  viewsServerState(): boolean;
  close(): Promise<void>;
}

export interface InstanceEngine {
  login(identity: ConnectionIdentity): Promise<LoginOutcome>;
  openSession(login: string): Promise<EngineSession>;
  /** OS logins other than the owner, whose sockets the daemon must offer (root daemons only). */
  osLogins(): string[];
  describe(): Pick<InstanceStatus, 'databases' | 'isolation'>;
  close(): Promise<void>;
}
