// sp_execute_external_script, in SQL Server's order: the instance switch (Msg 39023), access to
// the database (916) and the permission to run the language (297); then @input_data_1 runs as the
// caller, like any query the caller sends (229 where the caller may not read); the script goes to
// the launcher with the input, @params and their values, and a loopback bound to the caller; its
// output becomes the result set (named and typed by WITH RESULT SETS), its OUTPUT parameters go
// back into the caller's variables, and what it prints or raises arrives as messages.
import type { ExecuteArgument, ExecuteStatement, Expression, Span } from '../../ast';
import { acceptLoopbackConnection, checkExternalScriptExecution, type SessionContext } from '../../../security';
import type { LaunchRequest, ScriptParam } from '../../../launcher/request';
import { libraryPathsFor } from '../externalLibraries';
import type { LauncherMessage } from '../../../launcher/messages';
import { parseParamsDeclaration } from '../../../scriptCall/paramsDeclaration';
import { EXTERNAL_SCRIPTS_ENABLED, valueInUse } from '../configuration';
import { StatementContext } from '../context';
import { Cancelled, ExecStop, fail } from '../errors';
import type { Place } from '../frame';
import { openLoopbackSession, runLoopbackQuery } from '../loopbackQuery';
import type { Loopback, LoopbackAnswer, LoopbackError, LoopbackWorker } from '../ports';
import { rowCountOf, type ExecMessage, type ExecResultSet } from '../results';
import { withColumnarRows } from '../../../launcher/columnValues';
import { CapturingSink, type Sink } from '../sink';
import { sqlTypeFromText } from '../sqlTypes';
import { writeBack } from './arguments';
import { runInputQuery } from './inputQuery';
import { applyResultSets } from './resultSets';

const PROCEDURE = 'sp_execute_external_script';

/** The procedure's own parameters, in their positional order (2019+). */
const PARAMETERS = [
  '@language',
  '@script',
  '@input_data_1',
  '@input_data_1_name',
  '@input_data_1_order_by_columns',
  '@input_data_1_partition_by_columns',
  '@output_data_1_name',
  '@parallel',
  '@params',
];

/** What SQL Server's messages from the procedure carry: "Procedure sp_execute_external_script, Line 1". */
function procedurePlace(ctx: StatementContext, at: Span): Place {
  return { line: ctx.frame.place(at.start).line, procedure: PROCEDURE, procedureLine: 1 };
}

interface SplitArguments {
  own: Map<string, ExecuteArgument>;
  /** The script's parameters (@params), by lower-case name with '@'. */
  extra: Map<string, ExecuteArgument>;
}

function splitArguments(st: ExecuteStatement): SplitArguments {
  const own = new Map<string, ExecuteArgument>();
  const extra = new Map<string, ExecuteArgument>();
  let named = false;
  st.args.forEach((arg, index) => {
    if (arg.name === null) {
      if (named || index >= PARAMETERS.length) {
        const text = `Must pass parameter number ${index + 1} and subsequent parameters as '@name = value'. After the form '@name = value' has been used, all subsequent parameters must be passed in the form '@name = value'.`;
        fail(119, 15, 1, text, arg, 'batch');
      }
      own.set(PARAMETERS[index]!, arg);
      return;
    }
    named = true;
    const key = arg.name.toLowerCase();
    (PARAMETERS.includes(key) ? own : extra).set(key, arg);
  });
  return { own, extra };
}

