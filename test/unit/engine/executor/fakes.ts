// In-memory ports for the executor's unit tests. The storage holds no data: it answers the
// constant SELECTs the translator makes of literals and variables (what security statements and
// sp_execute_external_script's arguments need) and records every other statement; the external
// scripts port records launch requests and answers with a canned outcome.
import type { LaunchRequest } from '../../../../server/src/core/launcher/request';
import type { LaunchOutcome } from '../../../../server/src/core/launcher/result';
import {
  ExecutorSession,
  Instance,
  runScript,
  type CatalogStore,
  type ExecMessage,
  type ExternalScripts,
  type InstanceDocument,
  type RunResult,
  type ScriptRunOptions,
  type SqlValue,
  type Storage,
  type StorageSession,
  type StoredChunks,
  type StoredColumns,
  type StoredRows,
} from '../../../../server/src/core/engine/executor';
import { connectWithOsIdentity } from '../../../../server/src/core/security';

/** The value of `SELECT <literal>` or `SELECT CAST($1 AS ...)`, the forms constant values take. */
function constant(sql: string, parameters: readonly SqlValue[]): SqlValue {
  const body = sql.replace(/^SELECT /, '');
  const text = /^'((?:[^']|'')*)'$/.exec(body);
  if (text) return text[1]!.replace(/''/g, "'");
  const number = /^\(?(-?\d+(?:\.\d+)?)\)?$/.exec(body) ?? /^CAST\(\(?(-?\d+)\)? AS VARCHAR\)$/.exec(body);
  if (number) return body.startsWith('CAST') ? number[1]! : Number(number[1]);
  const parameter = /^CAST\(\$(\d+) AS [A-Z]+\)$/.exec(body);
  if (parameter) return parameters[Number(parameter[1]) - 1] ?? null;
  if (/^\(\d+ <> 0\)$/.test(body)) return !body.startsWith('(0');
  throw new Error(`the fake storage cannot run: ${sql}`);
}

export class FakeStorageSession implements StorageSession {
  readonly statements: string[] = [];

  async query(sql: string, parameters: readonly SqlValue[]): Promise<StoredRows> {
    if (sql.includes('duckdb_tables()')) return { rows: [], truncated: false };
    return { rows: [[constant(sql, parameters)]], truncated: false };
  }
  async queryColumns(sql: string, parameters: readonly SqlValue[]): Promise<StoredColumns> {
    const { rows } = await this.query(sql, parameters);
    return { values: rows[0]?.map((_, c) => rows.map((row) => row[c]!)) ?? [], rowCount: rows.length };
  }
  async queryChunks(sql: string, parameters: readonly SqlValue[]): Promise<StoredChunks> {
    const columns = await this.queryColumns(sql, parameters);
    return { truncated: false, [Symbol.asyncIterator]: async function* () { yield columns; } };
  }
  async run(sql: string): Promise<number> {
    this.statements.push(sql);
    return 0;
  }
  async stageRows(table: string, width: number, rows: readonly unknown[]): Promise<void> {
    this.statements.push(`stage ${rows.length} rows of ${width} columns in ${table}`);
  }
  async stageColumns(table: string, columnar: { values: readonly unknown[]; rowCount: number }): Promise<void> {
    this.statements.push(`stage ${columnar.rowCount} rows of ${columnar.values.length} columns in ${table}`);
  }
  async transaction(): Promise<void> {}
  registerScalarFunction(spec: { name: string }): string {
    return spec.name;
  }
  registerTableFunction(spec: { name: string }): string {
    return spec.name;
  }
  interrupt(): void {}
  async close(): Promise<void> {}
}

export class FakeStorage implements Storage {
  readonly databases: string[] = [];
  async attachDatabase(name: string): Promise<void> {
    this.databases.push(name);
  }
  async createDatabase(name: string): Promise<void> {
    this.databases.push(name);
  }
  async dropDatabase(name: string): Promise<void> {
    this.databases.splice(this.databases.indexOf(name), 1);
  }
  async openSession(): Promise<StorageSession> {
    return new FakeStorageSession();
  }
  async close(): Promise<void> {}
}

export class MemoryStore implements CatalogStore {
  saved: InstanceDocument[] = [];
  async load(): Promise<InstanceDocument | null> {
    return this.saved[this.saved.length - 1] ?? null;
  }
  async save(document: InstanceDocument): Promise<void> {
    this.saved.push(structuredClone(document));
  }
}

export class FakeScripts implements ExternalScripts {
  readonly requests: { request: LaunchRequest; options: ScriptRunOptions }[] = [];
  outcome: LaunchOutcome = {
    ok: true,
    result: {
      session: { id: 'S1', caller: '', pool: 'default', worker: 'sqlml01', mode: 'none', state: 'succeeded', exitCode: 0, durationMs: 1 },
      resultSets: [],
      outputParams: {},
      messages: [],
    },
  };
  async run(request: LaunchRequest, options: ScriptRunOptions): Promise<LaunchOutcome> {
    this.requests.push({ request, options });
    return this.outcome;
  }
  async applyPools() {
    return { ok: true as const };
  }
  sessions() {
    return [];
  }
  pools() {
    return [];
  }
  workerGroups() {
    return ['sqlmlusers'];
  }
  isolation() {
    return 'none (unisolated)';
  }
}

export const OWNER = 'owner';

export interface Fixture {
  instance: Instance;
  scripts: FakeScripts;
  store: MemoryStore;
  /** A session of the instance's owner (sysadmin). */
  admin: ExecutorSession;
  run(session: ExecutorSession, text: string): Promise<RunResult & { errors: ExecMessage[] }>;
}

/** OS accounts of the tests: the owner and 'alice' are users, 'analysts' is a group. */
const OS: Record<string, 'user' | 'group'> = { owner: 'user', alice: 'user', analysts: 'group' };

export async function fixture(): Promise<Fixture> {
  const scripts = new FakeScripts();
  const store = new MemoryStore();
  const instance = await Instance.open(
    {
      storage: new FakeStorage(),
      scripts,
      store,
      clock: { now: () => 0, sleep: async () => undefined },
      os: { kind: (name) => OS[name] ?? null },
      passwords: { hash: async (password) => `hashed:${password}`, verify: async (password, hash) => hash === `hashed:${password}` },
    },
    { owner: OWNER, maxRows: 100, serverName: 'test' },
  );
  const connected = connectWithOsIdentity(instance.catalog, { user: OWNER, groups: [] });
  if (!connected.ok) throw new Error(connected.error.text);
  const admin = await ExecutorSession.open(instance, connected.value);
  const never = { aborted: false, addEventListener: () => undefined, removeEventListener: () => undefined };
  return {
    instance,
    scripts,
    store,
    admin,
    run: async (session, text) => {
      const result = await runScript(session, text, { signal: never, onMessage: () => undefined });
      return { ...result, errors: result.batches.flatMap((b) => b.messages).filter((m) => m.kind === 'error') };
    },
  };
}
