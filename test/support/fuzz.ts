// Shared by the fuzz suites (test/fuzz/**): a tiny seeded PRNG and byte/token-level mutations.
// Seeded so that every CI run tries the same inputs, and a failure names the seed and the case
// index that reproduce it: a fuzz failure that cannot be replayed is worth little.

/** A seeded pseudo-random generator (mulberry32: 32-bit state, good enough for test inputs). */
export class Rng {
  private state: number;

  constructor(readonly seed: number) {
    this.state = seed >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** An integer in [lo, hi]. */
  between(lo: number, hi: number): number {
    return lo + this.int(hi - lo + 1);
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('Rng.pick: no items');
    return items[this.int(items.length)];
  }

  bytes(n: number): Uint8Array {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) out[i] = this.int(256);
    return out;
  }
}

/** Characters that stress text parsers: quotes, brackets, separators, control and non-BMP characters. */
export const NASTY_FRAGMENTS: readonly string[] = [
  "'", '"', '[', ']', '(', ')', '{', '}', ';', ',', '.', '@', '#', '$', 'N\'', "''", ']]',
  '/*', '*/', '--', '\n', '\r', '\r\n', '\t', '\0', '\u00a0', '\u2028', '\u200b', '\ufeff',
  '\ud83d\ude00', '\ud800', '\udc00', 'é', '\u0301', '\\', '`', '\nGO\n', '\r\nGO\r\n', '\nGO 2\n',
];

