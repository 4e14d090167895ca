// The instance's external scripts: the launcher behind the executor's ExternalScripts port. Each
// call's session gets its own loopback channel (a descriptor only its satellite holds), answered
// by the executor as the caller; the worker that presents itself on the channel is the one
// identity mapping gave the session.
import { basename, join } from 'node:path';
import type { ApplyPoolsResult, ExternalPoolState, ExternalScripts, ScriptRunOptions } from '../../core/engine/executor/ports';
import { defaultPoolDefinition, type ResourcePoolDefinition } from '../../core/engine/executor/document';
import { launcherError } from '../../core/launcher/errors';
import { poolGroupName, type PoolSettings } from '../../core/launcher/pools';
import type { LaunchRequest } from '../../core/launcher/request';
import type { LaunchOutcome } from '../../core/launcher/result';
import type { SessionListener, SessionRecord } from '../../core/launcher/sessions';
import { Launcher } from '../launcher/launcher';
import type { LauncherSettings } from '../launcher/settings';
import type { InstanceConfig } from './instanceConfig';
import { instanceFolderProblems } from './instanceFolderPosture';
import { serveLoopback } from './loopbackServer';
import { TdsRelay } from './loopbackTds';
import type { LauncherView } from './protocol';

export interface ScriptHostOptions {
  config: InstanceConfig['launcher'];
  /** The instance folder: sessions/ goes under it. */
  root: string;
  log(line: string): void;
  /** @@SERVERNAME, as the session's TDS relay names the server in its messages (default: the folder's name). */
  serverName?: string;
  /** Extra launcher settings (tests: their own cgroup folder). */
  overrides?: Partial<LauncherSettings>;
}

type LauncherState = { ok: true; launcher: Launcher } | { ok: false; problems: string[] };

export class ScriptHost implements ExternalScripts {
  private state: Promise<LauncherState> | undefined;
  /** The external pools as the last RECONFIGURE put them into effect; before it, the default pool alone. */
  private definitions: readonly ResourcePoolDefinition[] = [];
  private readonly listeners = new Set<SessionListener>();
  private unsubscribe: (() => void) | undefined;
  private running: Launcher | undefined;
  /** When the running launcher made its pools: their statistics count from then. */
  private startedAt = 0;
  private lastProblem: string | null = null;

  constructor(private readonly options: ScriptHostOptions) {}

  /**
   * One launcher pool per external resource pool, each with its limits. They share one set of
   * workers (the same prefix), as SQL Server's pools share SQLRUserGroup's accounts: a pool
   * governs resources, the worker is identity.
   */
  private poolSettings(): PoolSettings[] {
    const defined = this.definitions.length > 0 ? this.definitions : [defaultPoolDefinition()];
    return defined.map((p) => ({
      name: p.name,
      prefix: this.options.config.prefix,
      size: this.options.config.workers,
      limits: { maxCpuPercent: p.maxCpuPercent, maxMemoryPercent: p.maxMemoryPercent, maxProcesses: p.maxProcesses },
      allowNetwork: false,
      ...(this.options.config.warm ? { warm: this.options.config.warm } : {}),
    }));
  }

  /** @@SERVERNAME: the instance's name (by default its folder's). */
  private serverName(): string {
    return this.options.serverName ?? basename(this.options.root);
  }

  /** Started on first use, so an instance whose launcher can't start still serves T-SQL. */
  private launcher(): Promise<LauncherState> {
    this.state ??= (async () => {
      const { config, root } = this.options;
      const started = await Launcher.start({
        mode: config.mode,
        sessionsRoot: join(root, 'sessions'),
        pools: this.poolSettings(),
        pythonPath: config.pythonPath,
        rscriptPath: config.rscriptPath,
        serverName: this.serverName(),
        ...this.options.overrides,
      });
      if (!started.ok) {
        this.lastProblem = started.problems.join(' ');
        this.options.log(`the launcher cannot start: ${started.problems.join(' ')}`);
        // Try again at the next call: the cause (accounts, a runtime) may be fixed meanwhile.
        this.state = undefined;
        return started;
      }
      this.unsubscribe = started.launcher.subscribe((event) => this.listeners.forEach((l) => l(event)));
      this.running = started.launcher;
      this.startedAt = Date.now();
      this.lastProblem = null;
      return started;
    })();
    return this.state;
  }