export async function runExternalScript(st: ExecuteStatement, ctx: StatementContext, sink: Sink): Promise<void> {
  const session = ctx.session;
  const { own, extra } = splitArguments(st);
  const text = async (name: string): Promise<string | null> => {
    const arg = own.get(name);
    if (!arg || arg.value.kind === 'default') return null;
    const { value } = await ctx.evaluate(arg.value, { name: 'nvarchar', length: 'max' });
    return value === null ? null : String(value);
  };
  const language = await text('@language');
  const script = await text('@script');
  for (const [name, value] of [['@language', language], ['@script', script]] as const) {
    if (value === null) fail(201, 16, 4, `Procedure or function '${PROCEDURE}' expects parameter '${name}', which was not supplied.`, st);
  }

  const verdict = checkExternalScriptExecution(session.catalog, { externalScriptsEnabled: valueInUse(session.instance.document, EXTERNAL_SCRIPTS_ENABLED) }, session.security, session.database, language!);
  if (!verdict.ok) {
    const stop = new ExecStop({ number: verdict.error.number, level: verdict.error.level, state: verdict.error.state, text: verdict.error.text, start: st.start, end: st.end }, 'statement');
    stop.place = procedurePlace(ctx, st);
    throw stop;
  }

  const params = await scriptParameters(ctx, st, await text('@params'), extra);
  const inputText = await text('@input_data_1');
  const input = inputText ? await runInputQuery(ctx, inputText, st, params.values) : undefined;
  const inputName = await text('@input_data_1_name');
  const outputName = await text('@output_data_1_name');
  const columns = async (name: string) => (await text(name))?.split(',').map((c) => c.trim()).filter((c) => c !== '') ?? [];
  const partitionBy = await columns('@input_data_1_partition_by_columns');
  const orderBy = await columns('@input_data_1_order_by_columns');
  const parallel = own.get('@parallel');
  const request: LaunchRequest = {
    caller: session.loginName,
    database: session.database,
    language: language!,
    script: script!,
    ...(input ? { input } : {}),
    ...(inputName !== null ? { inputName } : {}),
    ...(outputName !== null ? { outputName } : {}),
    params: params.launch,
    parallel: parallel && parallel.value.kind !== 'default' ? (await ctx.evaluate(parallel.value, { name: 'bit' })).value === true : false,
    ...(partitionBy.length ? { partitionBy } : {}),
    ...(orderBy.length ? { orderBy } : {}),
    // Resource Governor: the session's workload group names the external pool its scripts run in.
    pool: session.workloadGroup.externalPool,
    // CREATE EXTERNAL LIBRARY packages this caller sees in this database.
    libraryPaths: libraryPathsFor(session, language!),
  };
  const counters = session.instance.scriptCounters;
  counters['Total Executions']++;
  if (request.parallel) counters['Parallel Executions']++;
  if (params.launch.some((p) => p.name.replace(/^@/, '').toLowerCase() === 'r_rowsperread' && p.value !== null)) counters['Streaming Executions']++;

  const scriptArg = own.get('@script')?.value;
  const scriptOffset = ctx.frame.submitted && scriptArg?.kind === 'string' ? scriptArg.start + (scriptArg.unicode ? 2 : 1) : undefined;
  const messages = new ScriptMessages(ctx, sink, st, scriptOffset, () => session.signal.aborted);
  const running = session.request;
  const outcome = await session.instance.ports.scripts
    .run(request, {
      signal: session.signal,
      onMessage: (m) => messages.add(m),
      loopback: loopbackFor(session.security, ctx),
      onStarted: (id) => {
        if (running) running.externalScriptId = id;
      },
    })
    .finally(() => {
      if (running) running.externalScriptId = null;
    });
  if (outcome.ok) counters['Total Execution Time (ms)'] += Math.round(outcome.result.session.durationMs ?? 0);
  if (session.signal.aborted) throw new Cancelled();
  if (!outcome.ok) {
    // The counter leaves out R and Python errors: it counts the calls the launcher could not serve.
    counters['Execution Errors']++;
    if (outcome.error.code !== 'not-serving') return fail(39019, 16, 1, `An external script error occurred: \n${outcome.error.message}`, st);
    // SQL Server's text says nothing of why; the launcher's reason goes with it as a notice.
    ctx.message('info', null, 0, null, outcome.error.message, st);
    return fail(39011, 16, 1, 'SQL Server was unable to communicate with the LaunchPad service. Please verify the configuration of the service.', st);
  }
  const result = outcome.result;
  session.launched.push({
    id: result.session.id,
    caller: result.session.caller,
    worker: result.session.worker,
    language: language!,
    state: result.session.state,
    durationMs: result.session.durationMs,
  });
  if (result.session.state !== 'succeeded') throw messages.failure();

  for (const p of params.outputs) await writeBack(ctx, p.variable, result.outputParams[p.name] ?? null, p.type, st);
  const sent: ExecResultSet[] = result.resultSets.map((r) => {
    const columns = r.columns.map((c) => ({ name: '', type: c.type }));
    // Rows that came column by column stay so until something needs them as rows.
    return r.columnar ? withColumnarRows({ columns }, r.columnar) : { columns, rows: r.rows };
  });
  for (const resultSet of await applyResultSets(ctx, st.resultSets, sent, st)) {
    sink.resultSet(resultSet);
    // INSERT ... EXEC counts the rows it inserts itself.
    if (!(sink instanceof CapturingSink) || sink.countsRows) ctx.rowsAffected(rowCountOf(resultSet), st);
  }
}

interface ScriptParameters {
  launch: ScriptParam[];
  /** Values by name without '@', for @input_data_1, which may use them. */
  values: Map<string, { type: NonNullable<ReturnType<typeof sqlTypeFromText>>; value: ScriptParam['value'] }>;
  outputs: { name: string; variable: string; type: NonNullable<ReturnType<typeof sqlTypeFromText>> }[];
}

