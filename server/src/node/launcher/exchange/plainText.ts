// The one way a plain text column (columnValues.ts) is made from its bytes, whether DuckDB's
// vectors or a satellite's result filled them: rows are decoded from UTF-8 only when asked for.
import type { PlainText } from '../../../core/launcher/columnValues';

export function plainText(bytes: Uint8Array, starts: Float64Array, nulls: Uint8Array | null): PlainText {
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return { kind: 'str', layout: 'plain', bytes, starts, nulls, textAt: (r) => text.toString('utf8', starts[r]!, starts[r + 1]! - 1) };
}
