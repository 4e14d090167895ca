// What to ask the instance for a plan, as plain T-SQL (SELECT HAS_PERMS_BY_NAME(...), sys.configurations,
// sys.server_principals, sp_describe_first_result_set) so that a real SQL Server answers the same
// text; and how to read what comes back. All the questions of a document go in one text, one GO
// batch per database (USE first) and one per description, each SELECT's first column named after
// its question so that a failed statement cannot shift the answers of the others.
import type { PreflightPlan } from './plan';
import type { DatabaseAnswers, DescribedColumn, GroupLogin, PreflightAnswers, SqlFailure, TsqlOutcome, TsqlRunner } from './ports';
import { quoteName, quotedName, unicodeLiteral, type TablePermission } from './tables';

export type Question =
  | { kind: 'login' }
  | { kind: 'scriptsEnabled' }
  | { kind: 'groupLogins' }
  | { kind: 'database'; database: string | null }
  | { kind: 'executeAny'; database: string | null }
  | { kind: 'language'; database: string | null; language: string }
  | { kind: 'table'; database: string | null; schema: string | null; name: string; permission: TablePermission }
  | { kind: 'describe'; database: string | null; query: string; params: string | null }
  /** The Always Encrypted columns of a table @input_data_1 reads. */
  | { kind: 'encryptedColumns'; database: string | null; schema: string | null; name: string }
  /** Whether the database uses TDE. */
  | { kind: 'tde'; database: string | null };

export type Fact =
  | { kind: 'bit'; value: boolean | null }
  | { kind: 'text'; value: string | null }
  | { kind: 'database'; name: string | null; user: string | null; failure: SqlFailure | null }
  | { kind: 'groups'; logins: GroupLogin[]; complete: boolean }
  | { kind: 'columns'; columns: DescribedColumn[] | null; failure: SqlFailure | null }
  | { kind: 'names'; values: string[] }
  /** Asked, but the instance gave no answer (the statement failed): known to be unknown. */
  | { kind: 'unknown' };

const lower = (s: string | null) => (s === null ? '' : s.toLowerCase());

/** A stable identity: questions with equal keys have equal answers (for the same login). */
export function questionKey(q: Question): string {
  switch (q.kind) {
    case 'login':
    case 'scriptsEnabled':
    case 'groupLogins':
      return q.kind;
    case 'database':
    case 'executeAny':
    case 'tde':
      return `${q.kind}|${lower(q.database)}`;
    case 'encryptedColumns':
      return `encryptedColumns|${lower(q.database)}|${lower(q.schema)}|${q.name.toLowerCase()}`;
    case 'language':
      return `language|${lower(q.database)}|${q.language.toLowerCase()}`;
    case 'table':
      return `table|${lower(q.database)}|${lower(q.schema)}|${q.name.toLowerCase()}|${q.permission}`;
    case 'describe':
      return `describe|${lower(q.database)}|${q.params ?? ''}|${q.query}`;
  }
}

/** Questions answered the same whoever asks them: they are asked as the connected login. */
export function isInstanceQuestion(q: Question): boolean {
  return q.kind === 'groupLogins';
}

/** Every question the plan's rules and hover need, without duplicates; [] when nothing needs the instance. */
export function questionsFor(plan: PreflightPlan): Question[] {
  const out = new Map<string, Question>();
  const add = (q: Question) => out.set(questionKey(q), q);
  if (plan.calls.length === 0) return [];
  add({ kind: 'login' });
  add({ kind: 'scriptsEnabled' });
  for (const c of plan.calls) {
    add({ kind: 'database', database: c.database });
    add({ kind: 'executeAny', database: c.database });
    add({ kind: 'tde', database: c.database });
    if (c.language && plan.options.sqlServerVersion >= 2019) add({ kind: 'language', database: c.database, language: c.language });
    for (const t of c.tables) {
      const database = t.database ?? c.database;
      add({ kind: 'database', database });
      add({ kind: 'table', database, schema: t.schema, name: t.name, permission: t.permission });
      if (t.via === 'input') {
        add({ kind: 'tde', database });
        add({ kind: 'encryptedColumns', database, schema: t.schema, name: t.name });
      }
    }
    if (c.usages.some((u) => u.kind === 'trusted-loopback')) add({ kind: 'groupLogins' });
    if (c.input) add({ kind: 'describe', database: c.database, query: c.input.query, params: c.input.params });
  }
  return [...out.values()];
}

// ---- T-SQL ------------------------------------------------------------------------------------

interface SelectItem {
  alias: string;
  question: Question;
}

