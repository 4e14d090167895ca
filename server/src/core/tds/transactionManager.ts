// Transaction manager requests ([MS-TDS] 2.2.6.9): how drivers begin, commit, roll back and save
// transactions without sending T-SQL (ODBC's SQLEndTran with autocommit off, tedious's
// beginTransaction). Each becomes the T-SQL it stands for, run on the session like any batch, so a
// transaction begun this way is the one BEGIN TRANSACTION begins. Drivers follow the transaction
// by its descriptor: SQL Server announces each outermost begin, commit and rollback with an
// ENVCHANGE carrying an 8-byte descriptor, which the driver echoes in its requests' ALL_HEADERS.
// The distributed-transaction requests (MS DTC) are refused as a SQL Server without MS DTC does.
import { ByteReader, ByteWriter, TdsFormatError, ucs2At } from './bytes';
import type { Parsed } from './prelogin';
import { skipAllHeaders } from './requests';
import { EnvChange, writeBinaryEnvChange } from './tokens';
import type { TransactionChange } from '../engine/executor';

const TM_GET_DTC_ADDRESS = 0;
const TM_PROPAGATE_XACT = 1;
const TM_BEGIN_XACT = 5;
const TM_PROMOTE_XACT = 6;
const TM_COMMIT_XACT = 7;
const TM_ROLLBACK_XACT = 8;
const TM_SAVE_XACT = 9;
/** COMMIT and ROLLBACK's fBeginXact: a new transaction begins right after. */
const BEGIN_AFTER = 0x01;

/** ISOLATION_LEVEL's values; 0 is "no change". */
const ISOLATION_LEVELS: Readonly<Record<number, string>> = {
  1: 'READ UNCOMMITTED',
  2: 'READ COMMITTED',
  3: 'REPEATABLE READ',
  4: 'SERIALIZABLE',
  5: 'SNAPSHOT',
};

export interface BeginXact {
  /** SET TRANSACTION ISOLATION LEVEL's words; null: the session's level stays. */
  isolation: string | null;
  /** '' when the transaction has no name. */
  name: string;
}

export type TransactionRequest =
  | ({ kind: 'begin' } & BeginXact)
  | { kind: 'commit' | 'rollback'; name: string; then: BeginXact | null }
  | { kind: 'save'; name: string }
  /** MS DTC's requests (get its address, enlist in, promote to a distributed transaction). */
  | { kind: 'distributed'; request: string };

/** A name as transaction manager requests carry it: a byte count, then UCS-2. */
function xactName(r: ByteReader): string {
  const bytes = r.u8();
  if (bytes % 2 !== 0) throw new TdsFormatError(`a transaction name of ${bytes} bytes is not UCS-2`);
  return ucs2At(r.raw(bytes), 0, bytes / 2);
}

function beginXact(r: ByteReader): BeginXact {
  const level = r.u8();
  if (level !== 0 && !ISOLATION_LEVELS[level]) throw new TdsFormatError(`isolation level ${level} is not one TDS defines`);
  return { isolation: ISOLATION_LEVELS[level] ?? null, name: xactName(r) };
}

export function parseTransactionRequest(body: Uint8Array): Parsed<TransactionRequest> {
  try {
    const r = new ByteReader(body);
    skipAllHeaders(r);
    const type = r.u16();
    switch (type) {
      case TM_BEGIN_XACT:
        return { ok: true, value: { kind: 'begin', ...beginXact(r) } };
      case TM_COMMIT_XACT:
      case TM_ROLLBACK_XACT: {
        const name = xactName(r);
        const flags = r.u8();
        const then = flags & BEGIN_AFTER ? beginXact(r) : null;
        return { ok: true, value: { kind: type === TM_COMMIT_XACT ? 'commit' : 'rollback', name, then } };
      }
      case TM_SAVE_XACT:
        return { ok: true, value: { kind: 'save', name: xactName(r) } };
      case TM_GET_DTC_ADDRESS:
        return { ok: true, value: { kind: 'distributed', request: 'TM_GET_DTC_ADDRESS' } };
      case TM_PROPAGATE_XACT:
        return { ok: true, value: { kind: 'distributed', request: 'TM_PROPAGATE_XACT' } };
      case TM_PROMOTE_XACT:
        return { ok: true, value: { kind: 'distributed', request: 'TM_PROMOTE_XACT' } };
      default:
        return { ok: false, problem: `transaction manager request type ${type} is not one TDS defines` };
    }
  } catch (e) {
    if (e instanceof TdsFormatError) return { ok: false, problem: `the transaction manager request is malformed: ${e.message}` };
    throw e;
  }
}

function quoted(name: string): string {
  return name === '' ? '' : ` [${name.replace(/]/g, ']]')}]`;
}

function beginText(begin: BeginXact): string {
  return `${begin.isolation ? `SET TRANSACTION ISOLATION LEVEL ${begin.isolation};\n` : ''}BEGIN TRANSACTION${quoted(begin.name)}`;
}

/** The T-SQL a request stands for (not for 'distributed', which is refused). */
export function transactionStatements(request: Exclude<TransactionRequest, { kind: 'distributed' }>): string {
  switch (request.kind) {
    case 'begin':
      return beginText(request);
    case 'save':
      return `SAVE TRANSACTION${quoted(request.name)}`;
    default: {
      const end = `${request.kind === 'commit' ? 'COMMIT' : 'ROLLBACK'} TRANSACTION${quoted(request.name)}`;
      return request.then ? `${end};\n${beginText(request.then)}` : end;
    }
  }
}

/** SQL Server's answer where MS DTC is not available (Msg 8501). */
export function distributedRefusal(serverName: string): { number: number; text: string } {
  return { number: 8501, text: `MSDTC on server '${serverName}' is unavailable.` };
}

const NO_DESCRIPTOR = new Uint8Array(0);

/**
 * One connection's transaction descriptors: a new one at each outermost BEGIN (the session's
 * number and a count, so no two transactions of the instance share one), announced with the
 * ENVCHANGE drivers track; COMMIT and ROLLBACK hand the current one back.
 */
export class TransactionDescriptors {
  private current: Uint8Array | null = null;
  private count = 0;

  constructor(private readonly spid: number) {}

  get open(): boolean {
    return this.current !== null;
  }

  /** The ENVCHANGE announcing `change`. */
  write(w: ByteWriter, change: TransactionChange): void {
    const old = this.current ?? NO_DESCRIPTOR;
    if (change === 'begin') {
      const descriptor = new ByteWriter(8).u32(++this.count).u32(this.spid).written();
      this.current = descriptor;
      writeBinaryEnvChange(w, EnvChange.BEGIN_TRANSACTION, descriptor, old);
      return;
    }
    this.current = null;
    writeBinaryEnvChange(w, change === 'commit' ? EnvChange.COMMIT_TRANSACTION : EnvChange.ROLLBACK_TRANSACTION, NO_DESCRIPTOR, old);
  }
}
