// `sqlml run`: runs .sql files' batches on the instance (the embedded default, created and started
// on first use, as LocalDB does) and shows what SQL Server would: result sets and messages.
import { existsSync } from 'node:fs';
import { InstanceUnavailable } from '../node/instance/instanceClient';
import { EmbeddedConnection } from '../node/connection/embeddedConnection';
import type { InstanceConnection } from '../node/connection/instanceConnection';
import { instanceLayout, DEFAULT_INSTANCE, type InstanceLayout } from '../node/instance/layout';
import type { RunOutcome, WireBatch, WireMessage, WireSession } from '../node/instance/protocol';
import { readSqlFile } from '../node/sqlFiles';
import { oneOf, parseArgs } from './args';
import { createInstance } from './instance';
import { mapScriptErrorLines } from '../node/instance/scriptErrorLines';
import { formatRunOutcome } from './runOutput';
import { UsageError, type Command } from './usage';
import { SERVER_HELP, SERVER_OPTIONS, serverTargetFrom } from './serverOptions';

const HELP = `usage: sqlml run [options] FILE…
       sqlml run [options] -Q "QUERY"
       sqlml run -S HOST[,PORT] -U LOGIN [options] FILE…   (password in SQLCMDPASSWORD)

Runs the files' batches (split by GO) on the instance, in order, or the query given with -Q (as
sqlcmd -Q does). Exit 0 without errors, 1 with errors, 2 for bad usage, 3 for an internal error.

options:
  -Q, --query TEXT       run this T-SQL (its batches split by GO) instead of files
  --format text|json     text (default): result sets as tables, messages as SSMS shows them
  --login NAME           run as this login (as EXECUTE AS LOGIN; you must be allowed to impersonate it)
  -d, --database DB      the database to start in (default: the login's default database)
  --name NAME | --path DIR
                         the instance (default: 'default', created and started on first use)
  --idle-stop SECONDS    an instance started by this command stops after this idle time (default 300)

${SERVER_HELP}
`;

/** The largest file run reads: beyond it, T-SQL files are data dumps better loaded another way. */
const MAX_FILE_BYTES = 256 * 1024 * 1024;

export const runCommand: Command = async (args) => {
  const { options, positional } = parseArgs(args, {
    format: { value: true },
    login: { value: true },
    database: { value: true, short: 'd' },
    ...SERVER_OPTIONS,
    name: { value: true },
    path: { value: true },
    'idle-stop': { value: true },
    query: { value: true, short: 'Q' },
    help: { value: false },
  });
  if (options.has('help')) {
    process.stdout.write(HELP);
    return 0;
  }
  const format = oneOf('format', options.get('format')?.[0], ['text', 'json'] as const, 'text');
  const query = options.get('query')?.[0];
  if (query !== undefined && positional.length > 0) throw new UsageError('give files or -Q, not both');
  if (query === undefined && positional.length === 0) throw new UsageError(`no files to run\n\n${HELP}`);
  for (const file of positional) if (!existsSync(file)) throw new UsageError(`no such file: ${file}`);
  const idle = Number(options.get('idle-stop')?.[0] ?? 300);
  if (!Number.isFinite(idle) || idle < 0) throw new UsageError('--idle-stop must be a number of seconds');

  const server = serverTargetFrom({ options, positional }, process.env, (line) => process.stderr.write(`sqlml: warning: ${line}\n`));
  let client: InstanceConnection;
  try {
    if (server) {
      // mssql is loaded only for a server reached over TDS: the embedded instance's runs start without it.
      const { TdsConnection } = await import('../node/remote/tdsConnection');
      client = await TdsConnection.open(server.profile, { password: server.password, appName: 'sqlml run' });
    } else {
      const layout = layoutFor(options.get('name')?.[0], options.get('path')?.[0]);
      if (!existsSync(layout.configFile) && layout.name === DEFAULT_INSTANCE && !options.has('path')) await createInstance(layout);
      client = await EmbeddedConnection.open(layout, { autoStart: true, idleStopSeconds: idle, clientName: 'sqlml run' });
    }
  } catch (err) {
    if (err instanceof InstanceUnavailable) {
      process.stderr.write(`sqlml: ${err.message}\n`);
      return 1;
    }
    throw err;
  }

  const all: RunOutcome = { batches: [], sessions: [] };
  const abort = new AbortController();
  const onSignal = () => abort.abort();
  process.once('SIGINT', onSignal);
  try {
    const sources = query !== undefined ? [{ path: '-Q', read: async () => ({ text: query, problems: [] }) }] : positional.map((path) => ({ path, read: () => readSqlFile(path, MAX_FILE_BYTES) }));
    for (const { path, read } of sources) {
      const file = await read();
      if (file.text === '' && file.problems.length > 0) {
        all.batches.push({ line: 0, resultSets: [], messages: file.problems.map((p) => fileProblem(path, p.message)) });
        continue;
      }
      const outcome = await client.run(file.text, {
        database: options.get('database')?.[0],
        asLogin: options.get('login')?.[0],
        signal: abort.signal,
      });
      const batches = mapScriptErrorLines(file.text, outcome.batches);
      all.batches.push(...batches);
      all.sessions.push(...outcome.sessions);
      if (format === 'text') writeText(path, sources.length > 1, { batches, sessions: outcome.sessions });
    }
  } catch (err) {
    // The instance went away mid-run: a plain reason and exit 1, as for an instance that can't be reached.
    if (!(err instanceof InstanceUnavailable)) throw err;
    process.stderr.write(`sqlml: ${err.message}\n`);
    return 1;
  } finally {
    process.off('SIGINT', onSignal);
    await client.close();
  }
  if (format === 'json') process.stdout.write(`${JSON.stringify({ version: 1, batches: all.batches.map(publicBatch), sessions: all.sessions })}\n`);
  return hasErrors(all.batches) ? 1 : 0;
};

function layoutFor(name: string | undefined, path: string | undefined): InstanceLayout {
  if (name !== undefined && path !== undefined) throw new UsageError('give --name or --path, not both');
  try {
    return instanceLayout({ name, path });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

function fileProblem(path: string, text: string): WireMessage {
  return { kind: 'error', number: null, severity: null, state: null, text: `${path}: ${text}`, line: null };
}

function writeText(path: string, several: boolean, outcome: { batches: WireBatch[]; sessions: WireSession[] }): void {
  if (several) process.stdout.write(`-- ${path}\n`);
  process.stdout.write(formatRunOutcome(outcome));
  for (const s of outcome.sessions) {
    process.stdout.write(`-- session ${s.id}: ${s.language} for ${s.caller} on ${s.worker ?? '(no worker)'}, ${s.state}${s.durationMs !== null ? ` in ${s.durationMs} ms` : ''}\n`);
  }
}

/** The documented JSON shape, nothing more: the instance's routing fields stay inside. */
type PublicMessage = Pick<WireMessage, 'kind' | 'number' | 'severity' | 'text' | 'line'>;

function publicBatch(batch: WireBatch): Omit<WireBatch, 'messages'> & { messages: PublicMessage[] } {
  return {
    line: batch.line,
    resultSets: batch.resultSets,
    messages: batch.messages.map((m) => ({ kind: m.kind, number: m.number, severity: m.severity, text: m.text, line: m.line })),
  };
}

function hasErrors(batches: WireBatch[]): boolean {
  return batches.some((b) => b.messages.some((m) => m.kind === 'error'));
}
