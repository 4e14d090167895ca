// The static analysis as the language server ships it: bundled by esbuild into one file, as
// scripts/build.mjs bundles the server. Imported through tsx's per-file transform instead, the
// scanning and the analysis measured about 40% slower in a paired run (the lexing about the same):
// a cost no user pays, so the editor's figures are taken on the bundle.
import { build } from 'esbuild';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

type Analysis = typeof import('../../server/src/core/analysis/analyze');
type Incremental = typeof import('../../server/src/core/analysis/incremental');
type Lexer = typeof import('../../server/src/core/tsql/lexer');
type Preflight = typeof import('../../server/src/core/preflight');

export type ShippedAnalysis = Pick<Analysis, 'analyze' | 'checkEmbedded' | 'DEFAULT_OPTIONS'> & Pick<Incremental, 'IncrementalAnalyzer'> & Pick<Lexer, 'lex' | 'lexBatch' | 'TokenPool'> & Pick<Preflight, 'planPreflight'>;

export async function shippedAnalysis(): Promise<ShippedAnalysis> {
  const dir = mkdtempSync(join(tmpdir(), 'sqlml-bench-analysis-'));
  try {
    const outfile = join(dir, 'analysis.mjs');
    await build({
      stdin: {
        contents: [
          "export { analyze, checkEmbedded, DEFAULT_OPTIONS } from './server/src/core/analysis/analyze';",
          "export { IncrementalAnalyzer } from './server/src/core/analysis/incremental';",
          "export { lex, lexBatch, TokenPool } from './server/src/core/tsql/lexer';",
          "export { planPreflight } from './server/src/core/preflight';",
        ].join('\n'),
        resolveDir: resolve(__dirname, '../..'),
        loader: 'ts',
      },
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      outfile,
      logLevel: 'warning',
    });
    return (await import(pathToFileURL(outfile).href)) as ShippedAnalysis;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
