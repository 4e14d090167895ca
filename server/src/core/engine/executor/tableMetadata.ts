// A table's T-SQL column types, kept with the table itself as its storage comment, so that they
// are committed (and dropped) together with it: the storage's own types are coarser (every
// string type is VARCHAR), and SQL Server reports nvarchar(50) where it was declared.
import type { ColumnInfo } from '../translate';

interface StoredMetadata {
  sqlml: 1;
  columns: ColumnInfo[];
}

export function tableComment(columns: readonly ColumnInfo[]): string {
  const metadata: StoredMetadata = { sqlml: 1, columns: [...columns] };
  return JSON.stringify(metadata);
}

/** The columns a comment describes; null for a table the executor did not create. */
export function columnsFromComment(comment: string | null): ColumnInfo[] | null {
  if (!comment) return null;
  try {
    const parsed = JSON.parse(comment) as Partial<StoredMetadata>;
    return parsed.sqlml === 1 && Array.isArray(parsed.columns) ? parsed.columns : null;
  } catch {
    return null;
  }
}
