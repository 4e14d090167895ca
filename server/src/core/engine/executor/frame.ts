// A frame is one body of statements being run: a batch, a stored procedure's body, or a string of
// dynamic SQL. Each has its own variables (T-SQL variables never cross these boundaries), its
// table variables, and its way of saying where a message is: the line in the submitted text,
// and inside a procedure also the procedure and its own line, as SQL Server reports them.
import { LineIndex } from '../../text/lineIndex';
import type { OwnershipChainLink } from '../../security';
import type { Cursor } from './cursor';
import type { TableInfo } from '../translate';
import type { SqlType } from '../translate/types';
import type { SqlValue } from './ports';

export interface Variable {
  name: string;
  type: SqlType;
  value: SqlValue;
}

export interface Place {
  /** 0-based line in the submitted text. */
  line: number;
  procedure?: string;
  procedureLine?: number;
}

export interface ProcedureContext {
  database: string;
  schema: string;
  name: string;
  chain: OwnershipChainLink | undefined;
}

export class Frame {
  readonly variables = new Map<string, Variable>();
  readonly tableVariables = new Map<string, TableInfo>();
  /** #temp tables created here: a procedure's are dropped when it returns, as in SQL Server. */
  readonly createdTemp: string[] = [];
  /** LOCAL cursors, by lower-case name: they go away with the batch or procedure that declared them. */
  readonly cursors = new Map<string, Cursor>();
  /** SCOPE_IDENTITY(): the last identity value an INSERT of this batch or procedure generated. */
  scopeIdentity: SqlValue = null;
  private readonly lines: LineIndex;

  private constructor(
    /** The text the statements' offsets point into. */
    readonly text: string,
    private readonly outerLine: number | null,
    /** Lines before this frame's first line in its text (a script's earlier batches). */
    private readonly firstLine: number,
    /** The batch's extent in the text (the whole text, but for a batch of a script). */
    private readonly bounds: { start: number; end: number },
    readonly procedure: ProcedureContext | null,
    readonly depth: number,
  ) {
    this.lines = new LineIndex(text);
  }

  /** The frame of a submitted script (offsets are the script's own). */
  static script(text: string, batch: { start: number; end: number; startLine: number }): Frame {
    return new Frame(text, null, batch.startLine, batch, null, 0);
  }

  /** A procedure body: its text is the batch that created it. */
  static procedure(text: string, caller: Frame, callerOffset: number, procedure: ProcedureContext): Frame {
    return new Frame(text, caller.place(callerOffset).line, 0, { start: 0, end: text.length }, procedure, caller.depth + 1);
  }

  /**
   * Dynamic SQL: no variables of the caller, messages at the caller's EXEC, and no ownership
   * chain (SQL Server checks dynamic SQL against the caller even inside a procedure).
   */
  static dynamic(text: string, caller: Frame, callerOffset: number): Frame {
    return new Frame(text, caller.place(callerOffset).line, 0, { start: 0, end: text.length }, null, caller.depth + 1);
  }

  /** Whether offsets in this frame are offsets in the submitted text (not a procedure's or a string's). */
  get submitted(): boolean {
    return this.outerLine === null;
  }

  place(offset: number): Place {
    const ownLine = this.lines.positionAt(offset).line;
    if (this.outerLine === null) return { line: ownLine };
    if (!this.procedure) return { line: this.outerLine };
    return { line: this.outerLine, procedure: this.procedure.name, procedureLine: ownLine + 1 };
  }

  /** 1-based line of an offset in its batch or procedure, as ERROR_LINE() and "Line n" count. */
  ownLine(offset: number): number {
    return this.lines.positionAt(offset).line - this.firstLine + 1;
  }

  /** Where the batch being run starts in the frame's text (offsets in batchText() are relative to it). */
  batchStart(): number {
    return this.bounds.start;
  }

  /** The text of the batch being run: what CREATE PROCEDURE keeps as the procedure's definition. */
  batchText(): string {
    return this.text.slice(this.bounds.start, this.bounds.end);
  }

  variable(name: string): Variable | undefined {
    return this.variables.get(name.toLowerCase());
  }
}
