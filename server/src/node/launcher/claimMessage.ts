// The two messages on a warm satellite's descriptor 3 before it serves its session
// (warmSatellites.ts). The satellite sends READY_BYTE once its runtime is loaded; the launcher
// answers with the claim: the session's files (script, request, parameters, input chunks) and
// whether the descriptor stays open as the session's loopback channel. Numbers are little-endian
// float64, as in the exchange format (exchange/format.ts), which both runners already read:
//   "SQLMLC01"  loopback (1|0)  file count  { name length  name (UTF-8)  data length  data }*
import type { SessionFile } from './sessionFiles';

export const READY_BYTE = 0x57; // 'W'
const CLAIM_MAGIC = Buffer.from('SQLMLC01', 'ascii');

function f64(value: number): Buffer {
  const b = Buffer.alloc(8);
  b.writeDoubleLE(value);
  return b;
}

/** The claim as one buffer list (the input chunks are not copied). */
export function encodeClaim(files: readonly SessionFile[], loopback: boolean): Buffer[] {
  const parts: Buffer[] = [CLAIM_MAGIC, f64(loopback ? 1 : 0), f64(files.length)];
  for (const [name, data] of files) {
    const nameBytes = Buffer.from(name, 'utf8');
    const chunks = typeof data === 'string' ? [Buffer.from(data, 'utf8')] : data;
    parts.push(f64(nameBytes.length), nameBytes, f64(chunks.reduce((n, c) => n + c.length, 0)), ...chunks);
  }
  return parts;
}
