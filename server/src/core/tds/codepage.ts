// varchar data travels in the collation's code page. The instance reports SQL Server's default
// collation (SQL_Latin1_General_CP1_CI_AS), code page 1252: Latin-1 plus 27 characters in
// 0x80-0x9F. What the code page cannot hold becomes '?', as SQL Server converts it.

/** Windows-1252's 0x80-0x9F (undefined positions are 0). */
export const WINDOWS_1252_HIGH: readonly number[] = [
  0x20ac, 0, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021, 0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017d, 0, 0, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013,
  0x2014, 0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0, 0x017e, 0x0178,
];
const TO_1252 = new Map<number, number>(WINDOWS_1252_HIGH.flatMap((code, k) => (code === 0 ? [] : [[code, 0x80 + k] as [number, number]])));

/** The collation bytes: LCID 0x0409, IgnoreCase|IgnoreKana|IgnoreWidth, version 0, sort id 52. */
export const DEFAULT_COLLATION = new Uint8Array([0x09, 0x04, 0xd0, 0x00, 0x34]);

export function encode1252(text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  for (let k = 0; k < text.length; k++) {
    const c = text.charCodeAt(k);
    out[k] = c < 0x80 || (c >= 0xa0 && c <= 0xff) ? c : (TO_1252.get(c) ?? 0x3f);
  }
  return out;
}

export function decode1252(bytes: Uint8Array): string {
  let out = '';
  for (let k = 0; k < bytes.length; k++) {
    const b = bytes[k]!;
    out += String.fromCharCode(b >= 0x80 && b < 0xa0 ? WINDOWS_1252_HIGH[b - 0x80] || 0xfffd : b);
  }
  return out;
}
