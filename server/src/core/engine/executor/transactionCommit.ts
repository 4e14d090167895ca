// COMMIT of a transaction that changed the catalog. The data commits in the storage, the catalog
// is a file the CatalogStore replaces: two writes, and a crash between them must not leave half a
// transaction. So the storage transaction itself carries the new document: it is written to a
// record table of the database the transaction wrote (the storage lets one transaction write only
// one database; master when it wrote none), numbered with the document's commitId, and the
// storage COMMIT is the one moment the transaction commits. Then the catalog file is replaced.
//
//   crash before the storage COMMIT  -> neither the data nor the record is there; the file is the
//                                       old document: nothing of the transaction survives.
//   crash after it, before the file  -> the data and the record are there; opening the instance
//                                       finds a record numbered above the file's document and
//                                       takes it (recoverCommittedDocument): all of it survives.
//
// Only the latest record is kept per database; a record below the file's number is stale. One at
// the file's number is taken too: it is either the same document, or the file holds a change made
// by Instance.update() while the transaction was committing, and keeping the transaction matters more.
import { quoteIdentifier } from '../translate';
import type { InstanceDocument } from './document';
import type { StorageSession } from './ports';
import type { ExecutorSession, StagedCatalog } from './session';

/** In the storage's own schema, apart from every T-SQL schema (dbo and the others have their own). */
const recordTable = (database: string) => `${quoteIdentifier(database)}.main."sqlml$catalog_commit"`;

/**
 * Commits the storage transaction with the staged catalog's record, as the comment above orders
 * it, and publishes the catalog. Resolves once the storage committed, with the catalog file write
 * still to wait for: a failure of that write no longer undoes the transaction.
 */
export async function commitStagedCatalog(session: ExecutorSession, staged: StagedCatalog, database: string): Promise<{ written: Promise<void> }> {
  const instance = session.instance;
  const commitId = (instance.document.commitId ?? 0) + 1;
  const document: InstanceDocument = { ...staged.document, commitId };
  const table = recordTable(database);
  await session.storage.run(`CREATE TABLE IF NOT EXISTS ${table} (commit_id BIGINT NOT NULL, document VARCHAR NOT NULL)`);
  await session.storage.run(`DELETE FROM ${table}`);
  await session.storage.run(`INSERT INTO ${table} VALUES ($1, $2)`, [commitId, JSON.stringify(document)]);
  await session.storage.transaction('commit');
  // Committed from here on, whatever happens to the file write: the record stands for it.
  instance.tables = staged.tables;
  return { written: instance.commit(document) };
}

/**
 * The document of the newest transaction that committed in the storage but whose catalog file
 * write a crash prevented, or null when the stored document is current.
 */
export async function recoverCommittedDocument(session: StorageSession, databases: readonly string[], stored: InstanceDocument): Promise<InstanceDocument | null> {
  let newest: InstanceDocument | null = null;
  for (const database of databases) {
    const present = await session.query("SELECT 1 FROM duckdb_tables() WHERE database_name = $1 AND schema_name = 'main' AND table_name = 'sqlml$catalog_commit'", [database]);
    if (present.rows.length === 0) continue;
    const records = await session.query(`SELECT commit_id, document FROM ${recordTable(database)}`, []);
    for (const [id, text] of records.rows) {
      if (Number(id) < (newest?.commitId ?? stored.commitId ?? 0)) continue;
      newest = JSON.parse(String(text)) as InstanceDocument;
    }
  }
  return newest;
}
