// Helpers for the pre-flight tests: plan a document, fake answers, apply a fix, and a fake
// instance that answers the T-SQL the pre-flight sends (only those statement shapes), with
// SQL Server's rules where they matter (USE of a missing database is Msg 911, of one without a
// user Msg 916; EXECUTE AS of an unknown login is Msg 15406).
import { analyze, DEFAULT_OPTIONS } from '../../../server/src/core/analysis/analyze';
import { planPreflight, type PreflightAnswers, type PreflightOptions, type TsqlOutcome, type TsqlRunner } from '../../../server/src/core/preflight';
import type { Fix, Problem } from '../../../server/src/core/diagnostics/problems';
import { LineIndex } from '../../../server/src/core/text/lineIndex';

export const OPTIONS: PreflightOptions = { sqlServerVersion: 2019, workerGroups: ['sqlmlusers'] };

export function planOf(text: string, options: Partial<PreflightOptions> = {}) {
  const analysis = analyze(text, { ...DEFAULT_OPTIONS, sqlServerVersion: options.sqlServerVersion ?? 2019 });
  return planPreflight(text, analysis, { ...OPTIONS, ...options });
}

/** 'SQLML302 3:20 dbo.iris': code, 1-based line:column, and the text the problem covers. */
export function where(text: string, problems: Problem[]): string[] {
  const lines = new LineIndex(text);
  return problems.map((p) => {
    const pos = lines.positionAt(p.start);
    return `${p.code} ${pos.line + 1}:${pos.character + 1} ${text.slice(p.start, p.end)}`;
  });
}

export function applyFix(text: string, fix: Fix): string {
  let out = text;
  for (const e of [...fix.edits].sort((a, b) => b.start - a.start)) out = out.slice(0, e.start) + e.newText + out.slice(e.end);
  return out;
}

/** Answers where everything is allowed; override what a test is about. */
export function answers(over: Partial<PreflightAnswers> = {}): PreflightAnswers {
  return {
    login: 'alice',
    externalScriptsEnabled: true,
    groupLogins: { logins: [{ name: 'sqlmlusers', disabled: false }], complete: true },
    databases: [],
    describes: [],
    ...over,
  };
}

// ---- a fake instance ---------------------------------------------------------------------------

export interface FakeTable {
  columns: { name: string; type: string }[];
  /** Users granted each permission. */
  grants: Partial<Record<'SELECT' | 'INSERT' | 'UPDATE' | 'DELETE', string[]>>;
  /** Always Encrypted columns (sys.columns.encryption_type not NULL). */
  encrypted?: string[];
}

export interface FakeDatabase {
  /** login (lower case) -> user name. */
  users: Record<string, string>;
  executeAny: string[];
  /** language (lower case) -> users granted EXECUTE EXTERNAL SCRIPT on it. */
  languages?: Record<string, string[]>;
  /** 'dbo.iris' (lower case) -> table. */
  tables: Record<string, FakeTable>;
  /** sys.databases.is_encrypted (TDE). */
  tde?: boolean;
}

export interface FakeWorld {
  login: string;
  defaultDatabase: string;
  scriptsEnabled: boolean;
  groupLogins: { name: string; disabled: boolean }[];
  /** Logins that exist (EXECUTE AS LOGIN of another is Msg 15406). */
  logins: string[];
  sysadmins: string[];
  databases: Record<string, FakeDatabase>;
}

export function fakeWorld(): FakeWorld {
  return {
    login: 'dev',
    defaultDatabase: 'master',
    scriptsEnabled: true,
    groupLogins: [{ name: 'sqlmlusers', disabled: false }],
    logins: ['dev', 'alice', 'sa'],
    sysadmins: ['dev', 'sa'],
    databases: {
      master: { users: { dev: 'dbo', sa: 'dbo', alice: 'guest' }, executeAny: [], tables: {} },
      ml: {
        users: { dev: 'dbo', sa: 'dbo', alice: 'alice' },
        executeAny: ['alice'],
        tables: {
          'dbo.iris': { columns: [{ name: 'id', type: 'int' }, { name: 'sepal_length', type: 'float' }, { name: 'species', type: 'nvarchar(20)' }], grants: { SELECT: ['alice'] } },
          'dbo.scores': { columns: [{ name: 'id', type: 'int' }, { name: 'score', type: 'float' }], grants: {} },
        },
      },
    },
  };
}

