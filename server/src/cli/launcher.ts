// `sqlml launcher provision|deprovision|status|exec`: set up worker accounts, show what the
// launcher enforces, and run one script directly (to debug it outside any database, and for tests).
import { readFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import type { LauncherMessage } from '../core/launcher/messages';
import { defaultPool, DEFAULT_POOL_SIZE } from '../core/launcher/pools';
import type { InputRows, SqlValue } from '../core/launcher/request';
import type { LaunchResult } from '../core/launcher/result';
import type { IsolationMode } from '../core/launcher/sessions';
import { deprovision, provision } from '../node/launcher/accounts';
import { readCsv } from '../node/launcher/csv';
import { Launcher, type LauncherStatus } from '../node/launcher/launcher';
import type { LauncherSettings } from '../node/launcher/settings';
import { parseArgs } from './args';
import { subcommands, UsageError, type Command } from './usage';
import { plural } from '../core/text/plural';
import { warmLines } from './warmLines';

const USAGE = `usage: sqlml launcher <subcommand> [options]

subcommands:
  provision [--workers N] [--prefix P]       create the worker accounts and their group (root)
  deprovision [--prefix P]                   remove them
  status [--format text|json]                the pools, the isolation mode and what is enforced
  exec --language python|r --script FILE [--input CSV] [--caller NAME] [--format text|json]
                                             run one script through the launcher

launcher options (status, exec):
  --mode accounts|namespaces|none   isolation (default: accounts as root, else namespaces)
  --prefix P --workers N            the worker pool (default sqlml, 20)
  --root DIR                        the sessions root
  --timeout SECONDS                 exec: the statement timeout
  --keep-session-folder             exec: keep the session folder (JOB_CLEANUP_ON_EXIT=0)
`;

type Options = Map<string, string | true>;

const FLAGS = new Set(['--keep-session-folder']);

/** The options a launcher subcommand allows, through the CLI's one parser; keys keep their dashes. */
function parseOptions(args: string[], allowed: readonly string[]): Options {
  const spec = Object.fromEntries(allowed.map((name) => [name.slice(2), { value: !FLAGS.has(name) }]));
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs(args, spec);
  } catch (err) {
    throw new UsageError(`${(err as Error).message}\n\n${USAGE}`);
  }
  if (parsed.positional.length > 0) throw new UsageError(`unexpected argument '${parsed.positional[0]}'\n\n${USAGE}`);
  const options: Options = new Map();
  for (const [name, values] of parsed.options) options.set(`--${name}`, FLAGS.has(`--${name}`) ? true : values[0]!);
  return options;
}

function text(options: Options, name: string): string | undefined {
  const v = options.get(name);
  return typeof v === 'string' ? v : undefined;
}

function integer(options: Options, name: string, min: number, max: number): number | undefined {
  const v = text(options, name);
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max) throw new UsageError(`${name} must be a whole number from ${min} to ${max}`);
  return n;
}

function format(options: Options): 'text' | 'json' {
  const f = text(options, '--format') ?? 'text';
  if (f !== 'text' && f !== 'json') throw new UsageError('--format must be text or json');
  return f;
}

const PREFIX = /^[a-z][a-z0-9_]{0,22}$/;

function prefixOption(options: Options): string {
  const prefix = text(options, '--prefix') ?? defaultPool().prefix;
  if (!PREFIX.test(prefix)) throw new UsageError(`--prefix must be a lower-case letter followed by up to 22 lower-case letters, digits or underscores`);
  return prefix;
}

function launcherSettings(options: Options): Partial<LauncherSettings> {
  const settings: Partial<LauncherSettings> = {};
  const mode = text(options, '--mode');
  if (mode !== undefined) {
    if (mode !== 'accounts' && mode !== 'namespaces' && mode !== 'none') throw new UsageError('--mode must be accounts, namespaces or none');
    settings.mode = mode as IsolationMode;
  }
  settings.pools = [{ ...defaultPool(), prefix: prefixOption(options), size: integer(options, '--workers', 1, 100) ?? DEFAULT_POOL_SIZE }];
  const root = text(options, '--root');
  if (root !== undefined) settings.sessionsRoot = root;
  if (options.has('--keep-session-folder')) settings.keepSessionFolders = true;
  return settings;
}

