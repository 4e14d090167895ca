// Reads a zip archive (a Python wheel, an R binary package) from memory: its central directory,
// then each entry, stored or deflated. Only what installing a package needs; names that would
// leave the folder they are unpacked into are refused.
import { inflateRawSync } from 'node:zlib';

export interface ZipEntry {
  /** The path inside the archive, '/'-separated; directories end with '/'. */
  name: string;
  data(): Buffer;
}

export type ZipRead = { ok: true; entries: ZipEntry[] } | { ok: false; message: string };

const END_OF_DIRECTORY = 0x06054b50;
const DIRECTORY_ENTRY = 0x02014b50;
const LOCAL_HEADER = 0x04034b50;

export function isZip(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04;
}

export function readZip(bytes: Uint8Array): ZipRead {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // The end-of-directory record is in the last 64 KiB + 22 bytes (after it only a comment).
  let end = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 22 - 0xffff); i--) {
    if (buf.readUInt32LE(i) === END_OF_DIRECTORY) {
      end = i;
      break;
    }
  }
  if (end < 0) return { ok: false, message: 'it is not a zip archive (no central directory).' };
  const count = buf.readUInt16LE(end + 10);
  let at = buf.readUInt32LE(end + 16);
  const entries: ZipEntry[] = [];
  for (let k = 0; k < count; k++) {
    if (at + 46 > buf.length || buf.readUInt32LE(at) !== DIRECTORY_ENTRY) return { ok: false, message: 'its central directory is damaged.' };
    const method = buf.readUInt16LE(at + 10);
    const compressed = buf.readUInt32LE(at + 20);
    const size = buf.readUInt32LE(at + 24);
    const nameLength = buf.readUInt16LE(at + 28);
    const extraLength = buf.readUInt16LE(at + 30);
    const commentLength = buf.readUInt16LE(at + 32);
    const local = buf.readUInt32LE(at + 42);
    const name = buf.subarray(at + 46, at + 46 + nameLength).toString('utf8');
    at += 46 + nameLength + extraLength + commentLength;
    if (!safeName(name)) return { ok: false, message: `the entry '${name}' would be unpacked outside the library folder.` };
    if (method !== 0 && method !== 8) return { ok: false, message: `the entry '${name}' uses a compression method other than stored or deflate (${method}).` };
    if (local + 30 > buf.length || buf.readUInt32LE(local) !== LOCAL_HEADER) return { ok: false, message: `the entry '${name}' is damaged.` };
    const start = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
    const raw = buf.subarray(start, start + compressed);
    entries.push({
      name,
      data: () => {
        const data = method === 0 ? raw : inflateRawSync(raw);
        if (data.length !== size) throw new Error(`the entry '${name}' is damaged (its size does not match).`);
        return data;
      },
    });
  }
  return { ok: true, entries };
}

function safeName(name: string): boolean {
  if (name === '' || name.startsWith('/') || name.includes('\\') || name.includes('\0')) return false;
  return !name.split('/').some((part) => part === '..');
}
