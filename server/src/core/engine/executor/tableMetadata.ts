// A table's T-SQL column types, kept with the table itself as its storage comment, so that they
// are committed (and dropped) together with it: the storage's own types are coarser (every
// string type is VARCHAR), and SQL Server reports nvarchar(50) where it was declared.
// The names of its PRIMARY KEY / UNIQUE constraints are kept there too (the storage has none).
import type { ColumnInfo, KeyConstraint } from '../translate';

interface StoredMetadata {
  sqlml: 1;
  columns: ColumnInfo[];
  /** Absent in comments written before key names were kept. */
  keys?: KeyConstraint[];
}

export function tableComment(columns: readonly ColumnInfo[], keys: readonly KeyConstraint[]): string {
  const metadata: StoredMetadata = { sqlml: 1, columns: [...columns], keys: [...keys] };
  return JSON.stringify(metadata);
}

/** The columns and keys a comment describes; null for a table the executor did not create. */
export function metadataFromComment(comment: string | null): { columns: ColumnInfo[]; keys: KeyConstraint[] } | null {
  if (!comment) return null;
  try {
    const parsed = JSON.parse(comment) as Partial<StoredMetadata>;
    if (parsed.sqlml !== 1 || !Array.isArray(parsed.columns)) return null;
    return { columns: parsed.columns, keys: Array.isArray(parsed.keys) ? parsed.keys : [] };
  } catch {
    return null;
  }
}
