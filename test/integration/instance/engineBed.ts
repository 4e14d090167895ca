// A real engine for the engine-*.test.ts suites: DuckDB files in an instance folder, the catalog on
// disk, and the real launcher (mode none: plain processes, Debian's python3 and Rscript) behind the
// external scripts port. Folders live under /var/lib, as the launcher refuses a sessions root
// below a world-writable folder such as /tmp.
import { mkdirSync, rmSync } from 'node:fs';
import { userInfo } from 'node:os';
import type { RunOutcome, WireMessage, WireResultSet } from '../../../server/src/node/instance/protocol';
import type { EngineSession } from '../../../server/src/node/instance/engine';
import { ScriptHost } from '../../../server/src/node/instance/scriptHost';
import { decodeRunOutcome } from '../../../server/src/node/instance/wireResultSets';
import { createSqlEngine, type SqlEngine, type SqlEngineOptions } from '../../../server/src/node/instance/sqlEngine';
import type { ClientInfo } from '../../../server/src/core/engine/executor';

export const OWNER = userInfo().username;

export interface Ran {
  outcome: RunOutcome;
  messages: WireMessage[];
  errors: WireMessage[];
  resultSets: WireResultSet[];
  /** The first column of every row of the last result set. */
  column(): unknown[];
}

export class EngineBed {
  readonly folder: string;
  engine!: SqlEngine;
  private scripts!: ScriptHost;
  private readonly sessions: EngineSession[] = [];

  /** `folder`: an existing instance folder to open again (another process's, after a crash). */
  constructor(tag: string, folder?: string) {
    this.folder = folder ?? `/var/lib/sqlml-test-engine-${tag}-${process.pid}`;
  }

  /** `engine`: options of the engine beyond the bed's own (a lockout policy, a password verifier to watch). */
  async open(options: { fresh?: boolean; maxRows?: number; engine?: Partial<SqlEngineOptions> } = {}): Promise<void> {
    if (options.fresh !== false) rmSync(this.folder, { recursive: true, force: true });
    mkdirSync(this.folder, { recursive: true, mode: 0o711 });
    this.scripts = new ScriptHost({
      config: { mode: 'none', prefix: 'sqlml', workers: 4, pythonPath: '/usr/bin/python3', rscriptPath: '/usr/bin/Rscript' },
      root: this.folder,
      log: () => undefined,
      overrides: { cgroupName: `sqlml-test-engine-${process.pid}`, workerWaitMs: 60_000 },
    });
    this.engine = await createSqlEngine({
      folder: this.folder,
      owner: OWNER,
      scripts: this.scripts,
      ...(options.maxRows ? { maxRows: options.maxRows } : {}),
      ...options.engine,
    });
  }

  /** A session for the OS owner (sysadmin) or a SQL login with its password; `client` is what the client says of itself at login. */
  async connect(login?: { name: string; password: string }, client?: ClientInfo): Promise<Session> {
    const identity = login ? { kind: 'sql' as const, login: login.name, password: login.password } : { kind: 'os' as const, osUser: OWNER };
    const outcome = await this.engine.login(identity);
    if (!outcome.ok) throw new Error(`login failed: ${outcome.message.text}`);
    const session = await this.engine.openSession(outcome.login, client);
    this.sessions.push(session);
    return new Session(session);
  }

  async close(): Promise<void> {
    for (const s of this.sessions.splice(0)) await s.close();
    await this.engine.close();
    await this.scripts.close();
  }

  async remove(): Promise<void> {
    await this.close().catch(() => undefined);
    rmSync(this.folder, { recursive: true, force: true });
  }
}

export class Session {
  constructor(readonly inner: EngineSession) {}

  async run(text: string, options: { database?: string; asLogin?: string } = {}): Promise<Ran> {
    // Through JSON and the client's decoder, as the socket carries a run's outcome.
    const encoded = await this.inner.run({ text, signal: new AbortController().signal, onMessage: () => undefined, ...options });
    const outcome = decodeRunOutcome(JSON.parse(JSON.stringify(encoded)));
    const messages = outcome.batches.flatMap((b) => b.messages);
    const resultSets = outcome.batches.flatMap((b) => b.resultSets);
    return {
      outcome,
      messages,
      errors: messages.filter((m) => m.kind === 'error'),
      resultSets,
      column: () => resultSets[resultSets.length - 1]?.rows.map((r) => r[0]) ?? [],
    };
  }

  /** Runs and fails the test on any error. */
  async ok(text: string): Promise<Ran> {
    const ran = await this.run(text);
    if (ran.errors.length > 0) throw new Error(`unexpected errors:\n${ran.errors.map((e) => `Msg ${e.number} (line ${e.line}): ${e.text}`).join('\n')}`);
    return ran;
  }

  /** The error numbers a run reported, in order. */
  async errorNumbers(text: string): Promise<(number | null)[]> {
    return (await this.run(text)).errors.map((e) => e.number);
  }
}

/** sysadmin's set-up of a database with external scripts enabled. */
export const ENABLE_SCRIPTS = `EXEC sp_configure 'external scripts enabled', 1;
RECONFIGURE;`;
