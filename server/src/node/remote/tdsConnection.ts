// Any SQL Server over TDS through `mssql` (tedious), behind the InstanceConnection interface: the
// same code path for a real server and for the embedded instance's TDS endpoint. A run cuts its
// text at GO lines and sends the batches one by one on a connection of its own (so USE, EXECUTE
// AS and SET options of one run never leak into another), streaming result sets, rows and
// messages (PRINT, a script's STDOUT/STDERR) as tedious reads them; aborting sends attention.
import { isIP } from 'node:net';
import sql from 'mssql';
import { goBatches } from '../../core/tsql/goBatches';
import { plural } from '../../core/text/plural';
import { InstanceUnavailable } from '../instance/instanceClient';
import type { RunOutcome, WireBatch, WireMessage } from '../instance/protocol';
import type { InstanceConnection, PoolsView, RunOptions, SessionsView } from '../connection/instanceConnection';
import type { MssqlColumn } from './columns';
import { externalPoolOf, POOLS_SQL, SCRIPT_REQUESTS_SQL, scriptRequestOf } from './dmvViews';
import { describeProfile, type TdsProfile } from './profile';
import { ResultSetBuilder } from './resultSetBuilder';

export interface TdsOpenOptions {
  /** The login's password; never stored with the profile. */
  password: string;
  /** program_name the server shows (sys.dm_exec_sessions). */
  appName: string;
  connectTimeoutMs?: number;
}

/** A SQL Server message as tedious reports it (info events and RequestErrors carry the same fields). */
interface ServerMessage {
  message: string;
  number?: number | string;
  state?: number;
  class?: number;
  lineNumber?: number;
  procName?: string;
  code?: string;
}

const NOT_SHOWN = ['sessionFolders', 'isolationPosture', 'liveNotifications'] as const;

export class TdsConnection implements InstanceConnection {
  readonly kind = 'tds';
  readonly features = { sessionFolders: false, isolationPosture: false, liveNotifications: false };
  readonly runner = { run: (text: string, options: { asLogin?: string }) => this.run(text, options.asLogin !== undefined ? { asLogin: options.asLogin } : {}) };
  readonly describe: string;

  private constructor(
    private readonly config: sql.config,
    /** Shared by the views' queries: short reads that may run beside a long run. */
    private readonly views: sql.ConnectionPool,
    readonly login: string,
  ) {
    this.describe = `${config.server},${config.port ?? 1433}`;
  }

  static async open(profile: TdsProfile, options: TdsOpenOptions): Promise<TdsConnection> {
    if (profile.authenticationType !== 'SqlLogin' || !profile.user) throw new InstanceUnavailable(`${describeProfile(profile)}: a SQL login (user and password) is needed to connect over TDS`);
    const config: sql.config = {
      server: profile.server,
      port: profile.port ?? 1433,
      user: profile.user,
      password: options.password,
      ...(profile.database ? { database: profile.database } : {}),
      connectionTimeout: options.connectTimeoutMs ?? 15_000,
      // A script may run for a long time: no request timeout, as SSMS (cancel stops it).
      requestTimeout: 0,
      options: {
        encrypt: profile.encrypt ?? true,
        trustServerCertificate: profile.trustServerCertificate ?? false,
        appName: options.appName,
        // The largest packets SQL Server accepts: a result set of many rows crosses in an eighth of
        // the packets of the 4,096-byte default, each of which the driver handles on its own.
        packetSize: 32767,
        // tedious gives TLS an IP address as the server name, which Node warns about (DEP0123): when
        // the certificate is trusted anyway, no name is checked and any will do.
        ...(isIP(profile.server) && profile.trustServerCertificate ? { serverName: 'localhost' } : {}),
      },
      pool: { min: 0, max: 2 },
    };
    const views = await connectPool(config);
    try {
      const who = await views.request().query<{ login: string }>('SELECT SUSER_SNAME() AS login;');
      return new TdsConnection(config, views, who.recordset[0]?.login ?? profile.user);
    } catch (err) {
      await views.close().catch(() => undefined);
      throw unavailable(config, err);
    }
  }

  async run(text: string, options: RunOptions = {}): Promise<RunOutcome> {
    const outcome: RunOutcome = { batches: [], sessions: [] };
    const pool = await connectPool({ ...this.config, ...(options.database ? { database: options.database } : {}), pool: { min: 0, max: 1 } });
    try {
      if (options.asLogin !== undefined) {
        const impersonated = await this.batch(pool, { text: `EXECUTE AS LOGIN = N'${options.asLogin.replace(/'/g, "''")}';`, line: 0 }, -1, options);
        const refused = impersonated.messages.find((m) => m.kind === 'error');
        if (refused) {
          // SQL Server stops here too: nothing of the text runs in the wrong security context.
          for (const b of goBatches(text)) outcome.batches.push({ line: b.line, resultSets: [], messages: [{ ...refused, line: b.line }] });
          return outcome;
        }
      }
      let index = 0;
      for (const b of goBatches(text)) {
        for (let n = 0; n < b.repeat; n++) {
          if (options.signal?.aborted) {
            // Cancelled between batches (or while connecting): the batch that would have run next says so.
            outcome.batches.push({ line: b.line, resultSets: [], messages: [CANCELLED(b.line)] });
            return outcome;
          }
          outcome.batches.push(await this.batch(pool, b, index, options));
        }
        index++;
      }
      return outcome;
    } finally {
      await pool.close().catch(() => undefined);
    }
  }