  async run(request: LaunchRequest, options: ScriptRunOptions): Promise<LaunchOutcome> {
    const state = await this.launcher();
    if (!state.ok) return { ok: false, error: launcherError('not-serving', `The launcher cannot run scripts: ${state.problems.join(' ')}`) };
    const group = poolGroupName(this.options.config.prefix);
    // The pool's name as the launcher knows it (the definition's spelling); 'default' when unnamed.
    const pool = this.poolSettings().find((p) => p.name.toLowerCase() === (request.pool ?? 'default').toLowerCase())?.name ?? request.pool ?? 'default';
    return state.launcher.launch(
      { ...request, pool },
      {
        signal: options.signal as AbortSignal,
        onMessage: options.onMessage,
        loopback: (channel, session) => {
          options.onStarted?.(session.id);
          const worker = { name: session.worker, group };
          const relay = new TdsRelay({ channel, worker, loopback: options.loopback, serverName: this.serverName(), log: this.options.log });
          serveLoopback(channel, (query) => options.loopback.query(query, worker), relay);
        },
      },
    );
  }

  async applyPools(pools: readonly ResourcePoolDefinition[]): Promise<ApplyPoolsResult> {
    const limits = (list: readonly ResourcePoolDefinition[]) => JSON.stringify(list.map((p) => [p.name, p.maxCpuPercent, p.maxMemoryPercent, p.maxProcesses]));
    const changed = limits(pools) !== limits(this.definitions.length > 0 ? this.definitions : [defaultPoolDefinition()]);
    this.definitions = pools;
    if (!changed || !this.state) return { ok: true };
    // The launcher's limits are fixed when it starts: restart it once its sessions have ended.
    const current = await this.state;
    if (current.ok) {
      if (current.launcher.sessions().some((s) => s.state === 'running' || s.state === 'starting' || s.state === 'queued')) {
        return { ok: false, message: 'External scripts are running; run ALTER RESOURCE GOVERNOR RECONFIGURE again when they have finished.' };
      }
      this.unsubscribe?.();
      this.running = undefined;
      await current.launcher.close();
    }
    this.state = undefined;
    const restarted = await this.launcher();
    return restarted.ok ? { ok: true } : { ok: false, message: restarted.problems.join(' ') };
  }

  sessions(): SessionRecord[] {
    return this.current()?.sessions() ?? [];
  }

  pools(): ExternalPoolState[] {
    const active = (this.current()?.sessions() ?? []).filter((s) => s.state === 'running' || s.state === 'starting');
    return this.poolSettings().map((p) => ({
      name: p.name,
      maxCpuPercent: p.limits.maxCpuPercent,
      maxMemoryPercent: p.limits.maxMemoryPercent,
      maxProcesses: p.limits.maxProcesses,
      activeProcesses: active.filter((s) => s.pool.toLowerCase() === p.name.toLowerCase()).length,
      usage: this.running?.poolUsage(p.name) ?? null,
      statisticsSince: this.running ? this.startedAt : null,
    }));
  }

  workerGroups(): string[] {
    return [poolGroupName(this.options.config.prefix)];
  }

  isolation(): string {
    const mode = this.options.config.mode;
    return mode === 'none' ? 'none (unisolated)' : mode;
  }

  /** Session changes, for the daemon's live views. */
  subscribe(listener: SessionListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private folderProblem(): string | null {
    const problems = instanceFolderProblems(this.options.root, this.options.config.mode, process.getuid?.() ?? -1);
    return problems.length > 0 ? `The launcher cannot run scripts: ${problems.join(' ')}` : null;
  }

  /** The launcher as the Pools view shows it; before the first script, the configured pool. */
  view(): LauncherView {
    const launcher = this.current();
    const mode = this.options.config.mode;
    if (!launcher) {
      return {
        mode: null,
        unisolated: mode === 'none',
        // Before any script: what the folders tell already (a few lstat calls), so that the views
        // say at once that scripts can't run here, not only after one failed.
        problem: this.lastProblem ?? this.folderProblem(),
        pools: this.poolSettings().map((p) => ({ name: p.name, size: p.size, allowNetwork: p.allowNetwork, limits: p.limits, enforcement: [], workers: [], waiting: 0 })),
      };
    }
    const status = launcher.status();
    return {
      mode: status.mode,
      unisolated: status.unisolated,
      problem: null,
      pools: status.pools.map((p) => ({
        name: p.name,
        size: p.size,
        allowNetwork: p.allowNetwork,
        limits: p.limits,
        enforcement: p.enforcement,
        workers: p.workers.map((w) => ({ worker: w.worker, caller: w.caller ?? null, statements: w.statements })),
        waiting: p.waiting,
        warm: p.warm,
      })),
    };
  }

  cancel(sessionId: string): boolean {
    return this.current()?.cancel(sessionId) ?? false;
  }

  async close(): Promise<void> {
    const state = this.state && (await this.state);
    this.unsubscribe?.();
    this.running = undefined;
    if (state?.ok) await state.launcher.close();
  }

  /** The running launcher, for the synchronous views (DMVs); undefined before the first script. */
  private current(): Launcher | undefined {
    return this.running;
  }
}
