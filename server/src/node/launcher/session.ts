// One statement's session, from the request to the result: wait for a worker (bounded), make
// the session folder and cgroup, run the satellite, stream what it prints, stop it on
// cancellation or timeout, read its result safely, clean up, give the worker back.
import { formatDuration } from '../../core/launcher/errors';
import { describeSetting, describeValue } from '../../core/launcher/limits';
import type { WorkerMapper } from '../../core/launcher/mapping';
import {
  cancelledMessage,
  launcherMessage,
  runtimeLaunchMessages,
  runtimeLostMessages,
  scriptErrorMessages,
  timeoutMessage,
  type LauncherMessage,
} from '../../core/launcher/messages';
import type { NormalizedRequest } from '../../core/launcher/request';
import type { LaunchResult, ResultSet } from '../../core/launcher/result';
import { planRuns } from '../../core/launcher/runs';
import type { SessionState, SessionTable } from '../../core/launcher/sessions';
import type { LauncherContext } from './context';
import type { ServeLoopback } from './loopbackDescriptor';
import { PrintedStream } from './printed';
import { runtimeFor, runtimeProblem, type Runtime } from './runtimes';
import { JOIN_FAILED_EXIT } from './sandbox';
import { STORAGE_FAILED_EXIT } from './storage';
import { interpretResult } from './satelliteResult';
import { openSandbox, type Opened } from './sandboxSession';
import { readResultFile, sessionFiles, writeSessionFiles } from './sessionFiles';
import type { WarmSatellite, WarmSatellites } from './warmSatellites';
import type { Exit } from './satellite';

export interface LaunchOptions {
  /** Aborting cancels the statement: a waiting request gives up, a running session is killed. */
  signal?: AbortSignal;
  /** Each message as it happens (printed output while the script runs, errors at the end). */
  onMessage?: (message: LauncherMessage) => void;
  /**
   * Gives the session a loopback channel to the caller (the instance): the satellite gets its end
   * as descriptor 3, and this serves the launcher's end while the session runs.
   */
  loopback?: ServeLoopback;
}

export interface SessionDeps {
  ctx: LauncherContext;
  table: SessionTable;
  mapper: WorkerMapper;
  /** Lets Launcher.cancel(id) reach this session while it lives. */
  onStop(id: string, stop: (() => void) | undefined): void;
  /** The pool's warm satellites (absent: every session starts cold). */
  warm?: WarmSatellites;
}

interface Ending {
  state: SessionState;
  detail: string;
  messages: LauncherMessage[];
  resultSets: ResultSet[];
  outputParams: LaunchResult['outputParams'];
}

const failed = (detail: string, messages: LauncherMessage[]): Ending => ({ state: 'failed', detail, messages, resultSets: [], outputParams: {} });

export async function runSession(deps: SessionDeps, request: NormalizedRequest, newId: string, options: LaunchOptions): Promise<LaunchResult> {
  const { ctx, table, mapper, warm } = deps;
  const started = Date.now();
  const messages: LauncherMessage[] = [];
  const say = (m: LauncherMessage) => {
    messages.push(m);
    try {
      options.onMessage?.(m);
    } catch {
      // A caller's broken callback must not break the session.
    }
  };
  // A free worker with a warm satellite of the language is taken first; a session given a worker
  // at once claims that worker's warm satellite and takes its GUID as the session's id (its folder
  // and cgroup are named by it). A session that had to queue starts cold: its id is already known.
  // A warm satellite was started before its libraries were known: a session with external
  // libraries (bound into its sandbox at start) starts cold.
  const warmFor = request.libraryPaths.length === 0 ? warm : undefined;
  const pending = mapper.acquire(request.caller, ctx.settings.workerWaitMs, warmFor && ((w) => warmFor.isReady(request.pool, request.language, w)));
  const claimed = pending.granted && warmFor?.take(request.pool, request.language, pending.granted.worker);
  const id = claimed ? claimed.id : newId;
  table.create({ id, caller: request.caller, database: request.database, language: request.language, pool: request.pool, mode: ctx.mode });

  let stopReason: 'cancelled' | 'timed out' | undefined;
  let stopRunning: (() => void) | undefined;
  const stop = (reason: 'cancelled' | 'timed out') => {
    if (stopReason) return;
    stopReason = reason;
    pending.cancel();
    stopRunning?.();
  };
  deps.onStop(id, () => stop('cancelled'));
  const timer = request.timeoutMs ? setTimeout(() => stop('timed out'), request.timeoutMs) : undefined;
  const onAbort = () => stop('cancelled');
  options.signal?.addEventListener('abort', onAbort);
  if (options.signal?.aborted) stop('cancelled');

  let worker: string | null = null;
  let exitCode: number | null = null;
  let ending: Ending;
  const acquired = await pending.result;
  if (!acquired.ok) {
    ending = stopReason ? stoppedEnding(stopReason, id, request.timeoutMs) : failed('no free worker', [launcherMessage(acquired.error.message)]);
  } else {
    worker = acquired.lease.worker;
    table.transition(id, 'starting', { worker });
    try {
      const outcome = await runOnWorker(ctx, request, id, worker, claimed || undefined, say, options.loopback, {
        stopped: () => stopReason,
        setStop: (fn) => (stopRunning = fn),
        folder: (folder) => table.update(id, { folder }),
        running: () => table.transition(id, 'running'),
      });
      exitCode = outcome.exitCode;
      ending = outcome.ending;
    } catch (e) {
      // A bug of ours: the statement gets a sentence and the worker goes back to the pool.
      ending = failed('launcher error', [launcherMessage(`The launcher failed while running session ${id}: ${(e as Error).message}`)]);
    } finally {
      acquired.lease.release();
    }
  }

  if (timer) clearTimeout(timer);
  // A cold start that worked is news for a language whose warm satellites kept dying (ranCold).
  if (!claimed && ending.state === 'succeeded') warm?.ranCold(request.pool, request.language);
  options.signal?.removeEventListener('abort', onAbort);
  deps.onStop(id, undefined);
  for (const m of ending.messages) say(m);
  table.transition(id, ending.state, { exitCode, detail: ending.detail, ...(ctx.settings.keepSessionFolders ? {} : { folder: undefined }) });
  return {
    session: { id, caller: request.caller, pool: request.pool, worker, mode: ctx.mode, state: ending.state, exitCode, durationMs: Date.now() - started },
    resultSets: ending.resultSets,
    outputParams: ending.outputParams,
    messages,
  };
}

