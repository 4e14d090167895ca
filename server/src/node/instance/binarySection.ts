// A message's binary section on the instance's socket. A large result set is mostly typed arrays
// (a million doubles is 8 MB); as base64 inside the JSON it cost the daemon an encode and a 33%
// larger string, and the client a join, a UTF-8 decode and a JSON parse of it, then the base64
// decode: about half a second per million rows of five columns. A client that says so in its
// Hello (binaryColumns) is sent them after the JSON instead, as they are:
//
//   Content-Length: <JSON bytes>\r\n
//   Sqlml-Binary-Length: <section bytes>\r\n
//   \r\n
//   <JSON><section>
//
// The JSON names each array's range of the section (core/results/encodedResultSets.ts,
// AttachedBytes). Each range starts at a multiple of 8, so the client views its typed arrays in
// place. Only responses carry a section, and only the daemon sends them: its reader refuses one.
import type { AttachedBytes } from '../../core/results/encodedResultSets';

export const BINARY_LENGTH_HEADER = 'Sqlml-Binary-Length';

// Symbols: JSON.stringify does not see them, and vscode-jsonrpc hands a response's result on as
// the object it is (the writer reads the outgoing parts from it, the client the incoming bytes).
const OUTGOING = Symbol('sqlml.outgoingBinarySection');
const INCOMING = Symbol('sqlml.incomingBinarySection');

const ALIGNMENT = 8;
const PADDING = new Uint8Array(ALIGNMENT);

/** Collects the typed arrays of one response; each is given its range of the section. */
export class BinarySectionBuilder {
  private readonly parts: Uint8Array[] = [];
  private length = 0;

  add(view: ArrayBufferView): AttachedBytes {
    const pad = (ALIGNMENT - (this.length % ALIGNMENT)) % ALIGNMENT;
    if (pad > 0) {
      this.parts.push(PADDING.subarray(0, pad));
      this.length += pad;
    }
    const at = this.length;
    this.parts.push(new Uint8Array(view.buffer, view.byteOffset, view.byteLength));
    this.length += view.byteLength;
    return { at, length: view.byteLength };
  }

  /** `result`, carrying the section's parts for the writer (nothing when no array was added). */
  attachTo<T extends object>(result: T): T {
    if (this.parts.length > 0) Object.defineProperty(result, OUTGOING, { value: this.parts, enumerable: false });
    return result;
  }
}

/** The parts of the section to write after a message's JSON: its result's, when it has one. */
export function outgoingSection(message: object): readonly Uint8Array[] | undefined {
  const result = (message as { result?: unknown }).result;
  return typeof result === 'object' && result !== null ? (result as { [OUTGOING]?: Uint8Array[] })[OUTGOING] : undefined;
}

/** Keeps the section a response came with on its result, for the decoder. */
export function attachIncoming(result: object, bytes: Uint8Array): void {
  Object.defineProperty(result, INCOMING, { value: bytes, enumerable: false });
}

/** The section a response's result came with. */
export function incomingSection(result: object): Uint8Array | undefined {
  return (result as { [INCOMING]?: Uint8Array })[INCOMING];
}
