// Run Script from the editor: a Python call returning 10,000 rows, sent as sqlml/run to the
// language server (which connects to the instance for the run, streams its messages and maps
// its lines), against two baselines measured here in the same run: the same T-SQL on an
// InstanceClient that is already connected (the instance's own cost), and `sqlml run` as a
// process (what a user would do from a terminal).
// Run: node --import tsx test/bench/editor-run.bench.ts   (needs root: accounts mode)
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { RunScriptRequest } from '../../server/src/protocol';
import { encodedRowCount } from '../../server/src/core/results/encodedResultSets';
import { CLI, TestInstance } from '../integration/instance/harness';
import { LspClient } from '../lsp/lspClient';
import { median, time } from './stats';

const RUNS = 10;
const SCRIPT = `EXEC sp_execute_external_script
  @language = N'Python',
  @script = N'
import numpy
n = numpy.arange(10000)
OutputDataSet = pandas.DataFrame({"n": n, "square": n * n, "label": ["row%d" % i for i in n]})
'
WITH RESULT SETS ((n int, square bigint, label nvarchar(20)));
`;

async function main(): Promise<void> {
  if (process.getuid?.() !== 0) {
    console.log('skipped: needs root (the instance runs scripts on worker accounts)');
    return;
  }
  const instance = new TestInstance('bench-editor', 'sqlmlbe');
  instance.create(2);
  let lsp: LspClient | undefined;
  try {
    const file = join(instance.base, 'run.sql');
    writeFileSync(file, "EXEC sp_configure 'external scripts enabled', 1;\nRECONFIGURE;\n");
    instance.run([file]);
    writeFileSync(file, SCRIPT);

    lsp = await LspClient.start({ instance: { path: instance.path }, preflight: { enabled: false } });
    const uri = pathToFileURL(file).href;
    await lsp.open(uri, SCRIPT);
    let runs = 0;
    const editor = await time(async () => {
      const result = await lsp!.connection.sendRequest(RunScriptRequest, { runId: `bench-${runs++}`, uri, scope: 'file' });
      const set = result.batches[0]?.resultSets[0];
      if (result.failed || !set || encodedRowCount(set) !== 10_000) throw new Error(`the run failed: ${JSON.stringify(result).slice(0, 500)}`);
    }, RUNS);

    const client = await instance.connect();
    const direct = await time(async () => {
      const outcome = await client.run(SCRIPT);
      if (outcome.batches[0]?.resultSets[0]?.rows.length !== 10_000) throw new Error('the direct run failed');
    }, RUNS);
    client.close();

    const cliRuns = await time(() => {
      const r = spawnSync(process.execPath, [CLI, 'run', '--path', instance.path, '--format', 'json', file], { encoding: 'utf8', maxBuffer: 64 << 20 });
      if (r.status !== 0) throw new Error(`sqlml run failed: ${r.stderr}`);
    }, RUNS);

    const [e, d, c] = [median(editor), median(direct), median(cliRuns)];
    console.log(`Run Script of a Python call returning 10,000 rows × 3 columns, ${RUNS} runs after 3 warm-ups (medians):`);
    console.log(`  editor (sqlml/run through the language server): ${e.toFixed(0)} ms`);
    console.log(`  baseline, an InstanceClient already connected:  ${d.toFixed(0)} ms  -> editor/baseline ${(e / d).toFixed(2)}×`);
    console.log(`  baseline, \`sqlml run --format json\` process:    ${c.toFixed(0)} ms  -> editor/CLI ${(e / c).toFixed(2)}×`);
  } finally {
    await lsp?.stop();
    await instance.teardown();
  }
}

void main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
