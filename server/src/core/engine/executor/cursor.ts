// A T-SQL cursor as the executor keeps it: its query translated when it was declared (with the
// values its variables had then: a cursor's variables do not change after DECLARE), and while it
// is open, the rows OPEN read and the position FETCH moves. The rows are read whole at OPEN, as
// a STATIC cursor keeps them: changes made to the tables afterwards are not seen by the cursor,
// whatever its declared type (a KEYSET or DYNAMIC cursor of SQL Server would see some).
import type { DeclareCursorStatement, FetchOrientation } from '../ast';
import type { SelectPlan } from '../translate';
import type { SqlValue } from './ports';
import type { StatementPorts } from './schemaLookup';

/** @@FETCH_STATUS values. */
export const FETCH_OK = 0;
export const FETCH_BEYOND = -1;
/** Before the connection's first FETCH. */
export const FETCH_NONE = -9;

export class Cursor {
  /** The rows read by OPEN; null while the cursor is closed. */
  private rows: SqlValue[][] | null = null;
  /** 0: before the first row; 1 … n: on row n; n + 1: after the last. */
  private position = 0;

  constructor(
    readonly declaration: DeclareCursorStatement,
    readonly plan: Extract<SelectPlan, { kind: 'rows' }>,
    /** The ports the query was translated with: the catalog views it reads are filled at OPEN. */
    readonly ports: StatementPorts,
    /** The query's parameters' values at DECLARE. */
    readonly values: readonly SqlValue[],
  ) {}

  get isOpen(): boolean {
    return this.rows !== null;
  }

  open(rows: SqlValue[][]): void {
    this.rows = rows;
    this.position = 0;
  }

  close(): void {
    this.rows = null;
    this.position = 0;
  }

  /** @@CURSOR_ROWS for this cursor as the last one opened: its row count, -1 for one SQL Server would run dynamically, 0 when closed. */
  get reportedRows(): number {
    if (!this.rows) return 0;
    return this.declaration.style === 'dynamic' ? -1 : this.rows.length;
  }

  /** Moves as FETCH says (`offset` for ABSOLUTE and RELATIVE) and returns the row there, or null past either end. */
  fetch(orientation: FetchOrientation, offset: number): SqlValue[] | null {
    const rows = this.rows!;
    const n = rows.length;
    const target = targetPosition(orientation, offset, this.position, n);
    if (target >= 1 && target <= n) {
      this.position = target;
      return rows[target - 1]!;
    }
    this.position = target < 1 ? 0 : n + 1;
    return null;
  }
}

function targetPosition(orientation: FetchOrientation, offset: number, position: number, n: number): number {
  switch (orientation) {
    case 'next':
      return position + 1;
    case 'prior':
      return position - 1;
    case 'first':
      return 1;
    case 'last':
      return n;
    case 'absolute':
      // A negative row number counts from the end; 0 is before the first row.
      return offset >= 0 ? offset : n + 1 + offset;
    case 'relative':
      return position + offset;
  }
}
