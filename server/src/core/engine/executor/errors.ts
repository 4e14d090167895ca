// How a statement fails. SQL Server ends either the statement (permission errors, constraint
// violations: the batch goes on) or the whole batch (name resolution at run time, conversion
// errors, THROW outside TRY); ExecStop carries which. Storage errors are turned into SQL
// Server's messages where SQL Server has one; any other storage failure is labelled as the
// embedded instance's own, never passed off as SQL Server's.
import type { Span } from '../ast';
import { NOT_SUPPORTED, notSupported, type SqlError } from '../parser/errors';
import { decodeRaisedError, type KeyConstraint } from '../translate';
import type { SqlMessage } from '../../security';
import type { Place } from './frame';

export type AbortScope = 'statement' | 'batch';

export interface ExecError {
  number: number;
  level: number;
  state: number;
  text: string;
  /** Where, in the text of the frame that ran the statement. */
  start: number;
  end: number;
}

export class ExecStop {
  /** Where it happened, set by the frame it happened in (a procedure's, not the caller's). */
  place: Place | undefined;
  /** Already sent to the client (a script's errors stream as they come); counted, not sent again. */
  reported = false;

  constructor(
    readonly error: ExecError,
    readonly scope: AbortScope,
  ) {}
}

/** The client cancelled the run: nothing catches it, the run ends. */
export class Cancelled {}

/**
 * Compile-time errors of the translator stop the batch, as SQL Server's do (it compiles a batch
 * before running it; we translate each statement as it comes). What the embedded instance does
 * not support, and its own internal errors, end only the statement.
 */
export function translationStop(error: SqlError): ExecStop {
  const statementLevel = error.number === NOT_SUPPORTED || error.number === 8630;
  return new ExecStop({ number: error.number, level: error.level, state: error.state, text: error.message, start: error.start, end: error.end }, statementLevel ? 'statement' : 'batch');
}

export function fail(number: number, level: number, state: number, text: string, at: Span, scope: AbortScope = 'statement'): never {
  throw new ExecStop({ number, level, state, text, start: at.start, end: at.end }, scope);
}

/** A refusal of the security core (Msg 229, 297, 916, ...): the statement ends, the batch goes on. */
export function refuse(message: SqlMessage, at: Span): never {
  return fail(message.number, message.level, message.state, message.text, at);
}

/** What the embedded instance does not run (Msg 59001, the parser's and translator's too). */
export function notSupportedHere(what: string, at: Span): never {
  throw translationStop(notSupported(what, at.start, at.end));
}

/** RECONFIGURE, sp_configure's CONFIG, ALTER RESOURCE GOVERNOR inside BEGIN TRAN ... COMMIT: Msg 574. */
export function notInUserTransaction(statement: string, at: Span): never {
  return fail(574, 16, 0, `${statement} statement cannot be used inside a user transaction.`, at);
}

/** CREATE / ALTER / DROP DATABASE inside BEGIN TRAN ... COMMIT: Msg 226. */
export function notInMultiStatementTransaction(statement: string, at: Span): never {
  return fail(226, 16, 6, `${statement} statement not allowed within multi-statement transaction.`, at);
}

/** Conversion errors abort the batch in SQL Server; other run-time errors end the statement. */
const BATCH_ABORTING = new Set([241, 245, 248, 8114, 8115, 8169, 8152, 2628]);

/** What a table that a failing statement writes is called in SQL Server's constraint messages. */
export interface WriteTarget {
  database: string;
  schema: string;
  table: string;
  verb: 'INSERT' | 'UPDATE' | 'DELETE';
  /** The table's PRIMARY KEY and UNIQUE constraints, to name the one violated. */
  keys: readonly KeyConstraint[];
}

/** The ExecStop for an error the storage threw while running translated SQL. */
export function storageStop(e: unknown, at: Span, target?: WriteTarget): ExecStop {
  if (e instanceof ExecStop) return e;
  const message = e instanceof Error ? e.message : String(e);
  const raised = decodeRaisedError(message);
  const place = { start: at.start, end: at.end };
  if (raised) {
    return new ExecStop({ number: raised.number, level: raised.level, state: raised.state, text: raised.message, ...place }, BATCH_ABORTING.has(raised.number) ? 'batch' : 'statement');
  }
  const constraint = constraintError(message, target);
  if (constraint) return new ExecStop({ ...constraint, ...place }, 'statement');
  if (/Conflict on|write-write conflict/i.test(message)) {
    const text = 'Transaction was deadlocked on lock resources with another process and has been chosen as the deadlock victim. Rerun the transaction.';
    return new ExecStop({ number: 1205, level: 13, state: 51, text, ...place }, 'batch');
  }
  return new ExecStop({ number: 50000, level: 16, state: 1, text: `The embedded instance's storage failed: ${firstLine(message)}`, ...place }, 'statement');
}

function firstLine(text: string): string {
  return text.split('\n')[0]!.trim();
}

type Numbered = Omit<ExecError, 'start' | 'end'>;

