// Writes the README's table of diagnostic codes from the one code table in the core
// (npm run docs:codes). A unit test fails when the README and the table disagree.
import { codeTable } from '../server/src/core/analysis/analyze';
import { readmeSection, writeReadmeSection } from './readmeSection';

export { README } from './readmeSection';
const START = '<!-- codes:start -->';
const END = '<!-- codes:end -->';

export function renderCodesTable(): string {
  const rows = codeTable().map((c) => `| ${c.code} | ${c.severity} | ${c.doc.replace(/\|/g, '\\|')} |`);
  return [START, '| code | default severity | meaning |', '|---|---|---|', ...rows, END].join('\n');
}

export function readmeCodesSection(text: string): string | null {
  return readmeSection(text, START, END);
}

if (require.main === module) writeReadmeSection(START, END, renderCodesTable());
