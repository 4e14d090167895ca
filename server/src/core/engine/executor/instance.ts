// The state every session of an instance shares: the durable document (security catalog,
// configuration, pools, procedures), the tables of each database, and the ports. Changes to the
// document are committed one at a time, each durable before the statement that made it reports
// success; a writer takes the catalog lock first (catalogLock.ts), and a transaction's changes
// are staged by its session until COMMIT (session.ts, transactionCommit.ts). Opening takes the
// document of a transaction that committed in the storage when a crash kept it from the catalog
// file, and reconciles the catalog with the storage, which a crash between a table's DDL and the
// catalog write could have left apart.
import { DEFAULT_LOCKOUT_POLICY, registerObject, unregisterObject, type LockoutPolicy, type SecurityCatalog } from '../../security';
import { findDatabase } from '../../security/lookup';
import { quoteIdentifier } from '../translate';
import { newScriptCounters, type HostFacts } from './activity';
import { CatalogLock } from './catalogLock';
import { initialDocument, type InstanceDocument } from './document';
import type { LibraryInstaller } from './externalLibraries';
import type { CatalogStore, Clock, ExternalScripts, OsAccounts, PasswordHasher, Storage, StorageSession } from './ports';
import { metadataFromComment } from './tableMetadata';
import type { ExecutorSession, StagedCatalog } from './session';
import { TableRegistry } from './tables';
import { recoverCommittedDocument } from './transactionCommit';

export interface InstancePorts {
  storage: Storage;
  scripts: ExternalScripts;
  store: CatalogStore;
  clock: Clock;
  os: OsAccounts;
  passwords: PasswordHasher;
  /** Installs CREATE EXTERNAL LIBRARY packages (absent: the statement is refused). */
  libraries?: LibraryInstaller;
}

export interface InstanceOptions {
  /** The OS user who created the instance: sysadmin, as SQL Server setup makes the installing user. */
  owner: string;
  /** Rows a result set returns at most; the rest is cut with a message. */
  maxRows: number;
  /** Instance name and version for @@SERVERNAME / SERVERPROPERTY. */
  serverName: string;
  /** When wrong passwords lock a SQL login (CHECK_POLICY = ON); DEFAULT_LOCKOUT_POLICY when not given. */
  lockout?: LockoutPolicy;
  /** The machine's CPUs, memory and TDS port, for sys.dm_os_sys_info and sys.dm_server_registry. */
  host?: HostFacts;
}

/** Schemas that exist only in the catalog: their objects are the executor's catalog views. */
const VIRTUAL_SCHEMAS = new Set(['sys', 'information_schema']);

export class Instance {
  /** Replaced by a transaction's staged registry when it commits. */
  tables = new TableRegistry();
  readonly catalogLock = new CatalogLock();
  /** The catalog changes of the sessions' open transactions (update() applies to them too). */
  readonly stages = new Set<StagedCatalog>();
  /** The database each open session is using, by session id (DROP DATABASE refuses one in use). */
  readonly databasesInUse = new Map<number, string>();
  /** The open sessions by id: sys.dm_exec_sessions and sys.dm_exec_requests show them. */
  readonly sessions = new Map<number, ExecutorSession>();
  /** The External Scripts performance counters since the instance started. */
  readonly scriptCounters = newScriptCounters();
  /** When the instance started (sys.dm_os_sys_info.sqlserver_start_time). */
  readonly startedAt: number;
  private current: InstanceDocument;
  private saving: Promise<void> = Promise.resolve();
  /** Told once a statement's catalog change is durable (the daemon tells its clients: their pre-flight is stale). */
  private readonly committedListeners = new Set<(commitId: number) => void>();
  private sessionCounter = 50;

  private constructor(
    readonly ports: InstancePorts,
    readonly options: InstanceOptions,
    document: InstanceDocument,
  ) {
    this.current = document;
    this.startedAt = ports.clock.now();
  }

  static async open(ports: InstancePorts, options: InstanceOptions): Promise<Instance> {
    const stored = await ports.store.load();
    const instance = new Instance(ports, options, stored ?? initialDocument(options.owner));
    for (const db of instance.catalog.databases) await ports.storage.attachDatabase(db.name);
    const session = await ports.storage.openSession();
    try {
      const recovered = stored && (await recoverCommittedDocument(session, instance.catalog.databases.map((d) => d.name), stored));
      if (recovered) instance.current = recovered;
      const reconciled = await instance.loadTables(session);
      if (!stored || recovered || reconciled !== instance.catalog) await instance.commit({ ...instance.document, security: reconciled });
    } finally {
      await session.close();
    }
    return instance;
  }