type BatchPlan =
  | { kind: 'selects'; line: number; database: string | null; items: SelectItem[] }
  | { kind: 'describe'; line: number; question: Extract<Question, { kind: 'describe' }> };

type Unlined = BatchPlan extends infer B ? (B extends unknown ? Omit<B, 'line'> : never) : never;

export interface TsqlRequest {
  text: string;
  /** Run as the login being checked (asLogin) or as the connected login. */
  asChecked: boolean;
  batches: BatchPlan[];
}

function selectFor(item: SelectItem): string {
  const a = item.alias;
  const q = item.question;
  switch (q.kind) {
    case 'login':
      return `SELECT SUSER_SNAME() AS [${a}];`;
    case 'scriptsEnabled':
      return `SELECT value_in_use AS [${a}] FROM sys.configurations WHERE name = N'external scripts enabled';`;
    case 'groupLogins':
      return [
        `SELECT name AS [${a}], is_disabled AS [${a}_disabled] FROM sys.server_principals WHERE type = 'G';`,
        `SELECT HAS_PERMS_BY_NAME(NULL, N'SERVER', N'VIEW ANY DEFINITION') AS [${a}_all];`,
      ].join('\n');
    case 'database':
      return `SELECT DB_NAME() AS [${a}], USER_NAME() AS [${a}_user];`;
    case 'executeAny':
      return `SELECT HAS_PERMS_BY_NAME(DB_NAME(), N'DATABASE', N'EXECUTE ANY EXTERNAL SCRIPT') AS [${a}];`;
    case 'language':
      return `SELECT HAS_PERMS_BY_NAME(${unicodeLiteral(q.language)}, N'EXTERNAL LANGUAGE', N'EXECUTE EXTERNAL SCRIPT') AS [${a}];`;
    case 'table':
      return `SELECT HAS_PERMS_BY_NAME(${unicodeLiteral(quotedName(q))}, N'OBJECT', N'${q.permission}') AS [${a}];`;
    case 'tde':
      return `SELECT is_encrypted AS [${a}] FROM sys.databases WHERE database_id = DB_ID();`;
    case 'encryptedColumns':
      return `SELECT name AS [${a}] FROM sys.columns WHERE object_id = OBJECT_ID(${unicodeLiteral(quotedName(q))}) AND encryption_type IS NOT NULL;`;
    case 'describe':
      throw new Error('a description is a batch of its own');
  }
}

/** The T-SQL texts for the questions: one when every question is asked as the same login. */
export function buildRequests(questions: readonly Question[], options: { separateInstanceQuestions: boolean }): TsqlRequest[] {
  const requests: TsqlRequest[] = [];
  const groups = options.separateInstanceQuestions
    ? [
        { asChecked: true, questions: questions.filter((q) => !isInstanceQuestion(q)) },
        { asChecked: false, questions: questions.filter(isInstanceQuestion) },
      ]
    : [{ asChecked: true, questions: [...questions] }];
  for (const group of groups) {
    if (group.questions.length === 0) continue;
    const chunks: { body: string; plan: Unlined }[] = [];
    let alias = 0;
    let guardedAlias = 0;
    // Server-level questions first, in no database; then one batch per database.
    const byDatabase = new Map<string, { database: string | null; items: SelectItem[] }>();
    // Encryption questions name columns an older server lacks (Msg 207 fails a whole batch): a batch of their own.
    const protection = new Map<string, { database: string | null; items: SelectItem[] }>();
    const serverItems: SelectItem[] = [];
    const describes: Extract<Question, { kind: 'describe' }>[] = [];
    for (const q of group.questions) {
      if (q.kind === 'describe') describes.push(q);
      else if (q.kind === 'login' || q.kind === 'scriptsEnabled' || q.kind === 'groupLogins') serverItems.push({ alias: `q${alias++}`, question: q });
      else {
        const key = lower(q.database);
        const guarded = q.kind === 'tde' || q.kind === 'encryptedColumns';
        const into = guarded ? protection : byDatabase;
        const entry = into.get(key) ?? { database: q.database, items: [] };
        entry.items.push({ alias: guarded ? `e${guardedAlias++}` : `q${alias++}`, question: q });
        into.set(key, entry);
      }
    }
    if (serverItems.length) chunks.push({ body: serverItems.map(selectFor).join('\n'), plan: { kind: 'selects', database: null, items: serverItems } });
    for (const { database, items } of byDatabase.values()) {
      // The database question first: its answer says whether the USE worked.
      items.sort((a, b) => Number(b.question.kind === 'database') - Number(a.question.kind === 'database'));
      chunks.push({ body: [...use(database), ...items.map(selectFor)].join('\n'), plan: { kind: 'selects', database, items } });
    }
    for (const q of describes) {
      const params = q.params !== null ? `, @params = ${unicodeLiteral(q.params)}` : '';
      chunks.push({ body: [...use(q.database), `EXEC sp_describe_first_result_set @tsql = ${unicodeLiteral(q.query)}${params};`].join('\n'), plan: { kind: 'describe', question: q } });
    }
    for (const { database, items } of protection.values()) {
      chunks.push({ body: [...use(database), ...items.map(selectFor)].join('\n'), plan: { kind: 'selects', database, items } });
    }
    let line = 0;
    const batches: BatchPlan[] = [];
    const texts: string[] = [];
    for (const chunk of chunks) {
      batches.push({ ...chunk.plan, line } as BatchPlan);
      texts.push(chunk.body);
      line += lineCount(chunk.body) + 1; // the GO line
    }
    requests.push({ text: `${texts.join('\nGO\n')}\n`, asChecked: group.asChecked, batches });
  }
  return requests;
}

