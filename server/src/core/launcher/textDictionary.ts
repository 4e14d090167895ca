// The distinct values of a text column, collected while it is read, each with a code in order of
// first appearance (the coded layout of columnValues.ts). Values are UTF-8 byte strings found by
// their bytes through an open-addressing hash table, so reading a million labels makes no
// JavaScript string at all.
import { withRoom } from './withRoom';

export class TextDictionary {
  /** Each distinct value's bytes followed by a NUL, as a plain text column holds them. */
  bytes = new Uint8Array(1024);
  /** Where each value starts, and one more entry: where the last one's NUL ends. */
  starts = new Float64Array(65);
  count = 0;
  private hashes = new Int32Array(64);
  /** A code per slot, -1 where the slot is free; kept at most half full. */
  private table = new Int32Array(128).fill(-1);

  /** The code of the value source[from, from + length), or -1 when it is not in the dictionary. */
  find(source: Uint8Array, from: number, length: number): number {
    const hash = hashOf(source, from, length);
    const mask = this.table.length - 1;
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const code = this.table[slot]!;
      if (code === -1) return -1;
      if (this.hashes[code] === hash && this.holds(code, source, from, length)) return code;
    }
  }

  /** Adds a value that find() did not find; its code. */
  add(source: Uint8Array, from: number, length: number): number {
    const code = this.count++;
    const at = this.starts[code]!;
    this.starts = withRoom(this.starts, code + 1, code + 2, (n) => new Float64Array(n));
    this.bytes = withRoom(this.bytes, at, at + length + 1, (n) => new Uint8Array(n));
    this.hashes = withRoom(this.hashes, code, code + 1, (n) => new Int32Array(n));
    this.bytes.set(source.subarray(from, from + length), at);
    this.bytes[at + length] = 0;
    this.starts[code + 1] = at + length + 1;
    this.hashes[code] = hashOf(source, from, length);
    if (this.count * 2 > this.table.length) this.rehash(this.table.length * 2);
    else this.place(code);
    return code;
  }

  private holds(code: number, source: Uint8Array, from: number, length: number): boolean {
    const at = this.starts[code]!;
    if (this.starts[code + 1]! - 1 - at !== length) return false;
    for (let i = 0; i < length; i++) if (this.bytes[at + i] !== source[from + i]) return false;
    return true;
  }

  private place(code: number): void {
    const mask = this.table.length - 1;
    let slot = this.hashes[code]! & mask;
    while (this.table[slot] !== -1) slot = (slot + 1) & mask;
    this.table[slot] = code;
  }

  private rehash(size: number): void {
    this.table = new Int32Array(size).fill(-1);
    for (let code = 0; code < this.count; code++) this.place(code);
  }
}

/** FNV-1a over the bytes: a few operations per byte, good enough spread for short labels. */
function hashOf(source: Uint8Array, from: number, length: number): number {
  let hash = 0x811c9dc5 | 0;
  for (let i = 0; i < length; i++) hash = Math.imul(hash ^ source[from + i]!, 0x01000193);
  return hash;
}