/** Splits text into word, number, blank and single-symbol tokens (a rough, language-agnostic lexing). */
export function roughTokens(text: string): string[] {
  return text.match(/[A-Za-z_@#$][\w@#$]*|\d+(?:\.\d+)?|\s+|[^\w\s]/g) ?? [];
}

/** One random token- or character-level edit of `text`, drawing extra material from `donors`. */
export function mutateText(rng: Rng, text: string, donors: readonly string[] = []): string {
  const tokens = roughTokens(text);
  const at = () => rng.int(tokens.length + 1);
  const donor = () => {
    const source = donors.length && rng.chance(0.5) ? roughTokens(rng.pick(donors)) : tokens;
    return source.length ? rng.pick(source) : rng.pick(NASTY_FRAGMENTS);
  };
  switch (rng.int(9)) {
    case 0: // delete a run of tokens
      if (tokens.length) tokens.splice(rng.int(tokens.length), rng.between(1, 4));
      break;
    case 1: // insert a token from this text or another
      tokens.splice(at(), 0, donor());
      break;
    case 2: // duplicate a run of tokens
      if (tokens.length) {
        const from = rng.int(tokens.length);
        tokens.splice(from, 0, ...tokens.slice(from, from + rng.between(1, 20)));
      }
      break;
    case 3: // swap two tokens
      if (tokens.length > 1) {
        const i = rng.int(tokens.length);
        const j = rng.int(tokens.length);
        [tokens[i], tokens[j]] = [tokens[j], tokens[i]];
      }
      break;
    case 4: // an unbalanced quote, bracket, comment or separator
      tokens.splice(at(), 0, rng.pick(NASTY_FRAGMENTS));
      break;
    case 5: // a huge identifier or run of one character
      tokens.splice(at(), 0, (rng.chance(0.5) ? 'x' : rng.pick(NASTY_FRAGMENTS)).repeat(rng.between(100, 5000)));
      break;
    case 6: // line endings flipped to CRLF (or CR alone)
      return tokens.join('').replace(/\n/g, rng.chance(0.5) ? '\r\n' : '\r');
    case 7: // cut the text short anywhere, even mid-token
      return tokens.join('').slice(0, rng.int(text.length + 1));
    default: // overwrite one character with a random code unit
      if (text.length) {
        const i = rng.int(text.length);
        return text.slice(0, i) + String.fromCharCode(rng.int(0x10000)) + text.slice(i + 1);
      }
  }
  return tokens.join('');
}

/** Applies 1..maxEdits random edits. */
export function mutateTextMany(rng: Rng, text: string, donors: readonly string[] = [], maxEdits = 4): string {
  let out = text;
  for (let n = rng.between(1, maxEdits); n > 0; n--) out = mutateText(rng, out, donors);
  return out;
}

/** One random byte-level edit: flip, set, insert, delete, duplicate or truncate. */
export function mutateBytes(rng: Rng, data: Uint8Array): Uint8Array {
  const bytes = Array.from(data);
  const at = () => rng.int(bytes.length + 1);
  const interesting = [0, 1, 0x7f, 0x80, 0xff, 0xfe];
  switch (rng.int(7)) {
    case 0:
      if (bytes.length) bytes[rng.int(bytes.length)] ^= 1 << rng.int(8);
      break;
    case 1:
      if (bytes.length) bytes[rng.int(bytes.length)] = rng.chance(0.5) ? rng.pick(interesting) : rng.int(256);
      break;
    case 2:
      bytes.splice(at(), 0, ...rng.bytes(rng.between(1, 8)));
      break;
    case 3:
      if (bytes.length) bytes.splice(rng.int(bytes.length), rng.between(1, 8));
      break;
    case 4:
      if (bytes.length) {
        const from = rng.int(bytes.length);
        bytes.splice(from, 0, ...bytes.slice(from, from + rng.between(1, 64)));
      }
      break;
    case 5: // a run of 0xff: most often a huge length or count field
      if (bytes.length) {
        const from = rng.int(bytes.length);
        for (let i = from; i < Math.min(bytes.length, from + rng.between(1, 8)); i++) bytes[i] = 0xff;
      }
      break;
    default:
      return Uint8Array.from(bytes.slice(0, rng.int(bytes.length + 1)));
  }
  return Uint8Array.from(bytes);
}

/** 1..maxEdits byte edits. */
export function mutateBytesMany(rng: Rng, data: Uint8Array, maxEdits = 4): Uint8Array {
  let out = data;
  for (let n = rng.between(1, maxEdits); n > 0; n--) out = mutateBytes(rng, out);
  return out;
}

/**
 * The case number, seed and a short preview, for an assertion message: enough to replay one case
 * (construct Rng(seed), skip to that case) without printing megabytes of input.
 */
export function describeCase(seed: number, index: number, input: string | Uint8Array): string {
  const preview =
    typeof input === 'string'
      ? JSON.stringify(input.length > 200 ? input.slice(0, 200) + '…' : input)
      : Buffer.from(input.slice(0, 64)).toString('hex') + (input.length > 64 ? '…' : '');
  return `seed ${seed}, case ${index}, ${input.length} ${typeof input === 'string' ? 'chars' : 'bytes'}: ${preview}`;
}

/** A fuzz target: `cases` inputs drawn from Rng(seed), each checked by `check` (which throws on a finding). */
export interface FuzzLoop<T> {
  seed: number;
  cases: number;
  generate(rng: Rng, index: number): T;
  check(input: T): void;
  /** How to show an input in a failure message (default: describeCase's preview). */
  show?(input: T): string | Uint8Array;
}

/** Most findings reported per loop: the first few are enough to act on, the rest is noise. */
const MAX_FINDINGS = 5;

/**
 * Runs the loop, calling `progress` before each case (the child-process runner uses it as a
 * heartbeat), and returns one message per finding, each naming the seed and case that replay it.
 */
export function runLoop<T>(loop: FuzzLoop<T>, progress: (index: number) => void = () => {}): string[] {
  const rng = new Rng(loop.seed);
  const findings: string[] = [];
  for (let i = 0; i < loop.cases && findings.length < MAX_FINDINGS; i++) {
    const input = loop.generate(rng, i);
    progress(i);
    try {
      loop.check(input);
    } catch (e) {
      const what = e instanceof Error ? (e.stack ?? e.message).split('\n').slice(0, 6).join('\n') : String(e);
      const shown = loop.show ? loop.show(input) : (input as unknown as string | Uint8Array);
      findings.push(`${describeCase(loop.seed, i, shown)}\n${what}`);
    }
  }
  return findings;
}
