// A node:test reporter that records the outcome of every attack test (a test whose name starts
// with `#N`, see test/integration/launcher/attacks.ts) into test-results/attacks.json, which
// `npm run docs:security` turns into the README's security table. It prints nothing: the spec
// reporter beside it does that (scripts/test.mjs runs both). Plain JavaScript: node loads
// reporters before any TypeScript loader is in place.
//
// Results merge with the file's earlier ones: running one suite does not forget the others.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const RESULTS_FILE = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'test-results', 'attacks.json');

/**
 * @typedef {'passed' | 'failed' | 'skipped'} Outcome
 * @typedef {'accounts' | 'namespaces' | 'none'} IsolationMode
 * @typedef {{ name: string, outcome: Outcome, reason?: string, mode?: IsolationMode }} TestOutcome
 * @typedef {Record<string, { at: string, tests: TestOutcome[] }>} AttackResults per attack number: its tests as last run
 */

/** The attack numbers a test name starts with: '#9 #10 #22 other sessions…' → [9, 10, 22]. @param {string} name */
export function attackIds(name) {
  const head = /^(?:#\d+\s+)+/.exec(`${name} `);
  return head ? head[0].trim().split(/\s+/).map((t) => Number(t.slice(1))) : [];
}

/**
 * The isolation mode a test attacks in: a [mode] tag in its name, else the launcher suite's file
 * (namespaces.test.ts runs namespaces mode; the rest of test/integration/launcher runs accounts
 * mode, as root); none for attacks on the instance or the editor, which no sandbox mode changes.
 * @param {string} name @param {string | undefined} file @returns {IsolationMode | undefined}
 */
export function isolationModeOf(name, file) {
  const tag = /\[(accounts|namespaces|none)\]/.exec(name);
  if (tag) return /** @type {IsolationMode} */ (tag[1]);
  const path = (file ?? '').replace(/\\/g, '/');
  if (!path.includes('/test/integration/launcher/')) return undefined;
  return path.endsWith('/namespaces.test.ts') ? 'namespaces' : 'accounts';
}

/** An attack's outcome over its tests: failed if any failed, else skipped if any skipped. @param {TestOutcome[]} tests @returns {Outcome} */
export function overall(tests) {
  if (tests.some((t) => t.outcome === 'failed')) return 'failed';
  if (tests.length === 0 || tests.some((t) => t.outcome === 'skipped')) return 'skipped';
  return 'passed';
}

/** The outcomes of a run's attack tests, from the runner's events. @returns {Map<number, TestOutcome[]>} */
export function outcomesOf(events) {
  const byId = new Map();
  for (const { type, data } of events) {
    if ((type !== 'test:pass' && type !== 'test:fail') || !data?.name) continue;
    const ids = attackIds(data.name);
    if (ids.length === 0) continue;
    /** @type {TestOutcome} */
    let outcome;
    if (type === 'test:fail') {
      const error = data.details?.error;
      const message = error?.cause instanceof Error ? error.cause.message : (error?.message ?? 'failed');
      outcome = { name: data.name, outcome: 'failed', reason: String(message).split('\n')[0].slice(0, 200) };
    } else if (data.skip !== undefined && data.skip !== false) {
      outcome = { name: data.name, outcome: 'skipped', reason: typeof data.skip === 'string' ? data.skip : 'skipped' };
    } else if (data.todo !== undefined && data.todo !== false) {
      outcome = { name: data.name, outcome: 'skipped', reason: typeof data.todo === 'string' ? `todo: ${data.todo}` : 'todo' };
    } else outcome = { name: data.name, outcome: 'passed' };
    const mode = isolationModeOf(data.name, data.file);
    if (mode) outcome.mode = mode;
    for (const id of ids) byId.set(id, [...(byId.get(id) ?? []), outcome]);
  }
  return byId;
}

/** @returns {AttackResults | null} */
export function readResults(file = RESULTS_FILE) {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return null;
  }
}

export default async function* attackReporter(source) {
  const events = [];
  for await (const event of source) if (event.type === 'test:pass' || event.type === 'test:fail') events.push(event);
  const outcomes = outcomesOf(events);
  if (outcomes.size === 0) return;
  const results = readResults() ?? {};
  const at = new Date().toISOString();
  for (const [id, tests] of outcomes) results[String(id)] = { at, tests };
  mkdirSync(dirname(RESULTS_FILE), { recursive: true });
  writeFileSync(RESULTS_FILE, `${JSON.stringify(results, null, 2)}\n`);
}
