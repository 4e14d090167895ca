// The R checker against Debian's real /usr/bin/Rscript (r-base-core).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { EmbeddedCheckResult, ScriptPosition } from '../../server/src/core/embedded/ports';
import { RChecker } from '../../server/src/node/embedded/rChecker';

/** Where `needle` starts in the script, as JavaScript (UTF-16) indices: what the port promises. */
function at(script: string, needle: string): ScriptPosition {
  const lines = script.split(/\r\n|\r|\n/);
  for (let line = 0; line < lines.length; line++) {
    const column = lines[line]!.indexOf(needle);
    if (column >= 0) return { line, column };
  }
  throw new Error(`${needle} not in script`);
}

function withChecker(body: (checker: RChecker) => Promise<void>): () => Promise<void> {
  return async () => {
    const checker = new RChecker();
    try {
      await body(checker);
    } finally {
      checker.dispose();
    }
  };
}

async function check(checker: RChecker, script: string): Promise<EmbeddedCheckResult> {
  return checker.check({ language: 'r', script, knownNames: ['InputDataSet', 'OutputDataSet'] });
}

async function onlyFinding(checker: RChecker, script: string) {
  const result = await check(checker, script);
  assert.equal(result.unavailable, undefined);
  assert.equal(result.findings.length, 1, JSON.stringify(result));
  return result.findings[0]!;
}

test('a parse error has a clean message and the line and column of the offending token', withChecker(async (checker) => {
  const script = 'df <- InputDataSet +\nOutputDataSet df\n';
  const finding = await onlyFinding(checker, script);
  assert.equal(finding.kind, 'syntax');
  assert.equal(finding.message, 'unexpected symbol');
  const column = 'OutputDataSet '.length;
  assert.deepEqual(finding.start, { line: 1, column });
  assert.deepEqual(finding.end, { line: 1, column: column + 1 });
}));

test('the column is right after é and 😀 on the same line', withChecker(async (checker) => {
  const script = "label <- 'é😀'\ntitle <- 'café 😀😀' z\n";
  const finding = await onlyFinding(checker, script);
  assert.deepEqual(finding.start, at(script, 'z'));
}));

test('tabs, which R counts to the next multiple of 8, still give the character column', withChecker(async (checker) => {
  const script = 'f <- function() {\n\t\tx <- 1\n\t\tx y\n}\n';
  const finding = await onlyFinding(checker, script);
  assert.deepEqual(finding.start, { line: 2, column: 4 });
}));

test('CRLF line ends, as saved by SSMS, parse and keep their line numbers', withChecker(async (checker) => {
  assert.deepEqual(await check(checker, 'x <- 1\r\nOutputDataSet <- InputDataSet\r\n'), { findings: [] });
  const script = 'x <- 1\r\n\r\ny y\r\n';
  assert.deepEqual((await onlyFinding(checker, script)).start, { line: 2, column: 2 });
}));

test('an escape error, which R reports without a position, is placed on its string', withChecker(async (checker) => {
  const script = 'x <- 1\ndata <- read.csv("C:\\data\\in.csv")\n';
  const finding = await onlyFinding(checker, script);
  assert.match(finding.message, /'\\d' is an unrecognized escape/);
  assert.deepEqual(finding.start, at(script, '"C:'));
}));

test('unexpected end of input is placed at the end of the script', withChecker(async (checker) => {
  const script = 'OutputDataSet <- data.frame(\n  x = 1,\n';
  const finding = await onlyFinding(checker, script);
  assert.equal(finding.message, 'unexpected end of input');
  assert.equal(finding.start.line, 2);
}));

test('valid R gives no findings', withChecker(async (checker) => {
  const script = [
    '# Résumé des ventes 😀',
    'library(stats)',
    'model <- lm(y ~ x, data = InputDataSet)',
    "OutputDataSet <- data.frame(coef = coef(model), label = 'é😀')",
    '',
  ].join('\n');
  assert.deepEqual(await check(checker, script), { findings: [] });
  assert.deepEqual(await check(checker, ''), { findings: [] });
}));

test('hostile scripts get answers and never crash the analyzer', withChecker(async (checker) => {
  const nul = 'x <- 1\ny <- "a\x00b"\n';
  assert.deepEqual((await onlyFinding(checker, nul)).start, at(nul, '\x00'));
  for (const script of ['('.repeat(10_000), '{'.repeat(100_000), "x <- '\ud800'", 'system("kill -9 $PPID")\nq(status = 5)\n']) {
    const result = await check(checker, script);
    assert.equal(result.unavailable, undefined, JSON.stringify(result));
  }
  assert.equal(checker.process!.startCount, 1, 'one process answered everything, nothing was evaluated');
}));

test('a missing Rscript says which Debian package and which setting to use', async () => {
  const checker = new RChecker({ rscriptPath: '/nonexistent/Rscript' });
  try {
    const result = await check(checker, 'x <- 1\n');
    assert.deepEqual(result, {
      findings: [],
      unavailable: [
        {
          tool: 'r',
          message:
            "R checks are off: /nonexistent/Rscript was not found. Install Debian's r-base-core (apt-get install r-base-core) or set sqlml.r.path.",
        },
      ],
    });
  } finally {
    checker.dispose();
  }
});

test('the checker survives its process being killed between requests', withChecker(async (checker) => {
  assert.equal((await check(checker, 'x y\n')).findings.length, 1);
  const pid = checker.process!.pid!;
  process.kill(pid, 'SIGKILL');
  assert.equal((await check(checker, 'a b\n')).findings[0]?.message, 'unexpected symbol');
  assert.equal(checker.process!.startCount, 2);
}));

test('200 different scripts in a row are checked by one long-lived process', withChecker(async (checker) => {
  for (let i = 0; i < 200; i++) {
    const result = await check(checker, `value_${i} <- InputDataSet\n${' '.repeat(i % 7)}OutputDataSet value_${i}\n`);
    assert.deepEqual(result.findings[0]?.start, { line: 1, column: (i % 7) + 14 });
  }
  assert.equal(checker.process!.startCount, 1);
  assert.equal(checker.process!.requestCount, 200);
}));
