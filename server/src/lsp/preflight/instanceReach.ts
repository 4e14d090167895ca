// The pre-flight's one connection to the instance: opened on first need (starting the instance only
// in a trusted workspace), shared by every document, one question at a time, and what happens when
// it cannot be had — the password is asked for once, an unreachable instance is said once and not
// tried again for a while, a dropped connection is re-opened once.
import { type Connection } from 'vscode-languageserver';
import type { TsqlRunner } from '../../core/preflight';
import { CredentialsNeededNotification } from '../../protocol';
import { targetKey, type EditorTarget } from '../editorLogin';
import { untrustedRefusal } from '../workspaceTrust';
import { describeTarget, type OpenConnection, type PreflightConnection } from './instanceTarget';

export interface InstanceReachOptions {
  /** The instance and login to connect as; `needsPassword` names a SQL login whose password is missing. */
  target(): EditorTarget;
  /** Whether the workspace is trusted: only then may connecting start the instance. */
  trusted(): boolean;
  open: OpenConnection;
  /** After a failed connection, how long before it is tried again (saves and commands try at once). */
  retryAfterMs: number;
  /** Says something to the user (a warning, once per cause). */
  tell(message: string): void;
  /** A statement changed the instance's catalog (configuration, security). */
  catalogChanged(): void;
}

/** What asking the instance came to. */
export type Asked<T> = { ok: true; value: T } | { ok: false; refused: string } | { ok: false; unreachable: true };

class NeedsCredentials extends Error {}

export class InstanceReach {
  private current: { key: string; connection: PreflightConnection } | null = null;
  private connecting: { key: string; promise: Promise<PreflightConnection> } | null = null;
  private unreachable: { key: string; at: number } | null = null;
  /** The attempt whose failure the user has been told about (once, until the instance answers). */
  private toldUnreachable: string | null = null;
  private readonly askedForPassword = new Set<string>();
  /**
   * Questions go to the instance one run at a time: the connection is one session, and two runs at
   * once on it (several documents re-checked after a catalog change) mixed up their EXECUTE AS
   * contexts and answers, as SQL Server allows one active request per connection.
   */
  private asking: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly connection: Connection,
    private readonly options: InstanceReachOptions,
  ) {}

  /** The worker groups of the instance connected to, if one is. */
  get workerGroups(): string[] | undefined {
    return this.current?.connection.workerGroups;
  }

  /** Whether the last attempt to reach the instance failed. */
  get failed(): boolean {
    return this.unreachable !== null;
  }

  /** Whether asking now may reach the instance (not within the pause after a failure to reach it). */
  canAsk(): boolean {
    const u = this.unreachable;
    return !(u && u.key === this.attemptKey() && Date.now() - u.at < this.options.retryAfterMs);
  }

  /** A save or a command: try at once, whatever failed a moment ago. */
  retryNow(): void {
    this.unreachable = null;
  }

  /** New credentials: a new connection, a new chance to be told what fails. */
  credentialsChanged(): void {
    this.askedForPassword.clear();
    this.drop();
    this.unreachable = null;
    this.toldUnreachable = null;
  }

  /** A failure the caller reports itself (the set-credentials answer): noted, not told again. */
  failedQuietly(): void {
    this.unreachable = { key: this.attemptKey(), at: Date.now() };
    this.toldUnreachable = this.unreachable.key;
  }

  /** Runs `question` on the connection, re-opening it once if it dropped (an idle instance stops). */
  async ask<T>(question: (runner: TsqlRunner) => Promise<T>): Promise<Asked<T>> {
    const mayStart = this.options.trusted();
    for (let attempt = 0; ; attempt++) {
      let conn: PreflightConnection;
      try {
        conn = await this.connect();
      } catch (err) {
        this.failedToReach(err, mayStart);
        return { ok: false, unreachable: true };
      }
      try {
        const value = await this.serially(() => question(conn.runner));
        this.unreachable = null;
        this.toldUnreachable = null;
        return { ok: true, value };
      } catch (err) {
        if (isRefusal(err)) return { ok: false, refused: (err as Error).message };
        this.drop();
        if (attempt > 0) {
          this.failedToReach(err, mayStart);
          return { ok: false, unreachable: true };
        }
      }
    }
  }

  async connect(): Promise<PreflightConnection> {
    const t = this.options.target();
    const key = targetKey(t);
    if (t.needsPassword !== undefined) {
      const login = t.needsPassword;
      if (!this.askedForPassword.has(login.toLowerCase())) {
        this.askedForPassword.add(login.toLowerCase());
        void this.connection.sendNotification(CredentialsNeededNotification, { login, instance: describeTarget(t) });
      }
      throw new NeedsCredentials(`sqlml.instance.login is '${login}', but the editor has not given its password (sqlml/setCredentials)`);
    }
    const { needsPassword: _, ...plain } = t;
    if (this.current && this.current.key === key) return this.current.connection;
    this.drop();
    const autoStart = this.options.trusted();
    const attempt = this.attemptKey(autoStart);
    if (this.connecting && this.connecting.key === attempt) return this.connecting.promise;
    const promise = this.options.open(plain, { autoStart, catalogChanged: () => this.options.catalogChanged() }).then(
      (c) => {
        if (this.connecting?.promise === promise) this.connecting = null;
        if (targetKey(this.options.target()) !== key) {
          c.close(); // the settings changed while connecting
          throw new Error('the instance settings changed');
        }
        this.current = { key, connection: c };
        return c;
      },
      (err: unknown) => {
        if (this.connecting?.promise === promise) this.connecting = null;
        throw err;
      },
    );
    this.connecting = { key: attempt, promise };
    return promise;
  }

  drop(): void {
    this.current?.connection.close();
    this.current = null;
  }

  private serially<T>(question: () => Promise<T>): Promise<T> {
    const answer = this.asking.then(question, question);
    this.asking = answer.catch(() => undefined);
    return answer;
  }

  /**
   * What an attempt to reach the instance is known by: the target, and whether it may start the instance (only
   * in a trusted workspace). A failure while untrusted then never holds back the first try once trust is granted.
   */
  private attemptKey(mayStart = this.options.trusted()): string {
    return `${targetKey(this.options.target())}\u0000${mayStart ? 'may start' : 'running only'}`;
  }

  private failedToReach(err: unknown, mayStart: boolean): void {
    const key = this.attemptKey(mayStart);
    this.unreachable = { key, at: Date.now() };
    if (this.toldUnreachable === key) return;
    this.toldUnreachable = key;
    let reason = err instanceof Error ? err.message : String(err);
    if (!mayStart) reason += `; ${untrustedRefusal('the pre-flight does not start instances')}`;
    this.options.tell(`sqlml: cannot reach the instance (${describeTarget(this.options.target())}): ${reason}. The permission and loopback checks are off until it answers; the other checks go on.`);
  }
}

/** A failure of the instance itself (it answered with an error), not of reaching it. */
function isRefusal(err: unknown): boolean {
  return !!err && typeof err === 'object' && (err as { constructor?: { name?: string } }).constructor?.name === 'ResponseError';
}
