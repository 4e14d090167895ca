// The README's generated sections: text between a start and an end marker, rewritten by the
// docs:* scripts and compared by their tests.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const README = join(__dirname, '..', 'README.md');

/** The section from its start marker through its end marker, or null when the markers are missing. */
export function readmeSection(text: string, start: string, end: string): string | null {
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  return from >= 0 && to > from ? text.slice(from, to + end.length) : null;
}

/** Replaces the README's section (markers included in `section`). */
export function writeReadmeSection(start: string, end: string, section: string): void {
  const text = readFileSync(README, 'utf8');
  const current = readmeSection(text, start, end);
  if (!current) throw new Error(`README.md has no ${start} ... ${end} section`);
  writeFileSync(README, text.replace(current, () => section));
}
