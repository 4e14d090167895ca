// Issue 2's figures: full static analysis of a 10,000-line file with 200 calls against its
// lexing time (the baseline), embedded-check throughput through the long-lived analyzers, and
// the time from an edit inside one call to published diagnostics, through the real server.
import { analyze, checkEmbedded, DEFAULT_OPTIONS } from '../../server/src/core/analyze';
import type { EmbeddedCheckRequest, EmbeddedChecker } from '../../server/src/core/embedded/ports';
import { lex } from '../../server/src/core/tsql/lexer';
import { CachingEmbeddedChecker } from '../../server/src/node/embedded/cachingChecker';
import { PythonChecker } from '../../server/src/node/embedded/pythonChecker';
import { RChecker } from '../../server/src/node/embedded/rChecker';
import { LspClient } from '../lsp/lspClient';
import { generateWorkload } from './generateWorkload';
import { median, ms, percentile, time } from './stats';

class Counting implements EmbeddedChecker {
  calls = 0;
  constructor(private readonly inner: EmbeddedChecker) {}
  check(r: EmbeddedCheckRequest) {
    this.calls++;
    return this.inner.check(r);
  }
  dispose() {
    this.inner.dispose();
  }
}

async function main(): Promise<void> {
  const text = generateWorkload(10_000, 200);
  const lineCount = text.split('\n').length - 1;
  const analysis = analyze(text, DEFAULT_OPTIONS);
  console.log(`workload: ${lineCount} lines, ${(text.length / 1024).toFixed(0)} KiB, ${analysis.calls.length} calls, ${analysis.problems.length} static problems`);

  const lexTimes = await time(() => lex(text), 30);
  const analyzeTimes = await time(() => analyze(text, DEFAULT_OPTIONS), 30);
  console.log(`lex (baseline):      median ${ms(median(lexTimes))}`);
  console.log(`full analysis:       median ${ms(median(analyzeTimes))}  p90 ${ms(percentile(analyzeTimes, 90))}  = ${(median(analyzeTimes) / median(lexTimes)).toFixed(2)}x lexing  (goal < 50 ms)`);

  // Embedded checks: a cold pass sends all 200 scripts through the two analyzer processes.
  const python = new Counting(new PythonChecker());
  const r = new Counting(new RChecker());
  const checker = new CachingEmbeddedChecker({ python, r });
  const cold = performance.now();
  await checkEmbedded(analysis, checker);
  const coldMs = performance.now() - cold;
  console.log(`embedded, cold:      ${analysis.calls.length} scripts in ${ms(coldMs)} = ${(analysis.calls.length / (coldMs / 1000)).toFixed(0)} scripts/s (${python.calls} Python, ${r.calls} R requests, process start included)`);
  const warmTimes = await time(() => checkEmbedded(analysis, checker), 10);
  console.log(`embedded, cached:    median ${ms(median(warmTimes))} for all ${analysis.calls.length}`);

  // An edit inside one call: only that call's script reaches an analyzer.
  const before = python.calls + r.calls;
  const edited = text.replace('threshold = 0 * 0.5', 'threshold = 0 * 0.75');
  const editTimes: number[] = [];
  for (let i = 0; i < 10; i++) {
    const variant = edited.replace('0.75', `0.${75 + i}`);
    const t = performance.now();
    await checkEmbedded(analyze(variant, DEFAULT_OPTIONS), checker);
    editTimes.push(performance.now() - t);
  }
  const after = python.calls + r.calls;
  console.log(`edit in one call:    median ${ms(median(editTimes))} analysis + embedded; ${(after - before) / 10} analyzer request(s) per edit`);
  checker.dispose();

  // Through the real server: didChange -> publishDiagnostics, with the default debounce.
  const client = await LspClient.start({});
  try {
    const uri = 'file:///bench/workload.sql';
    await client.open(uri, text);
    await client.diagnostics(uri, (_d, v) => v === 1, 120_000);
    const lines = text.split('\n');
    const target = lines.findIndex((l) => l.startsWith('threshold = 0 * 0.5'));
    const publish: number[] = [];
    for (let i = 0; i < 15; i++) {
      const t = performance.now();
      const version = await client.change(uri, [{ range: { start: { line: target, character: 12 }, end: { line: target, character: 13 } }, text: String(i % 10) }]);
      await client.diagnostics(uri, (_d, v) => v === version);
      publish.push(performance.now() - t);
    }
    console.log(`edit -> published:   median ${ms(median(publish))}  p90 ${ms(percentile(publish, 90))} (includes the 75 ms debounce; goal < 150 ms)`);
  } finally {
    await client.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
