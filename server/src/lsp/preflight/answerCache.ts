// What the instance has answered, per instance + login + checked login, and a generation that moves
// whenever any answer does: a document's cached problems are valid only for the generation they
// were computed in, so a change anywhere (a grant, a refusal, a catalog change) recomputes them.
import type { Fact } from '../../core/preflight';

export class AnswerCache {
  private readonly facts = new Map<string, Map<string, Fact>>();
  private current = 0;

  get generation(): number {
    return this.current;
  }

  /** The answers known under `key` (instance + login + checked login). */
  known(key: string): ReadonlyMap<string, Fact> {
    return this.facts.get(key) ?? new Map();
  }

  store(key: string, answers: Iterable<[string, Fact]>): void {
    const known = this.entry(key);
    for (const [k, v] of answers) known.set(k, v);
    this.current++;
  }

  /** The instance refused these questions: they stay unknown (no finding either way) until asked afresh. */
  refuse(key: string, questions: readonly string[]): void {
    const known = this.entry(key);
    for (const k of questions) known.set(k, { kind: 'unknown' });
    this.current++;
  }

  /** Forgets these answers, so that they are asked again (a save, the check command). */
  forget(key: string, questions: readonly string[]): void {
    const known = this.facts.get(key);
    for (const k of questions) known?.delete(k);
    this.current++;
  }

  /** The instance changed: nothing it said still holds. */
  clear(): void {
    this.facts.clear();
    this.current++;
  }

  private entry(key: string): Map<string, Fact> {
    let known = this.facts.get(key);
    if (!known) this.facts.set(key, (known = new Map()));
    return known;
  }
}
