// The runs going on, by document: what Run Script asks about before starting a second run of a
// document that is still running, and what Cancel Run cancels. Pure (no vscode), so it is tested
// as it is.

export interface RunningRun {
  runId: string;
  /** The document's URI, as a string. */
  document: string;
  /** What runs ("Script of demo.sql"), for the question and messages. */
  title: string;
}

export class RunningRuns {
  /** In the order they started. */
  private readonly runs: RunningRun[] = [];

  started(run: RunningRun): void {
    this.runs.push(run);
  }

  ended(runId: string): void {
    const index = this.runs.findIndex((r) => r.runId === runId);
    if (index >= 0) this.runs.splice(index, 1);
  }

  /** The document's runs going on, oldest first. */
  of(document: string): RunningRun[] {
    return this.runs.filter((r) => r.document === document);
  }

  /** The documents with a run going on (for the editor's Cancel Run button). */
  documents(): string[] {
    return [...new Set(this.runs.map((r) => r.document))];
  }

  /**
   * What Cancel Run cancels: the runs of the document it was invoked on; without one that runs,
   * the only run going on anywhere (never a guess among several).
   */
  toCancel(document: string | undefined): RunningRun[] {
    const mine = document === undefined ? [] : this.of(document);
    if (mine.length > 0) return mine;
    return this.runs.length === 1 ? [this.runs[0]!] : [];
  }

  get count(): number {
    return this.runs.length;
  }
}