function stoppedEnding(reason: 'cancelled' | 'timed out', id: string, timeoutMs: number | undefined): Ending {
  return reason === 'timed out'
    ? { ...failed(`statement timeout of ${formatDuration(timeoutMs ?? 0)}`, [timeoutMessage(id, timeoutMs ?? 0)]), state: 'timed out' }
    : { ...failed('cancelled', [cancelledMessage(id)]), state: 'cancelled' };
}

interface Hooks {
  stopped(): 'cancelled' | 'timed out' | undefined;
  setStop(fn: () => void): void;
  folder(path: string): void;
  running(): void;
}

async function runOnWorker(
  ctx: LauncherContext,
  request: NormalizedRequest,
  id: string,
  worker: string,
  warm: WarmSatellite | undefined,
  say: (m: LauncherMessage) => void,
  serveLoopback: ServeLoopback | undefined,
  hooks: Hooks,
): Promise<{ ending: Ending; exitCode: number | null }> {
  const runtime = runtimeFor(request.language, ctx.settings);
  const missing = runtimeProblem(runtime);
  if (missing) {
    await warm?.sandbox.close(false);
    return { ending: failed('runtime missing', runtimeLaunchMessages(request.language, missing)), exitCode: null };
  }
  const stopped = hooks.stopped();
  if (stopped) {
    await warm?.sandbox.close(false);
    return { ending: stoppedEnding(stopped, id, request.timeoutMs), exitCode: null };
  }

  const pool = ctx.pools.get(request.pool)!;
  const stdout = new PrintedStream('stdout', ctx.settings.maxPrintedBytes, say);
  const stderr = new PrintedStream('stderr', ctx.settings.maxPrintedBytes, say);
  const plan = planRuns(request);
  const processHitsBefore = pool.cgroups?.processLimitHits(pool.settings.name) ?? 0;
  const opened = warm ? await claimWarm(warm, request, plan, runtime, serveLoopback !== undefined, stdout, stderr) : await openSandbox(ctx, {
    pool,
    worker,
    id,
    writeFiles: (folder) => writeSessionFiles(folder, request, plan, runtime, ctx.runners[request.language], ctx.relay),
    command: (folder) => runtime.argv(`${folder}/${runtime.runnerFile}`),
    loopback: serveLoopback !== undefined,
    readOnlyBinds: request.libraryPaths,
    onStdout: (b) => stdout.push(b),
    onStderr: (b) => stderr.push(b),
  });
  if (!opened.ok) return { ending: failed('could not start', [launcherMessage(opened.message)]), exitCode: null };
  const { sandbox } = opened;
  if (serveLoopback && sandbox.satellite.channel) serveLoopback(sandbox.satellite.channel, { id, worker });
  hooks.folder(sandbox.folder.path);
  hooks.running();
  hooks.setStop(() => void sandbox.killAll());
  if (hooks.stopped()) void sandbox.killAll();

  const exit = await sandbox.satellite.exited;
  stdout.end();
  stderr.end();
  const stopReason = hooks.stopped();
  const oomKills = sandbox.cgroup?.oomKills() ?? 0;
  // Where a refused fork is counted differs (v1: the session; v2: the pool whose limit was hit).
  const processHits = Math.max(sandbox.cgroup?.processLimitHits() ?? 0, (pool.cgroups?.processLimitHits(pool.settings.name) ?? 0) - processHitsBefore);
  const result = stopReason ? undefined : await readResultFile(sandbox.folder.path, sandbox.ownerUid, ctx.settings.maxResultBytes);
  const closeProblems = await sandbox.close(ctx.settings.keepSessionFolders);

  let ending: Ending;
  if (stopReason) ending = stoppedEnding(stopReason, id, request.timeoutMs);
  else if (oomKills > 0) {
    const limit = `MAX_MEMORY_PERCENT = ${pool.settings.limits.maxMemoryPercent}, ${describeValue('memory', pool.limits)}`;
    ending = failed('killed: memory limit', scriptErrorMessages(request.language, id, `The script was stopped: pool '${pool.settings.name}' reached its memory limit (${limit}).`, null));
  } else ending = judgeResult(request, runtime, id, exit, result);

  if (processHits > 0) {
    ending.messages.push(
      launcherMessage(`Pool '${pool.settings.name}' refused ${processHits} new process(es) or thread(s) while the session ran (${describeSetting('processes', pool.settings.limits)}).`),
    );
  }
  ending.messages.push(...closeProblems.map((p) => launcherMessage(`Cleaning up session ${id}: ${p}`)));
  return { ending, exitCode: exit.code };
}

