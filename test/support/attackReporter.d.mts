// Types of attackReporter.mjs for the TypeScript that reads its results.
export type Outcome = 'passed' | 'failed' | 'skipped';
export type IsolationMode = 'accounts' | 'namespaces' | 'none';
export interface TestOutcome {
  name: string;
  outcome: Outcome;
  reason?: string;
  mode?: IsolationMode;
}
export type AttackResults = Record<string, { at: string; tests: TestOutcome[] }>;
export const RESULTS_FILE: string;
export function attackIds(name: string): number[];
export function isolationModeOf(name: string, file: string | undefined): IsolationMode | undefined;
export function overall(tests: readonly TestOutcome[]): Outcome;
export function outcomesOf(events: readonly { type: string; data: Record<string, unknown> }[]): Map<number, TestOutcome[]>;
export function readResults(file?: string): AttackResults | null;
export default function attackReporter(source: AsyncIterable<unknown>): AsyncGenerator<string>;