async function startLauncher(options: Options): Promise<Launcher | undefined> {
  const started = await Launcher.start(launcherSettings(options));
  if (started.ok) return started.launcher;
  process.stderr.write(`sqlml: the launcher cannot start:\n${started.problems.map((p) => `  ${p}`).join('\n')}\n`);
  return undefined;
}

function needRoot(what: string): boolean {
  if (process.getuid?.() === 0) return true;
  process.stderr.write(`sqlml: ${what} creates and removes system accounts: run it as root.\n`);
  return false;
}

async function provisionCommand(args: string[]): Promise<number> {
  const options = parseOptions(args, ['--workers', '--prefix']);
  const prefix = prefixOption(options);
  const workers = integer(options, '--workers', 1, 100) ?? DEFAULT_POOL_SIZE;
  if (!needRoot('provision')) return 1;
  const report = await provision(prefix, workers);
  process.stdout.write(report.lines.map((l) => `${l}\n`).join(''));
  return report.ok ? 0 : 1;
}

async function deprovisionCommand(args: string[]): Promise<number> {
  const prefix = prefixOption(parseOptions(args, ['--prefix']));
  if (!needRoot('deprovision')) return 1;
  const report = await deprovision(prefix);
  process.stdout.write(report.lines.map((l) => `${l}\n`).join(''));
  return report.ok ? 0 : 1;
}

function statusText(status: LauncherStatus): string {
  const lines = [
    `mode: ${status.mode}${status.unisolated ? ' (UNISOLATED: scripts run as plain processes of the current user)' : ''}`,
    `sessions root: ${status.sessionsRoot}`,
  ];
  for (const pool of status.pools) {
    lines.push(`pool ${pool.name}: ${pool.size} workers ${pool.workers[0]?.worker}…${pool.workers.at(-1)?.worker}, network ${pool.allowNetwork ? 'allowed' : 'blocked'}`);
    for (const e of pool.enforcement) {
      const how = e.value === 'unlimited' ? `no limit (${e.detail})` : e.mechanism === 'none' ? `${e.value}, NOT ENFORCED (${e.detail})` : `${e.value}, enforced by ${e.mechanism} (${e.detail})`;
      lines.push(`  ${e.setting}: ${how}`);
    }
    lines.push(...warmLines(pool.warm, '  '));
  }
  return `${lines.join('\n')}\n`;
}

async function statusCommand(args: string[]): Promise<number> {
  const options = parseOptions(args, ['--format', '--mode', '--prefix', '--workers', '--root']);
  const f = format(options);
  const launcher = await startLauncher(options);
  if (!launcher) return 1;
  try {
    const status = launcher.status();
    process.stdout.write(f === 'json' ? `${JSON.stringify(status, null, 2)}\n` : statusText(status));
    return 0;
  } finally {
    await launcher.close();
  }
}

/** JSON has no dates, bytes or big integers: ISO text, 0x hex and decimal text stand in. */
function jsonValue(v: SqlValue): unknown {
  if (v instanceof Date) return v.toISOString();
  if (v instanceof Uint8Array) return `0x${Buffer.from(v).toString('hex')}`;
  if (typeof v === 'bigint') return v.toString();
  return v;
}

function resultJson(r: LaunchResult): string {
  const { id, caller, worker, mode, state, exitCode, durationMs } = r.session;
  return JSON.stringify({
    session: { id, caller, worker, mode, state, exitCode, durationMs },
    resultSets: r.resultSets.map((s) => ({ columns: s.columns, rows: s.rows.map((row) => row.map(jsonValue)) })),
    outputParams: Object.fromEntries(Object.entries(r.outputParams).map(([k, v]) => [k, jsonValue(v)])),
    messages: r.messages,
  });
}

