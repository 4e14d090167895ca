// Writes the README's table of attacks (npm run docs:security) from the attack registry
// (test/integration/launcher/attacks.ts) and the outcomes the last test run recorded
// (test-results/attacks.json, written by test/support/attackReporter.mjs). The table says what
// the tests showed, no more: an attack whose tests were skipped or failed says so.
import { ATTACKS } from '../test/integration/launcher/attacks';
import { overall, readResults, type AttackResults } from '../test/support/attackReporter.mjs';
import { readmeSection, writeReadmeSection } from './readmeSection';

export const START = '<!-- security:start -->';
export const END = '<!-- security:end -->';

/** The outcome column: what the last run showed for the attack (all its tests passed, or why not). */
export function outcomeText(results: AttackResults | null, id: number): string {
  const recorded = results?.[String(id)];
  if (!recorded) return 'not run';
  const outcome = overall(recorded.tests);
  if (outcome === 'passed') return 'test passed';
  const reason = recorded.tests.find((t) => t.outcome === outcome)?.reason;
  const why = reason ? `: ${reason.replace(/\s+/g, ' ').replace(/\|/g, '\\|')}` : '';
  return `test ${outcome}${why}`;
}

/** The isolation modes the attack's recorded tests ran in ('-' where no sandbox mode is involved). */
export function modesText(results: AttackResults | null, id: number): string {
  const modes = [...new Set((results?.[String(id)]?.tests ?? []).flatMap((t) => (t.mode ? [t.mode] : [])))].sort();
  return modes.length > 0 ? modes.join(', ') : '-';
}

export function renderSecurityTable(results: AttackResults | null): string {
  const rows = ATTACKS.map((a) => `| ${a.id} | ${a.what.replace(/\|/g, '\\|')} | ${a.mode} | ${modesText(results, a.id)} | ${outcomeText(results, a.id)} |`);
  return [START, '| # | attack tried | by | isolation mode | last result |', '|---|---|---|---|---|', ...rows, END].join('\n');
}

export function readmeSecuritySection(text: string): string | null {
  return readmeSection(text, START, END);
}

if (require.main === module) {
  const results = readResults();
  if (!results) throw new Error('No test results yet (test-results/attacks.json): run the tests first, as root (node scripts/test.mjs integration).');
  writeReadmeSection(START, END, renderSecurityTable(results));
}