function use(database: string | null): string[] {
  return database === null ? [] : [`USE ${quoteName(database)};`];
}

function lineCount(text: string): number {
  return text.split(/\r\n|\r|\n/).length;
}

// ---- reading the answers ----------------------------------------------------------------------

/** The facts an outcome gives for a request's questions; a question with no answer gets an unknown fact. */
export function readOutcome(request: TsqlRequest, outcome: TsqlOutcome): Map<string, Fact> {
  const facts = new Map<string, Fact>();
  const byLine = new Map(request.batches.map((b) => [b.line, b]));
  const sameShape = outcome.batches.length === request.batches.length;
  outcome.batches.forEach((got, index) => {
    const plan = byLine.get(got.line) ?? (sameShape ? request.batches[index] : undefined);
    if (!plan) return;
    const failure = firstError(got.messages);
    if (plan.kind === 'describe') {
      const set = got.resultSets.find((s) => s.columns.some((c) => c.name.toLowerCase() === 'system_type_name'));
      facts.set(questionKey(plan.question), set ? { kind: 'columns', columns: describedColumns(set), failure: null } : { kind: 'columns', columns: null, failure: failure ?? NO_ANSWER });
      return;
    }
    const sets = new Map<string, { columns: { name: string }[]; rows: unknown[][] }>();
    for (const s of got.resultSets) if (s.columns[0]) sets.set(s.columns[0].name.toLowerCase(), s);
    for (const item of plan.items) {
      const set = sets.get(item.alias);
      const first = set?.rows[0];
      switch (item.question.kind) {
        case 'login':
          facts.set(questionKey(item.question), { kind: 'text', value: first ? textOf(first[0]) : null });
          break;
        case 'database':
          facts.set(
            questionKey(item.question),
            first ? { kind: 'database', name: textOf(first[0]), user: textOf(first[1]), failure: null } : { kind: 'database', name: null, user: null, failure: failure ?? NO_ANSWER },
          );
          break;
        case 'encryptedColumns':
          if (set) facts.set(questionKey(item.question), { kind: 'names', values: set.rows.map((r) => textOf(r[0]) ?? '') });
          break;
        case 'groupLogins': {
          if (!set) break;
          const all = sets.get(`${item.alias}_all`)?.rows[0];
          const logins = set.rows.map((r) => ({ name: textOf(r[0]) ?? '', disabled: bitOf(r[1]) === true }));
          facts.set(questionKey(item.question), { kind: 'groups', logins, complete: all ? bitOf(all[0]) === true : false });
          break;
        }
        default:
          facts.set(questionKey(item.question), { kind: 'bit', value: first ? bitOf(first[0]) : null });
      }
    }
  });
  return facts;
}

const NO_ANSWER: SqlFailure = { number: null, text: 'The instance returned no answer.' };

function firstError(messages: TsqlOutcome['batches'][number]['messages']): SqlFailure | null {
  const e = messages.find((m) => m.kind === 'error');
  return e ? { number: e.number, text: e.text } : null;
}

function describedColumns(set: { columns: { name: string }[]; rows: unknown[][] }): DescribedColumn[] {
  const at = (name: string) => set.columns.findIndex((c) => c.name.toLowerCase() === name);
  const name = at('name');
  const type = at('system_type_name');
  const hidden = at('is_hidden');
  const ordinal = at('column_ordinal');
  const rows = set.rows.filter((r) => hidden < 0 || bitOf(r[hidden]) !== true);
  if (ordinal >= 0) rows.sort((a, b) => Number(a[ordinal]) - Number(b[ordinal]));
  return rows.map((r) => ({ name: textOf(r[name]) ?? '', type: textOf(r[type]) ?? '' }));
}