/** @params declarations with the values passed for them; every extra argument must be declared. */
async function scriptParameters(ctx: StatementContext, st: ExecuteStatement, declaration: string | null, extra: Map<string, ExecuteArgument>): Promise<ScriptParameters> {
  const parsed = parseParamsDeclaration(declaration ?? '');
  if (parsed.errors[0]) fail(102, 15, 1, parsed.errors[0].message, st);
  const result: ScriptParameters = { launch: [], values: new Map(), outputs: [] };
  for (const [key, arg] of extra) {
    if (!parsed.declarations.some((d) => d.key === key)) fail(8145, 16, 2, `${arg.name} is not a parameter for procedure ${PROCEDURE}.`, arg);
  }
  for (const d of parsed.declarations) {
    const arg = extra.get(d.key);
    const type = sqlTypeFromText(d.type);
    let value: ScriptParam['value'] = null;
    if (arg && arg.value.kind !== 'default') value = type ? (await ctx.evaluate(arg.value as Expression, type)).value : (await ctx.evaluate(arg.value as Expression)).value;
    result.launch.push({ name: d.name, type: d.type, value, output: d.output });
    if (type) result.values.set(d.name.replace(/^@/, '').toLowerCase(), { type, value });
    if (arg?.output && type) {
      if (arg.value.kind !== 'variable') fail(179, 15, 1, 'Cannot use the OUTPUT option when passing a constant to a stored procedure.', arg, 'batch');
      result.outputs.push({ name: d.name.replace(/^@/, ''), variable: (arg.value as { name: string }).name, type });
    }
  }
  return result;
}

/**
 * The loopback of this call: a query a script sends back is accepted only under implied
 * authentication (a login for the worker group) and then runs with the caller's context as it is
 * now, in the caller's database, in a connection of its own.
 */
function loopbackFor(caller: SessionContext, ctx: StatementContext): Loopback {
  const database = ctx.session.database;
  const instance = ctx.session.instance;
  const accept = (worker: LoopbackWorker): { ok: true; context: SessionContext } | { ok: false; error: LoopbackError } => {
    const accepted = acceptLoopbackConnection(instance.catalog, { workerGroup: worker.group, workerName: worker.name, caller });
    if (!accepted.ok) return { ok: false, error: { number: accepted.error.number, severity: accepted.error.level, state: accepted.error.state, text: accepted.error.text } };
    instance.scriptCounters['Implied Auth. Logins']++;
    return { ok: true, context: accepted.value };
  };
  return {
    query: async (sql, worker): Promise<LoopbackAnswer> => {
      const accepted = accept(worker);
      return accepted.ok ? runLoopbackQuery(instance, accepted.context, database, sql) : { error: accepted.error };
    },
    connect: async (worker) => {
      const accepted = accept(worker);
      return accepted.ok ? { ok: true, session: await openLoopbackSession(instance, accepted.context, database) } : accepted;
    },
  };
}

/**
 * The launcher's messages as SQL Server's: printed output as informational messages, script
 * errors (39004, 39019, ...) as errors at the EXEC's line, with the script's own line kept so the
 * editor can point into the @script literal.
 */
class ScriptMessages {
  private last: ExecMessage | undefined;

  constructor(
    private readonly ctx: StatementContext,
    private readonly sink: Sink,
    private readonly at: ExecuteStatement,
    private readonly scriptOffset: number | undefined,
    /** The client cancelled the run. */
    private readonly cancelled: () => boolean,
  ) {}

  add(m: LauncherMessage): void {
    const place = this.ctx.frame.place(this.at.start);
    const error = m.kind === 'error';
    // A run the client cancelled reports that once, as SQL Server does ("Query was cancelled by
    // user.", script.ts): the launcher's word that it stopped the script would be a second error.
    if (error && this.cancelled()) return;
    const message: ExecMessage = {
      kind: error ? 'error' : 'info',
      number: m.number ?? (error ? null : 0),
      severity: error ? 16 : 0,
      state: STATES[m.number ?? 0] ?? 1,
      text: m.text,
      ...place,
      ...(m.line !== null ? { scriptLine: m.line } : {}),
      ...(this.scriptOffset !== undefined ? { scriptOffset: this.scriptOffset } : {}),
    };
    if (error) this.last = message;
    this.sink.message(message);
  }

  /** The statement's failure: the last error the launcher sent, already shown to the client. */
  failure(): ExecStop {
    const last = this.last;
    const stop = new ExecStop(
      { number: last?.number ?? 39019, level: 16, state: last?.state ?? 1, text: last?.text ?? 'An external script error occurred.', start: this.at.start, end: this.at.end },
      'statement',
    );
    stop.reported = true;
    return stop;
  }
}

/** The states SQL Server raises the launcher's messages with (mlservices-facts.md §1.6). */
const STATES: Readonly<Record<number, number>> = { 39004: 20, 39019: 2, 39012: 14, 39021: 1 };