export class FakeInstance implements TsqlRunner {
  readonly texts: { text: string; asLogin?: string }[] = [];
  constructor(public world: FakeWorld) {}

  async run(text: string, options: { asLogin?: string }): Promise<TsqlOutcome> {
    this.texts.push({ text, ...(options.asLogin !== undefined ? { asLogin: options.asLogin } : {}) });
    const w = this.world;
    const login = (options.asLogin ?? w.login).toLowerCase();
    const batches: TsqlOutcome['batches'] = [];
    let line = 0;
    for (const body of text.replace(/\n$/, '').split(/\nGO\n/)) {
      const batch: TsqlOutcome['batches'][number] = { line, resultSets: [], messages: [] };
      batches.push(batch);
      line += body.split('\n').length + 1;
      const fail = (number: number, message: string) => batch.messages.push({ kind: 'error', number, text: message });
      if (options.asLogin !== undefined && !w.logins.some((l) => l.toLowerCase() === login)) {
        fail(15406, `Cannot execute as the server principal because the principal "${options.asLogin}" does not exist, this type of principal cannot be impersonated, or you do not have permission.`);
        continue;
      }
      const sysadmin = w.sysadmins.some((l) => l.toLowerCase() === login);
      let dbName = w.defaultDatabase;
      const one = (alias: string, value: unknown, type = 'int') => batch.resultSets.push({ columns: [{ name: alias, type }], rows: [[value]] });
      for (const statement of body.split(/;\n/)) {
        const s = statement.trim().replace(/;$/, '');
        let m: RegExpExecArray | null;
        const db = () => w.databases[Object.keys(w.databases).find((d) => d.toLowerCase() === dbName.toLowerCase())!];
        if ((m = /^USE \[(.+)\]$/.exec(s))) {
          const found = Object.keys(w.databases).find((d) => d.toLowerCase() === m![1]!.toLowerCase());
          if (!found) {
            fail(911, `Database '${m[1]}' does not exist. Make sure that the name is entered correctly.`);
            break;
          }
          if (!sysadmin && !w.databases[found]!.users[login]) {
            fail(916, `The server principal "${options.asLogin ?? w.login}" is not able to access the database "${found}" under the current security context.`);
            break;
          }
          dbName = found;
        } else if ((m = /^SELECT SUSER_SNAME\(\) AS \[(\w+)\]$/.exec(s))) one(m[1]!, options.asLogin ?? w.login, 'nvarchar(128)');
        else if ((m = /^SELECT value_in_use AS \[(\w+)\] FROM sys\.configurations/.exec(s))) one(m[1]!, w.scriptsEnabled ? 1 : 0);
        else if ((m = /^SELECT name AS \[(\w+)\], is_disabled AS \[\w+\] FROM sys\.server_principals WHERE type = 'G'$/.exec(s))) {
          batch.resultSets.push({ columns: [{ name: m[1]!, type: 'sysname' }, { name: `${m[1]}_disabled`, type: 'bit' }], rows: w.groupLogins.map((g) => [g.name, g.disabled]) });
        } else if ((m = /^SELECT HAS_PERMS_BY_NAME\(NULL, N'SERVER', N'VIEW ANY DEFINITION'\) AS \[(\w+)\]$/.exec(s))) one(m[1]!, sysadmin ? 1 : 0);
        else if ((m = /^SELECT DB_NAME\(\) AS \[(\w+)\], USER_NAME\(\) AS \[\w+\]$/.exec(s))) {
          batch.resultSets.push({ columns: [{ name: m[1]!, type: 'nvarchar(128)' }, { name: `${m[1]}_user`, type: 'nvarchar(128)' }], rows: [[dbName, sysadmin ? 'dbo' : db()!.users[login] ?? null]] });
        } else if ((m = /^SELECT HAS_PERMS_BY_NAME\(DB_NAME\(\), N'DATABASE', N'EXECUTE ANY EXTERNAL SCRIPT'\) AS \[(\w+)\]$/.exec(s))) {
          const user = db()!.users[login];
          one(m[1]!, sysadmin || user === 'dbo' || (user !== undefined && db()!.executeAny.includes(user)) ? 1 : 0);
        } else if ((m = /^SELECT HAS_PERMS_BY_NAME\(N'(.+)', N'EXTERNAL LANGUAGE', N'EXECUTE EXTERNAL SCRIPT'\) AS \[(\w+)\]$/.exec(s))) {
          const user = db()!.users[login];
          const granted = db()!.languages?.[m[1]!.toLowerCase()] ?? [];
          one(m[2]!, sysadmin || user === 'dbo' || (user !== undefined && (granted.includes(user) || db()!.executeAny.includes(user))) ? 1 : 0);
        } else if ((m = /^SELECT HAS_PERMS_BY_NAME\(N'(.+)', N'OBJECT', N'(\w+)'\) AS \[(\w+)\]$/.exec(s))) {
          const key = m[1]!.replace(/''/g, "'").replace(/\[([^\]]+)\]/g, '$1').toLowerCase();
          const table = db()!.tables[key.includes('.') ? key : `dbo.${key}`];
          const user = db()!.users[login];
          const perm = m[2] as keyof FakeTable['grants'];
          one(m[3]!, !table ? null : sysadmin || user === 'dbo' || (user !== undefined && (table.grants[perm] ?? []).includes(user)) ? 1 : 0);
        } else if ((m = /^SELECT is_encrypted AS \[(\w+)\] FROM sys\.databases WHERE database_id = DB_ID\(\)$/.exec(s))) one(m[1]!, db()!.tde ? 1 : 0);
        else if ((m = /^SELECT name AS \[(\w+)\] FROM sys\.columns WHERE object_id = OBJECT_ID\(N'(.+)'\) AND encryption_type IS NOT NULL$/.exec(s))) {
          const key = m[2]!.replace(/''/g, "'").replace(/\[([^\]]+)\]/g, '$1').toLowerCase();
          const table = db()!.tables[key.includes('.') ? key : `dbo.${key}`];
          batch.resultSets.push({ columns: [{ name: m[1]!, type: 'sysname' }], rows: (table?.encrypted ?? []).map((c) => [c]) });
        } else if ((m = /^EXEC sp_describe_first_result_set @tsql = N'([\s\S]*)'$/.exec(s))) {
          const query = m[1]!.replace(/''/g, "'");
          const from = /FROM\s+([\w.[\]]+)/i.exec(query);
          const key = from ? from[1]!.replace(/\[([^\]]+)\]/g, '$1').toLowerCase() : '';
          const table = db()!.tables[key.includes('.') ? key : `dbo.${key}`];
          if (!table) {
            fail(208, `Invalid object name '${from?.[1] ?? '?'}'.`);
            continue;
          }
          batch.resultSets.push({
            columns: [{ name: 'is_hidden', type: 'bit' }, { name: 'column_ordinal', type: 'int' }, { name: 'name', type: 'sysname' }, { name: 'system_type_name', type: 'nvarchar(256)' }],
            rows: table.columns.map((c, k) => [false, k + 1, c.name, c.type]),
          });
        } else if (s !== '') {
          fail(102, `Incorrect syntax near '${s.slice(0, 20)}'.`);
        }
      }
    }
    return { batches };
  }
}