/**
 * The name SQL Server gives a constraint declared without one: PK__ or UQ__, the table's name cut
 * at 8 characters, and 16 hex digits (here derived from the table's full name and the
 * constraint's place among its keys, so stable and distinct).
 */
function systemConstraintName(prefix: 'PK' | 'UQ', target: WriteTarget | undefined, ordinal: number): string {
  const table = target?.table ?? 'table';
  const full = `${target?.database ?? ''}.${target?.schema ?? ''}.${table}.${prefix}${ordinal > 0 ? `.${ordinal}` : ''}`.toLowerCase();
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193;
  for (let i = 0; i < full.length; i++) {
    h1 = Math.imul(h1 ^ full.charCodeAt(i), 0x01000193) >>> 0;
    h2 = Math.imul(h2 ^ full.charCodeAt(i), 0x5bd1e995) >>> 0;
  }
  const hex = (h1.toString(16).padStart(8, '0') + h2.toString(16).padStart(8, '0')).toUpperCase();
  return `${prefix}__${table.slice(0, 8)}__${hex}`;
}

/** The name of the table's key `index` as SQL Server reports it: as written, or the one it generates (counting earlier unnamed keys of its kind). */
export function keyName(keys: readonly KeyConstraint[], index: number, target: WriteTarget | undefined): string {
  const key = keys[index]!;
  return key.name ?? systemConstraintName(key.kind, target, keys.slice(0, index).filter((k) => k.kind === key.kind && k.name === null).length);
}

/**
 * Which of the table's keys the storage's message means: the one of that kind over those columns;
 * when the message names neither (duplicates within one statement), the primary key, else the
 * first unique one. -1 when the table records none.
 */
function violatedKey(keys: readonly KeyConstraint[], kind: 'PK' | 'UQ' | null, columns: readonly string[] | null): number {
  const same = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((c, i) => c.toLowerCase() === b[i]!.toLowerCase());
  const exact = columns === null ? -1 : keys.findIndex((k) => k.kind === kind && same(k.columns, columns));
  const firstOf = (k: 'PK' | 'UQ') => keys.findIndex((key) => key.kind === k);
  return exact >= 0 ? exact : kind !== null ? firstOf(kind) : firstOf('PK') >= 0 ? firstOf('PK') : firstOf('UQ');
}

/** Errors after which SQL Server adds Msg 3621 "The statement has been terminated." */
export const TERMINATING_STATEMENT: ReadonlySet<number> = new Set([2627, 2601, 515, 547, 2628, 8152]);

function constraintError(message: string, target: WriteTarget | undefined): Numbered | null {
  if (!message.startsWith('Constraint Error')) return null;
  const table = target ? `${target.schema}.${target.table}` : 'the table';
  const verb = target?.verb ?? 'INSERT';
  const duplicate = /Duplicate key "([^"]*)" violates (primary key|unique) constraint/.exec(message);
  // Two equal keys within one statement's rows: the storage names neither the constraint nor its columns.
  const withinStatement = /PRIMARY KEY or UNIQUE constraint violation: duplicate key "([^"]*)"/.exec(message);
  if (duplicate || withinStatement) {
    const pairs = duplicate ? duplicate[1]!.split(', ').map((pair) => [pair.slice(0, pair.indexOf(': ')), pair.slice(pair.indexOf(': ') + 2)] as const) : null;
    const key = pairs ? pairs.map(([, value]) => value).join(', ') : withinStatement![1]!;
    const keys = target?.keys ?? [];
    const written = duplicate ? (duplicate[2] === 'primary key' ? 'PK' : 'UQ') : null;
    const found = violatedKey(keys, written, pairs?.map(([column]) => column) ?? null);
    const kind = (found >= 0 ? keys[found]!.kind : (written ?? 'PK')) === 'PK' ? 'PRIMARY KEY' : 'UNIQUE KEY';
    const name = found >= 0 ? keyName(keys, found, target) : systemConstraintName(written ?? 'PK', target, 0);
    return { number: 2627, level: 14, state: 1, text: `Violation of ${kind} constraint '${name}'. Cannot insert duplicate key in object '${table}'. The duplicate key value is (${key}).` };
  }
  const notNull = /NOT NULL constraint failed: [^.\s]+\.(\S+)/.exec(message);
  if (notNull) {
    const where = target ? `${target.database}.${target.schema}.${target.table}` : 'the table';
    return { number: 515, level: 16, state: 2, text: `Cannot insert the value NULL into column '${notNull[1]}', table '${where}'; column does not allow nulls. ${verb} fails.` };
  }
  const database = target?.database ?? '';
  if (/CHECK constraint failed/.test(message)) {
    return { number: 547, level: 16, state: 0, text: `The ${verb} statement conflicted with the CHECK constraint "CK_${target?.table ?? 'table'}". The conflict occurred in database "${database}", table "${table}".` };
  }
  if (/foreign key/i.test(message)) {
    return { number: 547, level: 16, state: 0, text: `The ${verb} statement conflicted with the FOREIGN KEY constraint "FK_${target?.table ?? 'table'}". The conflict occurred in database "${database}", table "${table}".` };
  }
  return null;
}