function messageText(m: LauncherMessage): string {
  return m.number === null ? `${m.text}\n` : `Msg ${m.number}, Level 16${m.line === null ? '' : `, script line ${m.line}`}\n${m.text}\n`;
}

function cell(v: SqlValue): string {
  if (v === null) return 'NULL';
  const j = jsonValue(v);
  return typeof j === 'string' ? j : String(j);
}

function resultText(r: LaunchResult): string {
  const out: string[] = [];
  for (const set of r.resultSets) {
    out.push(set.columns.map((c) => `${c.name} (${c.type})`).join('\t'));
    for (const row of set.rows) out.push(row.map(cell).join('\t'));
    out.push(`(${plural(set.rows.length, 'row')} affected)`);
  }
  for (const [name, v] of Object.entries(r.outputParams)) out.push(`@${name} = ${cell(v)}`);
  const s = r.session;
  const label = s.mode === 'none' ? 'none, UNISOLATED' : s.mode;
  out.push(`session ${s.id}: ${s.state} on worker ${s.worker ?? '(none)'} (${label}) in ${s.durationMs} ms`);
  return `${out.join('\n')}\n`;
}

function readInput(path: string | undefined): InputRows | undefined {
  if (path === undefined) return undefined;
  let content: string;
  try {
    content = readFileSync(path, 'utf8');
  } catch (e) {
    throw new UsageError(`cannot read --input ${path}: ${(e as Error).message}`);
  }
  const csv = readCsv(content);
  if (!csv.ok) throw new UsageError(`--input ${path}: ${csv.message}`);
  return csv.input;
}

async function execCommand(args: string[]): Promise<number> {
  const options = parseOptions(args, [
    '--language', '--script', '--input', '--caller', '--format', '--mode', '--prefix', '--workers', '--root', '--timeout', '--keep-session-folder',
  ]);
  const language = text(options, '--language');
  if (language !== 'python' && language !== 'r') throw new UsageError('--language must be python or r');
  const scriptPath = text(options, '--script');
  if (!scriptPath) throw new UsageError('--script FILE is required');
  let script: string;
  try {
    script = readFileSync(scriptPath, 'utf8');
  } catch (e) {
    throw new UsageError(`cannot read --script ${scriptPath}: ${(e as Error).message}`);
  }
  const input = readInput(text(options, '--input'));
  const f = format(options);
  const timeout = integer(options, '--timeout', 1, 86400);

  const launcher = await startLauncher(options);
  if (!launcher) return 1;
  // Ctrl-C cancels the statement, so that its session is cleaned up before the process ends.
  const interrupt = new AbortController();
  const onInterrupt = () => interrupt.abort();
  process.once('SIGINT', onInterrupt);
  try {
    const json = f === 'json';
    const outcome = await launcher.launch(
      {
        caller: text(options, '--caller') ?? userInfo().username,
        database: 'launcher exec',
        language,
        script,
        ...(input ? { input } : {}),
        ...(timeout ? { timeoutMs: timeout * 1000 } : {}),
      },
      // Text output streams the messages as the script prints them; JSON prints them all at the end.
      { signal: interrupt.signal, ...(json ? {} : { onMessage: (m: LauncherMessage) => process.stdout.write(messageText(m)) }) },
    );
    if (!outcome.ok) {
      process.stderr.write(`sqlml: ${outcome.error.message}\n`);
      return 1;
    }
    process.stdout.write(json ? `${resultJson(outcome.result)}\n` : resultText(outcome.result));
    return outcome.result.session.state === 'succeeded' ? 0 : 1;
  } finally {
    process.removeListener('SIGINT', onInterrupt);
    await launcher.close();
  }
}

export const launcherCommand: Command = subcommands('launcher', {
  provision: provisionCommand,
  deprovision: deprovisionCommand,
  status: statusCommand,
  exec: execCommand,
}, USAGE);
