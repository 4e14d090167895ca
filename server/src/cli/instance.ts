// `sqlml instance create|start|stop|status|drop|serve`: the embedded instance's life cycle. An
// instance is a folder (DuckDB files, the durable catalog, sockets) served by one daemon.
import { rmSync } from 'node:fs';
import type { IsolationMode } from '../core/launcher/sessions';
import { instanceWorkerPrefix } from '../core/launcher/workerPrefix';
import { provision } from '../node/launcher/accounts';
import { processInfo } from '../node/launcher/procfs';
import { InstanceClient, InstanceUnavailable } from '../node/instance/instanceClient';
import { createInstanceFolder, InstanceConfigError, readInstanceConfig, type InstanceConfig } from '../node/instance/instanceConfig';
import { daemonLimits } from '../node/instance/daemonLimits';
import { currentOsUser, DaemonError, serveInstance } from '../node/instance/instanceDaemon';
import { instanceFolderProblems } from '../node/instance/instanceFolderPosture';
import { instanceLayout, type InstanceLayout } from '../node/instance/layout';
import type { LauncherView } from '../node/instance/protocol';
import { readOwner } from '../node/instance/ownerLock';
import { oneOf, parseArgs, positiveNumber, wholeNumber, type ParsedArgs } from './args';
import { DEFAULT_WARM_MEMORY_MIB, type WarmSettings } from '../core/launcher/pools';
import { describeTdsSettings, TDS_HELP, TDS_OPTIONS, tdsSettingsFrom } from './tdsOptions';
import { writeDurably } from '../node/instance/durableFile';
import { prepareCertificate, type TdsSettings } from '../node/tds/tdsEndpoint';
import { subcommands, UsageError, type Command } from './usage';
import { warmLines } from './warmLines';

const HELP = `usage: sqlml instance <subcommand> [--name NAME | --path DIR] [options]

subcommands:
  create [--isolation accounts|namespaces|none] [--prefix P] [--workers N] [--python PATH] [--rscript PATH]
         [--warm-python N] [--warm-r N] [--warm-memory MIB] [--force]
                  create an instance; you become its sysadmin (as root, worker accounts are provisioned).
                  --warm-python/--warm-r: satellites each external pool keeps started ahead of time, so
                  that a script starts in tens of milliseconds (default none; --warm-memory caps what
                  they hold while idle, default 1024 MiB per pool).
                  Its workers are <prefix>01… (default: sqlml + the instance's name + 4 hex digits of its
                  folder, so instances never share workers). A folder where scripts could never run
                  (one above it writable by others, or closed to worker accounts) is refused; --force
                  creates it anyway
  start           start it as a service (it keeps running until stopped)
  stop            stop it
  status [--format text|json]
  drop            stop it and delete it, databases included
  serve [--idle-stop SECONDS]
                  serve it in the foreground (what start and first use run)

${TDS_HELP}

Without --name or --path: the instance 'default' under your data folder (root: /var/lib/sqlml/instances).
`;

const LOCATION = { name: { value: true }, path: { value: true }, help: { value: false } } as const;

