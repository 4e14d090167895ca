// Incremental analysis must be indistinguishable from a full one: for random edits of real
// documents (the benchmark's workload, the diagnostic fixtures and examples, mutated), the
// analysis an IncrementalAnalyzer gives after each edit is deep-equal to analyze() of the same
// text, and the pre-flight plan likewise. And it must be incremental: an edit re-scans only the
// batches it touched and re-checks only the calls in them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze, DEFAULT_OPTIONS, type AnalysisOptions } from '../../../server/src/core/analysis/analyze';
import { IncrementalAnalyzer } from '../../../server/src/core/analysis/incremental';
import { IncrementalPreflightPlanner, planPreflight, type PreflightOptions } from '../../../server/src/core/preflight';
import { BatchCache } from '../../../server/src/core/tsql/batchCache';
import { lex, lexBatch, TokenPool, type Token } from '../../../server/src/core/tsql/lexer';
import { generateWorkload } from '../../bench/generateWorkload';
import { seedDocuments } from '../../fuzz/targets/tsqlInputs';
import { mutateText, Rng } from '../../support/fuzz';

const PLAN: PreflightOptions = { sqlServerVersion: 2019, workerGroups: ['sqlmlusers'] };

/** What typing does: a few characters inserted, deleted or replaced at one place, often ones that change how the rest lexes. */
const TYPED = ['x', '1', ' ', '\n', "'", "''", 'N\'', '[', ']', '"', '/*', '*/', '--', '\nGO\n', '\r\nGO 2\r\n', '@v', ',', '(', ')', ';', 'EXEC ', 'DECLARE @s nvarchar(max) = ', '$(Var)', '<rows, int, 10>', ''];

function typingEdit(rng: Rng, text: string): string {
  const at = rng.int(text.length + 1);
  const removed = rng.chance(0.5) ? rng.int(4) : 0;
  return text.slice(0, at) + rng.pick(TYPED) + text.slice(at + removed);
}

/** Runs `steps` random edits from `start`, checking the incremental analysis and plan against full ones after each. */
function checkEdits(rng: Rng, start: string, steps: number, donors: readonly string[], options: AnalysisOptions = DEFAULT_OPTIONS): void {
  const analyzer = new IncrementalAnalyzer();
  const planner = new IncrementalPreflightPlanner();
  let text = start;
  for (let step = 0; step <= steps; step++) {
    const incremental = analyzer.analyze(text, options);
    const full = analyze(text, options);
    assert.deepStrictEqual(incremental, full, `seed ${rng.seed}, step ${step}: the incremental analysis differs from the full one`);
    assert.deepStrictEqual(planner.plan(text, incremental, PLAN), planPreflight(text, incremental, PLAN), `seed ${rng.seed}, step ${step}: the incremental plan differs`);
    text = rng.chance(0.8) ? typingEdit(rng, text) : mutateText(rng, text, donors);
  }
}

test('random edits of the workload: the incremental analysis and plan equal full ones after every edit', () => {
  const workload = generateWorkload(1_000, 20);
  for (const seed of [1, 2]) checkEdits(new Rng(seed), workload, 30, [workload]);
});

test('random edits of every fixture and example: the incremental analysis and plan equal full ones after every edit', () => {
  const docs = seedDocuments();
  const rng = new Rng(20261204);
  for (const doc of docs) checkEdits(rng, doc, 25, docs);
});

test('an edit re-scans only the batch it touched and re-checks only that batch\'s calls', () => {
  const text = generateWorkload(10_000, 200);
  const analyzer = new IncrementalAnalyzer();
  analyzer.analyze(text);
  // 200 batches, each closed by GO, and the empty one after the last GO.
  assert.deepEqual(analyzer.lastReuse, { batches: 201, scanned: 201, callsAnalysed: 200 });

  const at = text.indexOf('threshold = 100 * 0.5') + 'threshold = '.length;
  const edits = [
    text.slice(0, at) + '7' + text.slice(at + 1), // one character replaced
    text.slice(0, at) + '7' + text.slice(at), // one inserted: every later batch moves
    text.slice(0, at) + text.slice(at + 1), // one deleted
  ];
  for (const edited of edits) {
    const incremental = analyzer.analyze(edited);
    assert.deepEqual(analyzer.lastReuse, { batches: 201, scanned: 1, callsAnalysed: 1 });
    assert.deepStrictEqual(incremental, analyze(edited));
  }
  analyzer.analyze(edits[2]!);
  assert.deepEqual(analyzer.lastReuse, { batches: 201, scanned: 0, callsAnalysed: 0 }, 'the same text again re-analyses nothing');
});

test('a block comment left open reads to the end of the text: its batch is scanned again after any later edit', () => {
  const base = generateWorkload(2_000, 40);
  const open = base.replace('-- model 5:', '/* model 5:');
  const analyzer = new IncrementalAnalyzer();
  analyzer.analyze(open);
  // An edit far below the open comment cannot be kept apart from it: the comment may now close there.
  const later = open.replace('-- model 30:', '-- model 30: */');
  assert.deepStrictEqual(analyzer.analyze(later), analyze(later));
  assert.ok(analyze(later).calls.length < analyze(open).calls.length, 'closing the comment far below swallows the calls between');
  const unrelated = open.replace('-- model 30:', '-- model 30 (edited):');
  analyzer.analyze(open);
  assert.deepStrictEqual(analyzer.analyze(unrelated), analyze(unrelated));
  assert.equal(analyzer.lastReuse.scanned, 2, 'the batch with the open comment and the edited one');
});

