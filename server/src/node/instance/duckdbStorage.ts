// The executor's Storage on DuckDB files: one file per database under the instance's data folder
// (<data>/<db>.duckdb), master being the DuckDB instance's own file and every other database
// attached to it under its T-SQL name, which every connection then sees. Each executor session
// has a DuckDB connection of its own, so #temp tables (DuckDB temporary tables) are per session.
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import type { Storage, StorageSession } from '../../core/engine/executor/ports';
import { quoteIdentifier, quoteString } from '../../core/engine/translate';
import { DuckdbSession } from './duckdbSession';
import { FunctionSlots } from './functionSlots';
import { DataVersion } from './statementCache';

/** A database's file name: its name in lower case (names ignore case), anything unusual %-escaped. */
export function databaseFile(dataDir: string, name: string): string {
  const safe = [...name.toLowerCase()].map((c) => (/[a-z0-9_-]/.test(c) ? c : `%${c.codePointAt(0)!.toString(16).padStart(2, '0')}`)).join('');
  return join(dataDir, `${safe}.duckdb`);
}

const isMaster = (name: string) => name.toLowerCase() === 'master';

export class DuckdbStorage implements Storage {
  private readonly slots = new FunctionSlots();
  /** Sessions not closed yet: closing the storage interrupts what they still run. */
  private readonly open = new Set<DuckdbSession>();
  /** Every session's writes, which retire every session's kept statements (statementCache.ts). */
  private readonly data = new DataVersion();

  private constructor(
    private readonly dataDir: string,
    private readonly db: DuckDBInstance,
    /** A connection for attaching and detaching, which are instance-wide. */
    private readonly admin: DuckDBConnection,
  ) {}

  static async open(dataDir: string): Promise<DuckdbStorage> {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    // Rows staged for INSERT ... EXEC and WITH RESULT SETS are read back by a plain scan, in the
    // order they went in: DuckDB keeps that order for a statement without ORDER BY only with this
    // setting (its default, named here because the executor relies on it). A sort of a million
    // staged rows by rowid cost 100-200 ms.
    // SQL Server sorts NULL below every value: first in ascending order, last in descending order
    // (ORDER BY, and OVER (ORDER BY ...) too); DuckDB puts NULLs last both ways unless told.
    const db = await DuckDBInstance.create(databaseFile(dataDir, 'master'), { preserve_insertion_order: 'true', default_null_order: 'nulls_first_on_asc_last_on_desc' });
    return new DuckdbStorage(dataDir, db, await db.connect());
  }

  async attachDatabase(name: string): Promise<void> {
    if (isMaster(name)) return;
    await this.admin.run(`ATTACH IF NOT EXISTS ${quoteString(databaseFile(this.dataDir, name))} AS ${quoteIdentifier(name)}`);
  }

  async createDatabase(name: string): Promise<void> {
    const file = databaseFile(this.dataDir, name);
    // A file left by a CREATE DATABASE that crashed before its catalog entry was written.
    if (existsSync(file)) this.removeFiles(file);
    await this.admin.run(`ATTACH ${quoteString(file)} AS ${quoteIdentifier(name)}`);
  }

  async dropDatabase(name: string): Promise<void> {
    if (isMaster(name)) return;
    await this.admin.run(`DETACH DATABASE IF EXISTS ${quoteIdentifier(name)}`);
    this.removeFiles(databaseFile(this.dataDir, name));
  }

  async openSession(): Promise<StorageSession> {
    const slot = this.slots.acquire();
    const session: DuckdbSession = new DuckdbSession(
      await this.db.connect(),
      slot,
      () => {
        this.open.delete(session);
        this.slots.release(slot);
      },
      this.data,
    );
    this.open.add(session);
    return session;
  }

  async close(): Promise<void> {
    // A statement still running would hold the checkpoint and closeSync, which block the event loop
    // (and with it the daemon's stop deadline) until it ends: stop them first.
    for (const session of this.open) session.interrupt();
    // A checkpoint folds the write-ahead log into the files, so they stand alone once closed.
    await this.admin.run('CHECKPOINT').catch(() => undefined);
    this.admin.closeSync();
    this.db.closeSync();
  }

  private removeFiles(file: string): void {
    for (const path of [file, `${file}.wal`]) rmSync(path, { force: true });
  }
}