function layoutOf(parsed: ParsedArgs): InstanceLayout {
  const name = parsed.options.get('name')?.[0];
  const path = parsed.options.get('path')?.[0];
  if (name !== undefined && path !== undefined) throw new UsageError('give --name or --path, not both');
  try {
    return instanceLayout({ name, path });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

function say(line: string): void {
  process.stdout.write(`${line}\n`);
}

function complain(line: string): number {
  process.stderr.write(`sqlml: ${line}\n`);
  return 1;
}

export function defaultIsolation(uid: number): IsolationMode {
  return uid === 0 ? 'accounts' : 'namespaces';
}

/** The instance folder is in a place where its scripts could never run (instanceFolderPosture.ts). */
export class InstanceFolderRefused extends Error {}

/**
 * Creates the instance folder, provisioning worker accounts first when they are needed and we can.
 * Refuses a folder where scripts could never run, unless `force` (then `warn` is told why).
 */
export async function createInstance(
  layout: InstanceLayout,
  launcher: Partial<InstanceConfig['launcher']> = {},
  tds: TdsSettings = { port: 'auto' },
  posture: { force?: boolean; warn?: (line: string) => void } = {},
): Promise<InstanceConfig> {
  const me = currentOsUser();
  const config: InstanceConfig = {
    formatVersion: 1,
    createdAt: new Date().toISOString(),
    owner: { name: me.name, uid: me.uid },
    launcher: {
      mode: launcher.mode ?? defaultIsolation(me.uid),
      prefix: launcher.prefix ?? instanceWorkerPrefix(layout.name, layout.root),
      workers: launcher.workers ?? 20,
      pythonPath: launcher.pythonPath ?? '/usr/bin/python3',
      rscriptPath: launcher.rscriptPath ?? '/usr/bin/Rscript',
      ...(launcher.warm ? { warm: launcher.warm } : {}),
    },
    tds,
  };
  const problems = instanceFolderProblems(layout.root, config.launcher.mode, me.uid);
  if (problems.length > 0 && !posture.force) {
    throw new InstanceFolderRefused(`scripts could never run in an instance at ${layout.root}:\n  ${problems.join('\n  ')}\n(--force creates it anyway)`);
  }
  for (const problem of problems) posture.warn?.(`warning: ${problem}`);
  if (config.launcher.mode === 'accounts') {
    if (me.uid !== 0) throw new UsageError(`isolation 'accounts' needs root (worker accounts are real users); use 'namespaces'`);
    const report = await provision(config.launcher.prefix, config.launcher.workers);
    if (!report.ok) throw new Error(`cannot provision the worker accounts:\n  ${report.lines.join('\n  ')}`);
  }
  createInstanceFolder(layout, config);
  // The TDS certificate is made now, as SQL Server setup makes its own, not at a first start.
  if (tds.port !== 'off') await prepareCertificate(layout, tds);
  return config;
}

/** --warm-python/--warm-r/--warm-memory as the launcher's warm settings; none when no count is given. */
function warmSettings(python: string | undefined, r: string | undefined, memory: string | undefined): { warm?: WarmSettings } {
  if (python === undefined && r === undefined) {
    if (memory !== undefined) throw new UsageError('--warm-memory needs --warm-python or --warm-r');
    return {};
  }
  return { warm: { python: wholeNumber('warm-python', python, 0), r: wholeNumber('warm-r', r, 0), memoryMiB: positiveNumber('warm-memory', memory, DEFAULT_WARM_MEMORY_MIB) } };
}

async function create(args: string[]): Promise<number> {
  const parsed = parseArgs(args, {
    ...LOCATION,
    isolation: { value: true },
    prefix: { value: true },
    workers: { value: true },
    python: { value: true },
    rscript: { value: true },
    'warm-python': { value: true },
    'warm-r': { value: true },
    'warm-memory': { value: true },
    force: { value: false },
    ...TDS_OPTIONS,
  });
  const layout = layoutOf(parsed);
  const get = (k: string) => parsed.options.get(k)?.[0];
  const isolation = get('isolation');
  const launcher = {
    ...(isolation !== undefined ? { mode: oneOf('isolation', isolation, ['accounts', 'namespaces', 'none'] as const, 'namespaces') } : {}),
    ...(get('prefix') !== undefined ? { prefix: get('prefix')! } : {}),
    ...(get('workers') !== undefined ? { workers: positiveNumber('workers', get('workers'), 20) } : {}),
    ...(get('python') !== undefined ? { pythonPath: get('python')! } : {}),
    ...(get('rscript') !== undefined ? { rscriptPath: get('rscript')! } : {}),
    ...warmSettings(get('warm-python'), get('warm-r'), get('warm-memory')),
  };
  let config: InstanceConfig;
  try {
    config = await createInstance(layout, launcher, tdsSettingsFrom(parsed, undefined), {
      force: parsed.options.has('force'),
      warn: (line) => process.stderr.write(`sqlml: ${line}\n`),
    });
  } catch (err) {
    if (err instanceof InstanceFolderRefused) return complain(err.message);
    throw err;
  }
  say(`created instance '${layout.name}' at ${layout.root}`);
  say(`  sysadmin: ${config.owner.name}; scripts run isolated by ${config.launcher.mode}${config.launcher.mode === 'none' ? ' (UNISOLATED)' : ''}`);
  say(`  TDS: ${describeTdsSettings(config.tds)}`);
  return 0;
}

async function connectTo(layout: InstanceLayout, autoStart: boolean): Promise<InstanceClient> {
  return InstanceClient.connect(layout, { autoStart, idleStopSeconds: 0, clientName: 'sqlml instance' });
}

async function start(args: string[]): Promise<number> {
  const parsed = parseArgs(args, { ...LOCATION, ...TDS_OPTIONS });
  const layout = layoutOf(parsed);
  const config = readInstanceConfig(layout);
  const tds = tdsSettingsFrom(parsed, config.tds);
  if (tds) {
    // Kept in the config, so the next start (and an auto-start) serves the same way.
    if (tds.port !== 'off') await prepareCertificate(layout, tds);
    writeDurably(layout.configFile, `${JSON.stringify({ ...config, tds }, null, 2)}\n`);
  }
  const client = await connectTo(layout, true);
  const status = await client.status();
  client.close();
  say(`instance '${layout.name}' is running (pid ${status.pid}, isolation ${status.isolation})`);
  if (tds && status.tds?.port !== undefined && tds.port !== 'auto' && tds.port !== status.tds.port) say(`  it was already running: the TDS port changes at its next start`);
  if (status.tds) say(`  TDS: ${status.tds.host},${status.tds.port}`);
  return 0;
}

async function stop(args: string[]): Promise<number> {
  const layout = layoutOf(parseArgs(args, LOCATION));
  let client: InstanceClient;
  try {
    client = await connectTo(layout, false);
  } catch (err) {
    if (!(err instanceof InstanceUnavailable)) throw err;
    say(`instance '${layout.name}' is not running`);
    return 0;
  }
  const { pid } = await client.status();
  await client.shutdown();
  client.close();
  await waitForExit(pid, 10_000);
  say(`instance '${layout.name}' stopped`);
  return 0;
}

/**
 * Waits until the daemon has exited. An exited process its parent has not reaped yet (a zombie)
 * has exited: a daemon auto-started by a program still running (the editor, a script that then
 * runs `instance stop` and waits for it) stays one until that program's event loop reaps it.
 */
async function waitForExit(pid: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
    if (processInfo(pid)?.state === 'Z') return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`the instance (pid ${pid}) did not stop within ${timeoutMs / 1000} s`);
}

async function status(args: string[]): Promise<number> {
  const parsed = parseArgs(args, { ...LOCATION, format: { value: true } });
  const format = oneOf('format', parsed.options.get('format')?.[0], ['text', 'json'] as const, 'text');
  const layout = layoutOf(parsed);
  const config = readInstanceConfig(layout);
  let running: Awaited<ReturnType<InstanceClient['status']>> | null = null;
  let launcher: LauncherView | null = null;
  try {
    const client = await connectTo(layout, false);
    running = await client.status();
    // Anyone connected may read the pools (the Pools view); an older daemon without them shows none.
    launcher = await client.pools().catch(() => null);
    client.close();
  } catch (err) {
    if (!(err instanceof InstanceUnavailable)) throw err;
  }
  if (format === 'json') {
    say(JSON.stringify({ name: layout.name, path: layout.root, running: running !== null, config, status: running }));
    return 0;
  }
  say(`instance '${layout.name}' at ${layout.root}: ${running ? `running (pid ${running.pid} since ${running.startedAt})` : 'stopped'}`);
  say(`  sysadmin: ${config.owner.name}`);
  say(`  isolation: ${config.launcher.mode}${config.launcher.mode === 'none' ? ' (UNISOLATED)' : ''}, workers ${config.launcher.prefix}01…${config.launcher.prefix}${String(config.launcher.workers).padStart(2, '0')}`);
  const warm = config.launcher.warm;
  if (warm && warm.python + warm.r > 0) say(`  warm satellites per pool: Python ${warm.python}, R ${warm.r}, within ${warm.memoryMiB} MiB`);
  // The live satellites exist once the launcher started (at the first script, or at start with warm satellites set).
  for (const pool of launcher?.pools ?? []) if (pool.warm && pool.warm.python.target + pool.warm.r.target > 0) for (const line of warmLines(pool.warm, `  pool ${pool.name}: `)) say(line);
  if (running) {
    say(`  databases: ${running.databases.join(', ')}`);
    say(`  connections: ${running.connections}`);
  }
  const tds = running?.tds;
  say(`  TDS: ${tds ? `${tds.host},${tds.port} (sqlcmd -S ${tds.host},${tds.port}); encryption ${tds.forceEncryption ? 'forced' : 'offered'}; ${tds.connections} connections` : describeTdsSettings(config.tds)}`);
  return 0;
}

async function drop(args: string[]): Promise<number> {
  const layout = layoutOf(parseArgs(args, LOCATION));
  readInstanceConfig(layout);
  await stop(args);
  const pid = readOwner(layout.lockFile);
  if (pid !== null) {
    try {
      process.kill(pid, 0);
      return complain(`instance '${layout.name}' is still served by pid ${pid}; not deleting it`);
    } catch {
      /* the pid file is stale */
    }
  }
  rmSync(layout.root, { recursive: true, force: true });
  say(`dropped instance '${layout.name}' (${layout.root})`);
  return 0;
}

/** How long a signalled daemon may take to stop cleanly before it exits regardless. */
const STOP_DEADLINE_MS = 5000;

async function serve(args: string[]): Promise<number> {
  const parsed = parseArgs(args, { ...LOCATION, 'idle-stop': { value: true } });
  const layout = layoutOf(parsed);
  const idle = parsed.options.get('idle-stop')?.[0] ?? '0';
  const idleStopSeconds = Number(idle);
  if (!Number.isFinite(idleStopSeconds) || idleStopSeconds < 0) throw new UsageError(`--idle-stop must be a number of seconds (0: never), not '${idle}'`);
  const config = readInstanceConfig(layout);
  const limits = daemonLimits(config, layout.configFile);
  const log = (line: string) => process.stderr.write(`${new Date().toISOString()} ${line}\n`);
  let daemon;
  // The engine (DuckDB and its native library) is loaded by the daemon only: `sqlml run` and the
  // other commands that import this module talk to a daemon and start faster without it.
  const { openInstanceEngine } = await import('../node/instance/openEngine');
  try {
    daemon = await serveInstance({ layout, openEngine: () => openInstanceEngine(layout, config, log), owner: currentOsUser(), idleStopMs: idleStopSeconds * 1000, limits, log, tds: config.tds });
  } catch (err) {
    if (err instanceof DaemonError) return complain(err.message);
    throw err;
  }
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      // A signal means stop now: if closing cleanly hangs (a statement that does not end), exiting
      // still frees everything (the kernel closes the DuckDB files and drops the lock socket).
      setTimeout(() => {
        log(`${signal}: not stopped within ${STOP_DEADLINE_MS / 1000} s; exiting`);
        process.exit(1);
      }, STOP_DEADLINE_MS).unref();
      void daemon.stop(signal);
    });
  }
  await daemon.stopped;
  // Stopped means gone: a handle something forgot to close must not keep the process (and its
  // DuckDB files) alive.
  setTimeout(() => process.exit(0), 1000).unref();
  return 0;
}

/** The instance's own failures (unreachable, a bad instance.json) are said in one line, exit 1. */
const reported = (run: Command): Command => async (args) => {
  try {
    return await run(args);
  } catch (err) {
    if (err instanceof InstanceUnavailable || err instanceof InstanceConfigError) return complain(err.message);
    throw err;
  }
};

export const instanceCommand: Command = subcommands(
  'instance',
  Object.fromEntries(Object.entries({ create, start, stop, status, drop, serve }).map(([name, run]) => [name, reported(run)])),
  HELP,
);