test('changed options re-check every call without scanning any batch again', () => {
  const text = generateWorkload(2_000, 40);
  const analyzer = new IncrementalAnalyzer();
  analyzer.analyze(text);
  for (const options of [{ ...DEFAULT_OPTIONS, sqlServerVersion: 2017 as const }, { ...DEFAULT_OPTIONS, extraLanguages: ['Java'] }]) {
    assert.deepStrictEqual(analyzer.analyze(text, options), analyze(text, options));
    assert.deepEqual(analyzer.lastReuse, { batches: 41, scanned: 0, callsAnalysed: 40 });
  }
  const tooLarge = { ...DEFAULT_OPTIONS, maxChars: 100 };
  assert.deepStrictEqual(analyzer.analyze(text, tooLarge), analyze(text, tooLarge));
  assert.deepStrictEqual(analyzer.analyze(text), analyze(text));
});

test('the planner re-plans only the calls an edit touched', () => {
  const text = generateWorkload(2_000, 40);
  const analyzer = new IncrementalAnalyzer();
  const planner = new IncrementalPreflightPlanner();
  const before = planner.plan(text, analyzer.analyze(text), PLAN);
  const edited = text.replace('threshold = 8 * 0.5', 'threshold = 9 * 0.5');
  const after = planner.plan(edited, analyzer.analyze(edited), PLAN);
  const replanned = after.calls.filter((c, k) => c.tables !== before.calls[k]!.tables).length;
  assert.equal(replanned, 1);
  // A table the document now creates changes what every call must ask about.
  const creating = `CREATE TABLE dbo.points_3 (x float);\nGO\n${edited}`;
  const planned = planner.plan(creating, analyzer.analyze(creating), PLAN);
  assert.deepStrictEqual(planned, planPreflight(creating, analyzer.analyze(creating), PLAN));
  assert.equal(planned.calls[3]!.tables.some((t) => t.name === 'points_3'), false);
});

test('a document lexed batch by batch gives exactly the tokens and problems of lexing it whole', () => {
  const docs = seedDocuments();
  const rng = new Rng(7);
  const texts = [...docs, ...Array.from({ length: 300 }, () => mutateText(rng, mutateText(rng, rng.pick(docs), docs), docs))];
  for (const text of texts) {
    const whole = lex(text);
    const tokens = [];
    const problems = [];
    for (let from = 0; from < text.length; ) {
      const batch = lexBatch(text, from);
      assert.ok(batch.next > from || batch.next === text.length, 'each batch moves on');
      assert.ok(batch.reach >= batch.next);
      tokens.push(...batch.tokens);
      problems.push(...batch.problems);
      from = batch.next;
    }
    assert.deepStrictEqual({ tokens, problems }, whole);
  }
});

test('lexed through a token pool, each batch gets the tokens lexBatch gives without one, in the objects of the batch before', () => {
  const docs = seedDocuments();
  const rng = new Rng(11);
  const texts = [...docs, ...Array.from({ length: 300 }, () => mutateText(rng, mutateText(rng, rng.pick(docs), docs), docs))];
  let reused = 0;
  for (const text of texts) {
    const pool = new TokenPool();
    let before: readonly Token[] = [];
    for (let from = 0; from < text.length; ) {
      const fresh = lexBatch(text, from);
      const pooled = lexBatch(text, from, pool);
      assert.deepStrictEqual(pooled, fresh);
      // A pooled token is rewritten whole: no field of the token it was before survives.
      reused += pooled.tokens.filter((t, k) => t === before[k]).length;
      before = pooled.tokens;
      from = pooled.next;
    }
  }
  assert.ok(reused > 1000, `the pool lent its objects again (${reused} tokens reused)`);
});

test('a batch cache lends one token pool to the batches of an update, and keeps none past it', () => {
  const pools: TokenPool[][] = [];
  const cache = new BatchCache<number>((text, from, pool) => {
    pools[pools.length - 1]!.push(pool);
    const batch = lexBatch(text, from, pool);
    return { next: batch.next, reach: batch.reach, value: batch.tokens.length };
  }, (n) => n);
  const text = 'SELECT 1\nGO\nSELECT 2, 3\nGO\nSELECT 4\n';
  pools.push([]);
  assert.deepEqual(cache.update(text).map((b) => b.value), [3, 5, 2]);
  pools.push([]);
  cache.update(text.replace('2, 3', '2, 3, 4'));
  assert.equal(pools[0]!.length, 3);
  assert.ok(pools[0]!.every((p) => p === pools[0]![0]), 'the batches of one update share a pool');
  assert.equal(pools[1]!.length, 1, 'only the edited batch is scanned again');
  assert.notEqual(pools[1]![0], pools[0]![0], 'the next update gets a pool of its own');
});