function textOf(v: unknown): string | null {
  return v === null || v === undefined ? null : String(v);
}

function bitOf(v: unknown): boolean | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'boolean') return v;
  const n = Number(v);
  return Number.isNaN(n) ? null : n !== 0;
}

/** When every batch failed with the same error (EXECUTE AS refused, login failed): that error. */
export function commonFailure(outcome: TsqlOutcome): SqlFailure | null {
  if (outcome.batches.length === 0) return null;
  const failures = outcome.batches.map((b) => (b.resultSets.length === 0 ? firstError(b.messages) : null));
  const first = failures[0];
  return first && failures.every((f) => f && f.number === first.number) ? first : null;
}

export interface AskResult {
  facts: Map<string, Fact>;
  /** Set when the instance refused the whole check (Msg 15406 for a login that cannot be impersonated). */
  failure: SqlFailure | null;
}

/** Asks the instance every question in one text (two when the instance questions must not run as asLogin). */
export async function askInstance(questions: readonly Question[], runner: TsqlRunner, options: { asLogin?: string }): Promise<AskResult> {
  const requests = buildRequests(questions, { separateInstanceQuestions: options.asLogin !== undefined });
  const facts = new Map<string, Fact>();
  let failure: SqlFailure | null = null;
  for (const request of requests) {
    const outcome = await runner.run(request.text, request.asChecked && options.asLogin !== undefined ? { asLogin: options.asLogin } : {});
    failure ??= commonFailure(outcome);
    for (const [k, v] of readOutcome(request, outcome)) facts.set(k, v);
  }
  // Every question asked has a fact now, so nobody asks it again until the answers are dropped.
  for (const q of questions) if (!facts.has(questionKey(q))) facts.set(questionKey(q), { kind: 'unknown' });
  return { facts, failure };
}

// ---- assembling -------------------------------------------------------------------------------

/** The answers for a plan from whatever facts are known (unknown ones stay null). */
export function assembleAnswers(plan: PreflightPlan, fact: (key: string) => Fact | undefined): PreflightAnswers {
  const bit = (q: Question) => {
    const f = fact(questionKey(q));
    return f?.kind === 'bit' ? f.value : null;
  };
  const loginFact = fact(questionKey({ kind: 'login' }));
  const groupsFact = fact(questionKey({ kind: 'groupLogins' }));
  const databases = new Map<string, DatabaseAnswers>();
  const describes: PreflightAnswers['describes'] = [];
  for (const q of questionsFor(plan)) {
    if (q.kind === 'describe') {
      const f = fact(questionKey(q));
      if (f?.kind === 'columns') describes.push({ database: q.database, query: q.query, columns: f.columns, failure: f.failure });
      continue;
    }
    if (!('database' in q)) continue;
    const key = lower(q.database);
    let db = databases.get(key);
    if (!db) {
      const f = fact(questionKey({ kind: 'database', database: q.database }));
      const d = f?.kind === 'database' ? f : null;
      db = { database: q.database, name: d?.name ?? null, user: d?.user ?? null, failure: d?.failure ?? null, executeAnyExternalScript: null, languages: [], tables: [] };
      databases.set(key, db);
    }
    // Only what was asked: a question not answered yet is not an answer of NULL.
    const answered = fact(questionKey(q))?.kind === 'bit';
    if (q.kind === 'executeAny') db.executeAnyExternalScript = bit(q);
    else if (q.kind === 'language' && answered) db.languages.push({ language: q.language, allowed: bit(q) });
    else if (q.kind === 'table' && answered) db.tables.push({ schema: q.schema, name: q.name, permission: q.permission, allowed: bit(q) });
    else if (q.kind === 'tde' && answered) db.encrypted = bit(q);
    else if (q.kind === 'encryptedColumns') {
      const f = fact(questionKey(q));
      if (f?.kind === 'names') (db.encryptedColumns ??= []).push({ schema: q.schema, name: q.name, columns: f.values });
    }
  }
  return {
    login: loginFact?.kind === 'text' ? loginFact.value : null,
    externalScriptsEnabled: bit({ kind: 'scriptsEnabled' }),
    groupLogins: groupsFact?.kind === 'groups' ? { logins: groupsFact.logins, complete: groupsFact.complete } : null,
    databases: [...databases.values()],
    describes,
  };
}