  /** One batch, streamed; its errors become messages (a failed batch does not stop the next, as sqlcmd without -b). */
  private batch(pool: sql.ConnectionPool, b: { text: string; line: number }, index: number, options: RunOptions): Promise<WireBatch> {
    return new Promise((resolve) => {
      const batch: WireBatch = { line: b.line, resultSets: [], messages: [] };
      // Each result set is kept in columns as its rows arrive (resultSetBuilder.ts), and made one at the end.
      const sets: ResultSetBuilder[] = [];
      let current: ResultSetBuilder | null = null;
      const request = pool.request();
      request.stream = true;
      request.arrayRowMode = true;
      const say = (m: WireMessage) => {
        batch.messages.push(m);
        options.onMessage?.(m);
      };
      request.on('recordset', (columns: MssqlColumn[]) => {
        current = new ResultSetBuilder(columns);
        sets.push(current);
        if (index >= 0) options.onResultSet?.(index, current.columns);
      });
      request.on('row', (row: unknown[]) => {
        current?.add(row);
        if (index >= 0 && options.onRow && current) options.onRow(current.wireRow(row));
      });
      request.on('rowsaffected', (count: number) =>
        say({ kind: 'info', number: null, severity: 0, state: null, text: `(${plural(count, 'row')} affected)`, line: null, rowCount: count, afterResultSets: sets.length }),
      );
      request.on('info', (info: ServerMessage) => say(messageOf('info', info, b.line, sets.length)));
      request.on('error', (err: ServerMessage) => say(messageOf('error', err, b.line, sets.length)));
      const onAbort = () => request.cancel();
      options.signal?.addEventListener('abort', onAbort);
      request.on('done', () => {
        options.signal?.removeEventListener('abort', onAbort);
        batch.resultSets = sets.map((set) => set.finish());
        resolve(batch);
      });
      // In stream mode every error also arrives as an 'error' event, then 'done'.
      request.batch(b.text).catch(() => undefined);
    });
  }

  async sessions(): Promise<SessionsView> {
    const rows = await this.views.request().query<Record<string, unknown>>(SCRIPT_REQUESTS_SQL);
    return { source: 'dmv', requests: rows.recordset.map(scriptRequestOf), notShown: [...NOT_SHOWN] };
  }

  async pools(): Promise<PoolsView> {
    const rows = await this.views.request().query<Record<string, unknown>>(POOLS_SQL);
    return { source: 'dmv', pools: rows.recordset.map(externalPoolOf), notShown: [...NOT_SHOWN] };
  }

  async close(): Promise<void> {
    await this.views.close().catch(() => undefined);
  }
}

// The embedded instance's wording, which the editor's runs recognise as a cancel (lsp/instance/runs.ts).
const CANCELLED_TEXT = 'Query was cancelled by user.';
const CANCELLED = (line: number): WireMessage => ({ kind: 'error', number: null, severity: null, state: null, text: CANCELLED_TEXT, line });

function messageOf(kind: 'info' | 'error', m: ServerMessage, batchLine: number, afterResultSets: number): WireMessage {
  // A cancelled request is reported by tedious without a server number: say it as the embedded instance does.
  const cancelled = m.code === 'ECANCEL';
  return {
    kind,
    // mssql's RequestError carries the driver's code (ECANCEL, ETIMEOUT) as its number when no server sent one.
    number: typeof m.number === 'number' ? m.number : null,
    severity: m.class ?? null,
    state: m.state ?? null,
    text: cancelled ? CANCELLED_TEXT : m.message,
    line: typeof m.lineNumber === 'number' && m.lineNumber > 0 ? batchLine + m.lineNumber - 1 : null,
    ...(m.procName ? { procedure: m.procName } : {}),
    afterResultSets,
  };
}

async function connectPool(config: sql.config): Promise<sql.ConnectionPool> {
  const pool = new sql.ConnectionPool(config);
  // An idle connection the server closes must not become an unhandled 'error' event.
  pool.on('error', () => undefined);
  try {
    await pool.connect();
    return pool;
  } catch (err) {
    await pool.close().catch(() => undefined);
    throw unavailable(config, err);
  }
}

/** Why the server could not be reached or logged into, in one line (Msg 18456's text, a refused port, a certificate). */
function unavailable(config: sql.config, err: unknown): InstanceUnavailable {
  const e = err as { message?: string; originalError?: { message?: string } };
  const reason = e.originalError?.message ?? e.message ?? String(err);
  return new InstanceUnavailable(`cannot connect to ${config.server},${config.port ?? 1433} as '${config.user}': ${reason}`);
}
