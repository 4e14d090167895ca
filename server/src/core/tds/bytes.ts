// Bytes in and out of TDS messages, without Node's Buffer (the core is pure): a growable writer of
// little-endian numbers and UCS-2 text, and a bounds-checked reader whose overrun is a problem the
// caller reports, never a crash.

/** A read past the end of a message or a value it cannot be: the message is malformed. */
export class TdsFormatError extends Error {}

export class ByteWriter {
  private bytes: Uint8Array;
  private view: DataView;
  length = 0;

  constructor(initial = 4096) {
    this.bytes = new Uint8Array(initial);
    this.view = new DataView(this.bytes.buffer);
  }

  /** Room for `n` more bytes; doubling keeps a long result set's appends amortised O(1). */
  private reserve(n: number): void {
    if (this.length + n <= this.bytes.length) return;
    let size = this.bytes.length * 2;
    while (size < this.length + n) size *= 2;
    const grown = new Uint8Array(size);
    grown.set(this.bytes.subarray(0, this.length));
    this.bytes = grown;
    this.view = new DataView(grown.buffer);
  }

  u8(v: number): this {
    this.reserve(1);
    this.bytes[this.length++] = v & 0xff;
    return this;
  }

  u16(v: number): this {
    this.reserve(2);
    this.view.setUint16(this.length, v, true);
    this.length += 2;
    return this;
  }

  u16be(v: number): this {
    this.reserve(2);
    this.view.setUint16(this.length, v, false);
    this.length += 2;
    return this;
  }

  i16(v: number): this {
    this.reserve(2);
    this.view.setInt16(this.length, v, true);
    this.length += 2;
    return this;
  }

  u32(v: number): this {
    this.reserve(4);
    this.view.setUint32(this.length, v >>> 0, true);
    this.length += 4;
    return this;
  }

  u32be(v: number): this {
    this.reserve(4);
    this.view.setUint32(this.length, v >>> 0, false);
    this.length += 4;
    return this;
  }

  i32(v: number): this {
    this.reserve(4);
    this.view.setInt32(this.length, v, true);
    this.length += 4;
    return this;
  }

  u64(v: bigint): this {
    this.reserve(8);
    this.view.setBigUint64(this.length, v, true);
    this.length += 8;
    return this;
  }

  i64(v: bigint): this {
    this.reserve(8);
    this.view.setBigInt64(this.length, v, true);
    this.length += 8;
    return this;
  }

  f32(v: number): this {
    this.reserve(4);
    this.view.setFloat32(this.length, v, true);
    this.length += 4;
    return this;
  }

  f64(v: number): this {
    this.reserve(8);
    this.view.setFloat64(this.length, v, true);
    this.length += 8;
    return this;
  }

  /** An unsigned integer of `width` bytes (3 and 5 occur: dates, times). */
  uint(v: number, width: number): this {
    this.reserve(width);
    let rest = v;
    for (let k = 0; k < width; k++) {
      this.bytes[this.length++] = rest % 256;
      rest = Math.floor(rest / 256);
    }
    return this;
  }

  raw(data: Uint8Array): this {
    this.reserve(data.length);
    this.bytes.set(data, this.length);
    this.length += data.length;
    return this;
  }

  /** UCS-2 little-endian, as TDS carries every Unicode string. */
  ucs2(text: string): this {
    const n = text.length;
    this.reserve(n * 2);
    const b = this.bytes;
    let at = this.length;
    for (let k = 0; k < n; k++) {
      const c = text.charCodeAt(k);
      b[at++] = c & 0xff;
      b[at++] = c >> 8;
    }
    this.length = at;
    return this;
  }

  /** B_VARCHAR: a length in characters (one byte), then UCS-2. */
  bVarchar(text: string): this {
    const cut = text.length > 255 ? text.slice(0, 255) : text;
    return this.u8(cut.length).ucs2(cut);
  }

  /** US_VARCHAR: a length in characters (two bytes), then UCS-2. */
  usVarchar(text: string): this {
    const cut = text.length > 65535 ? text.slice(0, 65535) : text;
    return this.u16(cut.length).ucs2(cut);
  }

  /** Overwrites two bytes written earlier (a token's length, known once its body is written). */
  patchU16(at: number, v: number): void {
    this.view.setUint16(at, v, true);
  }

  /** The bytes it holds room for before growing. */
  get capacity(): number {
    return this.bytes.length;
  }

  /** The bytes written so far (a view: copy before writing more if they must be kept). */
  written(): Uint8Array {
    return this.bytes.subarray(0, this.length);
  }

  /** Drops the first `n` bytes (sent already), keeping the rest at the start for later writes. */
  discard(n: number): void {
    this.bytes.copyWithin(0, n, this.length);
    this.length -= n;
  }
}

export class ByteReader {
  private readonly view: DataView;
  offset: number;

  constructor(
    readonly bytes: Uint8Array,
    offset = 0,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.offset = offset;
  }

  get remaining(): number {
    return this.bytes.length - this.offset;
  }

  private need(n: number): number {
    if (n < 0 || this.offset + n > this.bytes.length) throw new TdsFormatError(`the message ends ${this.offset + n - this.bytes.length} bytes early (at byte ${this.offset})`);
    const at = this.offset;
    this.offset += n;
    return at;
  }

  u8(): number {
    return this.view.getUint8(this.need(1));
  }

  u16(): number {
    return this.view.getUint16(this.need(2), true);
  }

  u16be(): number {
    return this.view.getUint16(this.need(2), false);
  }

  i16(): number {
    return this.view.getInt16(this.need(2), true);
  }

  u32(): number {
    return this.view.getUint32(this.need(4), true);
  }

  u32be(): number {
    return this.view.getUint32(this.need(4), false);
  }

  i32(): number {
    return this.view.getInt32(this.need(4), true);
  }

  u64(): bigint {
    return this.view.getBigUint64(this.need(8), true);
  }

  i64(): bigint {
    return this.view.getBigInt64(this.need(8), true);
  }

  f32(): number {
    return this.view.getFloat32(this.need(4), true);
  }

  f64(): number {
    return this.view.getFloat64(this.need(8), true);
  }

  uint(width: number): number {
    const at = this.need(width);
    let v = 0;
    for (let k = width - 1; k >= 0; k--) v = v * 256 + this.bytes[at + k]!;
    return v;
  }

  raw(n: number): Uint8Array {
    const at = this.need(n);
    return this.bytes.slice(at, at + n);
  }

  skip(n: number): void {
    this.need(n);
  }

  ucs2(chars: number): string {
    const at = this.need(chars * 2);
    return ucs2At(this.bytes, at, chars);
  }

  bVarchar(): string {
    return this.ucs2(this.u8());
  }

  usVarchar(): string {
    return this.ucs2(this.u16());
  }
}

/** `chars` UCS-2 characters starting at byte `at`. */
export function ucs2At(bytes: Uint8Array, at: number, chars: number): string {
  let out = '';
  // Chunks keep String.fromCharCode's argument list small for long texts.
  for (let start = 0; start < chars; start += 8192) {
    const end = Math.min(chars, start + 8192);
    const codes = new Array<number>(end - start);
    for (let k = start; k < end; k++) codes[k - start] = bytes[at + 2 * k]! | (bytes[at + 2 * k + 1]! << 8);
    out += String.fromCharCode(...codes);
  }
  return out;
}

export function ucs2Bytes(text: string): Uint8Array {
  return new ByteWriter(text.length * 2 + 1).ucs2(text).written();
}