  get document(): InstanceDocument {
    return this.current;
  }

  get catalog(): SecurityCatalog {
    return this.current.security;
  }

  get lockoutPolicy(): LockoutPolicy {
    return this.options.lockout ?? DEFAULT_LOCKOUT_POLICY;
  }

  /** SQL Server's session ids start above the system sessions' (51 is the first user's). */
  nextSessionId(): number {
    return ++this.sessionCounter;
  }

  /**
   * Makes `document` current and durable; resolves once it is on disk. The caller holds the
   * catalog lock (a session's statement) or is alone (opening); anything else uses update().
   */
  commit(document: InstanceDocument, announce = true): Promise<void> {
    document = { ...document, commitId: (this.current.commitId ?? 0) + 1 };
    this.current = document;
    const save = this.saving.then(() => this.ports.store.save(document));
    this.saving = save.catch(() => undefined);
    if (announce) {
      const commitId = document.commitId!;
      void save.then(() => {
        for (const listener of this.committedListeners) listener(commitId);
      }, () => undefined);
    }
    return save;
  }

  /**
   * Follows the catalog changes statements commit (configuration, logins, users, permissions,
   * objects), each once it is durable; returns the unsubscribe. Changes outside any statement (a
   * login's failed-password count) are not announced: nothing a client shows depends on them.
   */
  onCommitted(listener: (commitId: number) => void): () => void {
    this.committedListeners.add(listener);
    return () => this.committedListeners.delete(listener);
  }

  /**
   * A change that belongs to no transaction (a login's failed-password count): made on the
   * committed document without waiting for the catalog lock, and on every open transaction's
   * staged document too, so that its COMMIT keeps it.
   */
  update(change: (document: InstanceDocument) => InstanceDocument): Promise<void> {
    for (const stage of this.stages) stage.document = change(stage.document);
    return this.commit(change(this.current), false);
  }

  /** database_id as SQL Server numbers them: master 1, user databases from 5. */
  databaseId(name: string): number | null {
    const index = this.catalog.databases.findIndex((d) => d.name.toLowerCase() === name.toLowerCase());
    if (index < 0) return null;
    return index === 0 ? 1 : index + 4;
  }

  databaseById(id: number): string | null {
    const index = id === 1 ? 0 : id >= 5 ? id - 4 : -1;
    return index < 0 ? null : (this.catalog.databases[index]?.name ?? null);
  }

  /** Loads every database's tables and returns the catalog with its table objects matching them. */
  private async loadTables(session: StorageSession): Promise<SecurityCatalog> {
    let catalog = this.catalog;
    for (const db of catalog.databases) {
      for (const schema of db.schemas) {
        if (VIRTUAL_SCHEMAS.has(schema.name.toLowerCase())) continue;
        await session.run(`CREATE SCHEMA IF NOT EXISTS ${quoteIdentifier(db.name)}.${quoteIdentifier(schema.name)}`);
      }
      const stored = await session.query(
        'SELECT schema_name, table_name, comment FROM duckdb_tables() WHERE database_name = $1 AND NOT temporary',
        [db.name],
      );
      const present = new Set<string>();
      for (const [schema, name, comment] of stored.rows as [string, string, string | null][]) {
        const metadata = metadataFromComment(comment);
        if (!metadata) continue;
        const { columns, keys } = metadata;
        this.tables.add({ location: { kind: 'database', database: db.name, schema, name }, columns, keys });
        present.add(`${schema}.${name}`.toLowerCase());
        const registered = findDatabase(catalog, db.name)!.objects.some(
          (o) => o.type === 'U' && o.name.toLowerCase() === name.toLowerCase() && db.schemas.find((s) => s.schemaId === o.schemaId)?.name.toLowerCase() === schema.toLowerCase(),
        );
        if (!registered) {
          const added = registerObject(catalog, db.name, { schema, name, type: 'U', columns: columns.map((c) => c.name) });
          if (added.ok) catalog = added.value;
        }
      }
      for (const object of findDatabase(catalog, db.name)!.objects.filter((o) => o.type === 'U')) {
        const schema = db.schemas.find((s) => s.schemaId === object.schemaId)?.name ?? '';
        if (!present.has(`${schema}.${object.name}`.toLowerCase())) catalog = unregisterObject(catalog, db.name, schema, object.name);
      }
    }
    return catalog;
  }
}
