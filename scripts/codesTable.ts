// Writes the README's table of diagnostic codes from the one code table in the core
// (npm run docs:codes). A unit test fails when the README and the table disagree.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { codeTable } from '../server/src/core/analyze';

export const README = join(__dirname, '..', 'README.md');
const START = '<!-- codes:start -->';
const END = '<!-- codes:end -->';

export function renderCodesTable(): string {
  const rows = codeTable().map((c) => `| ${c.code} | ${c.severity} | ${c.doc.replace(/\|/g, '\\|')} |`);
  return [START, '| code | default severity | meaning |', '|---|---|---|', ...rows, END].join('\n');
}

export function readmeCodesSection(text: string): string | null {
  const start = text.indexOf(START);
  const end = text.indexOf(END);
  return start >= 0 && end > start ? text.slice(start, end + END.length) : null;
}

if (require.main === module) {
  const text = readFileSync(README, 'utf8');
  const current = readmeCodesSection(text);
  if (!current) throw new Error(`README.md has no ${START} ... ${END} section`);
  writeFileSync(README, text.replace(current, renderCodesTable()));
}
