// The instance's external scripts: the launcher behind the executor's ExternalScripts port. Each
// call's session gets its own loopback channel (a descriptor only its satellite holds), answered
// by the executor as the caller; the worker that presents itself on the channel is the one
// identity mapping gave the session.
import { join } from 'node:path';
import type { ApplyPoolsResult, ExternalPoolState, ExternalScripts, ScriptRunOptions } from '../../core/engine/executor/ports';
import type { ResourcePoolDefinition } from '../../core/engine/executor/document';
import { launcherError } from '../../core/launcher/errors';
import { poolGroupName, type PoolSettings } from '../../core/launcher/pools';
import type { LaunchRequest } from '../../core/launcher/request';
import type { LaunchOutcome } from '../../core/launcher/result';
import type { SessionListener, SessionRecord } from '../../core/launcher/sessions';
import { Launcher } from '../launcher/launcher';
import type { LauncherSettings } from '../launcher/settings';
import type { InstanceConfig } from './instanceConfig';
import { serveLoopback } from './loopbackServer';
import type { LauncherView } from './protocol';

export interface ScriptHostOptions {
  config: InstanceConfig['launcher'];
  /** The instance folder: sessions/ goes under it. */
  root: string;
  log(line: string): void;
  /** Extra launcher settings (tests: their own cgroup folder). */
  overrides?: Partial<LauncherSettings>;
}

type LauncherState = { ok: true; launcher: Launcher } | { ok: false; problems: string[] };

export class ScriptHost implements ExternalScripts {
  private state: Promise<LauncherState> | undefined;
  private defaultLimits: ResourcePoolDefinition | undefined;
  private definitions: readonly ResourcePoolDefinition[] = [];
  private readonly listeners = new Set<SessionListener>();
  private unsubscribe: (() => void) | undefined;
  private running: Launcher | undefined;
  private lastProblem: string | null = null;

  constructor(private readonly options: ScriptHostOptions) {}

  /** The worker pool of the default external pool; every request runs there (no classifier). */
  private poolSettings(): PoolSettings {
    const limits = this.defaultLimits;
    return {
      name: 'default',
      prefix: this.options.config.prefix,
      size: this.options.config.workers,
      limits: {
        maxCpuPercent: limits?.maxCpuPercent ?? 100,
        maxMemoryPercent: limits?.maxMemoryPercent ?? 20,
        maxProcesses: limits?.maxProcesses ?? 0,
      },
      allowNetwork: false,
    };
  }

  /** Started on first use, so an instance whose launcher can't start still serves T-SQL. */
  private launcher(): Promise<LauncherState> {
    this.state ??= (async () => {
      const { config, root } = this.options;
      const started = await Launcher.start({
        mode: config.mode,
        sessionsRoot: join(root, 'sessions'),
        pools: [this.poolSettings()],
        pythonPath: config.pythonPath,
        rscriptPath: config.rscriptPath,
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
      this.lastProblem = null;
      return started;
    })();
    return this.state;
  }

  async run(request: LaunchRequest, options: ScriptRunOptions): Promise<LaunchOutcome> {
    const state = await this.launcher();
    if (!state.ok) return { ok: false, error: launcherError('not-serving', `The launcher cannot run scripts: ${state.problems.join(' ')}`) };
    const group = poolGroupName(this.options.config.prefix);
    return state.launcher.launch(
      { ...request, pool: 'default' },
      {
        signal: options.signal as AbortSignal,
        onMessage: options.onMessage,
        loopback: (channel, session) => serveLoopback(channel, (query) => options.loopback.query(query, { name: session.worker, group })),
      },
    );
  }

  async applyPools(pools: readonly ResourcePoolDefinition[]): Promise<ApplyPoolsResult> {
    this.definitions = pools;
    const next = pools.find((p) => p.name.toLowerCase() === 'default');
    const changed = JSON.stringify(next) !== JSON.stringify(this.defaultLimits);
    this.defaultLimits = next;
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
    const launcher = this.current();
    const running = (launcher?.sessions() ?? []).filter((s) => s.state === 'running' || s.state === 'starting').length;
    const defined = this.definitions.length > 0 ? this.definitions : [{ name: 'default', ...this.poolSettings().limits }];
    return defined.map((p) => ({
      name: p.name,
      maxCpuPercent: p.maxCpuPercent,
      maxMemoryPercent: p.maxMemoryPercent,
      maxProcesses: p.maxProcesses,
      activeProcesses: p.name.toLowerCase() === 'default' ? running : 0,
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

  /** The launcher as the Pools view shows it; before the first script, the configured pool. */
  view(): LauncherView {
    const launcher = this.current();
    const mode = this.options.config.mode;
    if (!launcher) {
      const settings = this.poolSettings();
      return {
        mode: null,
        unisolated: mode === 'none',
        problem: this.lastProblem,
        pools: [{ name: settings.name, size: settings.size, allowNetwork: settings.allowNetwork, limits: settings.limits, enforcement: [], workers: [], waiting: 0 }],
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
