// One folder per case under test/fixtures/diagnostics: input.sql and the expected diagnostics
// (expected.json), checked with the real Python and R analyzers. SQLML_UPDATE_FIXTURES=1 writes the
// expected files from the current output (new ones included); review the diff before committing it.
// Without it a missing expected.json is a failure: a case checked against its own output proves nothing.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkDocument, DEFAULT_OPTIONS } from '../../server/src/core/analysis/analyze';
import { LineIndex } from '../../server/src/core/text/lineIndex';
import { createEmbeddedChecker } from '../../server/src/node/embedded/createEmbeddedChecker';

const ROOT = join(__dirname, '..', 'fixtures', 'diagnostics');
const checker = createEmbeddedChecker();
after(() => checker.dispose());

for (const name of readdirSync(ROOT).sort()) {
  test(`fixture ${name}`, async () => {
    const text = readFileSync(join(ROOT, name, 'input.sql'), 'utf8');
    const { problems } = await checkDocument(text, DEFAULT_OPTIONS, checker);
    const lines = new LineIndex(text);
    const actual = problems.map((p) => {
      const r = lines.rangeAt(p.start, p.end);
      return {
        at: `${r.start.line + 1}:${r.start.character + 1}-${r.end.line + 1}:${r.end.character + 1}`,
        code: p.code,
        severity: p.severity,
        source: p.source,
        text: text.slice(p.start, p.end),
        message: p.message,
      };
    });
    const expectedPath = join(ROOT, name, 'expected.json');
    if (process.env.SQLML_UPDATE_FIXTURES === '1') writeFileSync(expectedPath, `${JSON.stringify(actual, null, 2)}\n`);
    assert.ok(existsSync(expectedPath), `${expectedPath} is missing: write it with SQLML_UPDATE_FIXTURES=1 and review it (this case's output is ${JSON.stringify(actual)})`);
    assert.deepEqual(actual, JSON.parse(readFileSync(expectedPath, 'utf8')));
  });
}
