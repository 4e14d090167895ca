// The analysis of a document being edited, redone only where the edit reached: batches the edit
// did not touch keep their calls, problems and rule findings (moved by the edit's length change
// when they come after it; see tsql/batchCache.ts). What depends on the whole document (the
// languages it creates, template stand-ins, the placeholders' problems, the order of problems) is
// redone each time; the result is exactly what analyze() gives for the same text.
import {
  analyzeCall,
  callContext,
  completeAnalysis,
  DEFAULT_OPTIONS,
  refusedDocument,
  type Analysis,
  type AnalysisOptions,
  type CallAnalysis,
  type CallContext,
} from './analyze';
import type { Problem } from '../diagnostics/problems';
import { shiftBoundCall, shiftCall, shiftProblem } from '../scriptCall/shift';
import { BatchCache } from '../tsql/batchCache';
import { neutralizePlaceholders } from '../tsql/placeholders';
import { scanBatch, type ScanResult } from '../tsql/scanner';

interface BatchAnalysis {
  scan: ScanResult;
  /** Its calls analysed under the context with this key; null until they are. */
  analysed: { key: string; calls: CallAnalysis[]; problems: Problem[][] } | null;
}

/** How much the last call of analyze() did again (for tests and benchmarks). */
export interface ReuseStats {
  batches: number;
  /** Batches lexed and scanned again. */
  scanned: number;
  /** Calls bound and checked by the rules again. */
  callsAnalysed: number;
}

export class IncrementalAnalyzer {
  private readonly cache = new BatchCache<BatchAnalysis>((text, from, pool) => {
    const { next, reach, result } = scanBatch(text, from, pool);
    return { next, reach, value: { scan: result, analysed: null } };
  }, shiftBatch);
  private stats: ReuseStats = { batches: 0, scanned: 0, callsAnalysed: 0 };

  get lastReuse(): ReuseStats {
    return this.stats;
  }

  analyze(text: string, options: AnalysisOptions = DEFAULT_OPTIONS): Analysis {
    const refused = refusedDocument(text, options);
    if (refused) {
      this.cache.clear();
      this.stats = { batches: 0, scanned: 0, callsAnalysed: 0 };
      return refused;
    }
    const neutral = neutralizePlaceholders(text);
    const batches = this.cache.update(neutral.text).map((b) => b.value);
    const externalLanguages = batches.flatMap((b) => b.scan.externalLanguages);
    const context = callContext(options, externalLanguages, neutral.placeholders);
    let callsAnalysed = 0;
    const calls: CallAnalysis[] = [];
    const scanProblems: Problem[] = [];
    const ruleProblems: Problem[] = [];
    for (const batch of batches) {
      for (const p of batch.scan.problems) scanProblems.push(p);
      if (batch.analysed?.key !== context.key) {
        batch.analysed = analyzeCalls(batch.scan, context);
        callsAnalysed += batch.scan.calls.length;
      }
      for (const c of batch.analysed.calls) calls.push(c);
      for (const ps of batch.analysed.problems) for (const p of ps) ruleProblems.push(p);
    }
    this.stats = { batches: batches.length, scanned: this.cache.scanned, callsAnalysed };
    // As analyze() lists them before sorting: the batches' problems, then the rules' in call order.
    // Problems of different batches never share a position, so the (stable) sort puts them in the same order.
    return completeAnalysis(text, calls, scanProblems.concat(ruleProblems), externalLanguages, neutral.placeholders);
  }
}

function analyzeCalls(scan: ScanResult, context: CallContext): NonNullable<BatchAnalysis['analysed']> {
  const calls: CallAnalysis[] = [];
  const problems: Problem[][] = [];
  for (const call of scan.calls) {
    const analysed = analyzeCall(call, context);
    calls.push(analysed.analysis);
    problems.push(analysed.problems);
  }
  return { key: context.key, calls, problems };
}

function shiftBatch(batch: BatchAnalysis, delta: number): BatchAnalysis {
  const calls = batch.scan.calls.map((c) => shiftCall(c, delta));
  const analysed = batch.analysed && {
    key: batch.analysed.key,
    calls: batch.analysed.calls.map((c, k) => ({ ...c, call: calls[k]!, bound: shiftBoundCall(c.bound, calls[k]!, delta) })),
    problems: batch.analysed.problems.map((ps) => ps.map((p) => shiftProblem(p, delta))),
  };
  return {
    scan: { calls, problems: batch.scan.problems.map((p) => shiftProblem(p, delta)), externalLanguages: batch.scan.externalLanguages },
    analysed,
  };
}