/** Hands the session to a warm satellite; on failure the satellite is killed and removed unused. */
async function claimWarm(
  warm: WarmSatellite,
  request: NormalizedRequest,
  plan: ReturnType<typeof planRuns>,
  runtime: Runtime,
  loopback: boolean,
  stdout: PrintedStream,
  stderr: PrintedStream,
): Promise<Opened> {
  const made = sessionFiles(request, plan, runtime);
  if (!made.ok) {
    await warm.sandbox.close(false);
    return made;
  }
  warm.claim(made.files, loopback, (b) => stdout.push(b), (b) => stderr.push(b));
  return { ok: true, sandbox: warm.sandbox };
}

function judgeResult(
  request: NormalizedRequest,
  runtime: Runtime,
  id: string,
  exit: Exit,
  file: Awaited<ReturnType<typeof readResultFile>> | undefined,
): Ending {
  if (exit.startError) return failed('could not start', [launcherMessage(`The satellite could not be started (${exit.startError}).`)]);
  if (exit.code === JOIN_FAILED_EXIT && file && !file.ok && file.missing) {
    return failed('could not start', [launcherMessage(`The satellite could not join its session's cgroup.`)]);
  }
  if (exit.code === STORAGE_FAILED_EXIT && file && !file.ok && file.missing) {
    return failed('could not start', [launcherMessage(`The session's storage (a tmpfs in the worker's own mount namespace) could not be prepared; the satellite's stderr says why.`)]);
  }
  const how = exit.signal ? `was killed by ${exit.signal}` : `ended with exit code ${exit.code}`;
  if (!file || !file.ok) {
    if (file?.missing) return { ...failed(`runtime ${how}`, runtimeLostMessages(request.language, id, `The runtime ${how} before it returned its results.`)) };
    return failed('result refused', [launcherMessage(`The satellite's result was refused and ignored: result.bin ${file?.reason ?? 'could not be read'}.`)]);
  }
  const interpreted = interpretResult(file.data);
  if (!interpreted.ok) return failed('result malformed', [launcherMessage(interpreted.message)]);
  const r = interpreted.result;
  switch (r.state) {
    case 'ok':
      return { state: 'succeeded', detail: `exit code ${exit.code}`, messages: [], resultSets: r.resultSet ? [r.resultSet] : [], outputParams: r.outputParams };
    case 'runtime-error':
      return failed('runtime error', runtimeLaunchMessages(request.language, `${r.message} Install Debian's ${runtime.debianPackage} (apt-get install ${runtime.debianPackage}) or set ${runtime.setting}.`));
    case 'satellite-error':
      return failed('satellite error', [launcherMessage(r.message)]);
    case 'script-error':
    case 'output-error':
      return failed(r.state, scriptErrorMessages(request.language, id, r.message, r.line));
  }
}
