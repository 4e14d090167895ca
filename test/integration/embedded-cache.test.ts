// The caching checker: dispatch by language, answers remembered by content, shared in-flight work.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type {
  EmbeddedCheckRequest,
  EmbeddedCheckResult,
  EmbeddedChecker,
} from '../../server/src/core/embedded/ports';
import { CachingEmbeddedChecker } from '../../server/src/node/embedded/cachingChecker';
import { createEmbeddedChecker } from '../../server/src/node/embedded/createEmbeddedChecker';
import { PythonChecker } from '../../server/src/node/embedded/pythonChecker';
import { RChecker } from '../../server/src/node/embedded/rChecker';

/** Stands in for a language checker: records each request and answers after a short delay. */
class SpyChecker implements EmbeddedChecker {
  readonly seen: EmbeddedCheckRequest[] = [];
  disposed = false;

  constructor(private readonly answer: (request: EmbeddedCheckRequest) => EmbeddedCheckResult) {}

  async check(request: EmbeddedCheckRequest): Promise<EmbeddedCheckResult> {
    this.seen.push(request);
    await new Promise((resolve) => setTimeout(resolve, 5));
    return this.answer(request);
  }

  dispose(): void {
    this.disposed = true;
  }
}

function echoing(): SpyChecker {
  return new SpyChecker((request) => ({
    findings: [{ kind: 'warning', message: request.script, start: { line: 0, column: 0 }, end: { line: 0, column: 1 } }],
  }));
}

const py = (script: string, knownNames: string[] = []): EmbeddedCheckRequest => ({ language: 'python', script, knownNames });

test('requests go to the checker of their language', async () => {
  const python = echoing();
  const r = echoing();
  const checker = new CachingEmbeddedChecker({ python, r });
  await checker.check(py('x = 1'));
  await checker.check({ language: 'r', script: 'x <- 1', knownNames: [] });
  assert.deepEqual(python.seen.map((s) => s.script), ['x = 1']);
  assert.deepEqual(r.seen.map((s) => s.script), ['x <- 1']);
  checker.dispose();
  assert.ok(python.disposed && r.disposed, 'dispose reaches every language checker');
});

test('a repeated request is answered from the cache; the key is language, known names as a set, and script', async () => {
  const python = echoing();
  const checker = new CachingEmbeddedChecker({ python, r: echoing() });
  const first = await checker.check(py('print(a)', ['b', 'a']));
  assert.equal(await checker.check(py('print(a)', ['a', 'b', 'a'])), first, 'same answer object');
  assert.equal(python.seen.length, 1);
  await checker.check(py('print(a)', ['a']));
  await checker.check(py('print(a) '));
  await checker.check({ language: 'r', script: 'print(a)', knownNames: ['a', 'b'] });
  assert.equal(python.seen.length, 3, 'other names or another script is another request');
});

test('concurrent identical requests share one check', async () => {
  const python = echoing();
  const checker = new CachingEmbeddedChecker({ python });
  const answers = await Promise.all(Array.from({ length: 20 }, () => checker.check(py('x = 1', ['a']))));
  assert.equal(python.seen.length, 1);
  assert.ok(answers.every((a) => a === answers[0]));
});

test('the least recently used answer is evicted first, by count and by total script size', async () => {
  const python = echoing();
  const checker = new CachingEmbeddedChecker({ python }, { maxEntries: 2 });
  await checker.check(py('a'));
  await checker.check(py('b'));
  await checker.check(py('a')); // a is now the most recently used
  await checker.check(py('c')); // evicts b
  await checker.check(py('a'));
  await checker.check(py('b'));
  assert.deepEqual(python.seen.map((s) => s.script), ['a', 'b', 'c', 'b']);

  const sized = echoing();
  const small = new CachingEmbeddedChecker({ python: sized }, { maxScriptChars: 10 });
  await small.check(py('123456'));
  await small.check(py('abcdef')); // 12 chars in all: the first goes
  await small.check(py('abcdef'));
  await small.check(py('123456'));
  await small.check(py('x'.repeat(11))); // bigger than the whole budget: never kept
  await small.check(py('x'.repeat(11)));
  assert.deepEqual(sized.seen.map((s) => s.script.length), [6, 6, 6, 11, 11]);
});

test('answers where the runtime itself failed are not kept; a missing pyflakes answer is', async () => {
  let runtimeUp = false;
  const python = new SpyChecker(() =>
    runtimeUp
      ? { findings: [], unavailable: [{ tool: 'pyflakes', message: 'no pyflakes' }] }
      : { findings: [], unavailable: [{ tool: 'python', message: 'no python' }] },
  );
  const checker = new CachingEmbeddedChecker({ python });
  assert.equal((await checker.check(py('x')))!.unavailable![0]!.tool, 'python');
  runtimeUp = true; // say, the user installed python3
  assert.equal((await checker.check(py('x')))!.unavailable![0]!.tool, 'pyflakes');
  await checker.check(py('x'));
  assert.equal(python.seen.length, 2);
});

test('check always resolves: a throwing checker, an unknown language, a disposed checker', async () => {
  const python = new SpyChecker(() => {
    throw new Error('boom');
  });
  const checker = new CachingEmbeddedChecker({ python });
  const failed = await checker.check(py('x'));
  assert.equal(failed.unavailable![0]!.tool, 'python');
  assert.match(failed.unavailable![0]!.message, /boom/);
  const unknown = { language: 'julia', script: 'x', knownNames: [] } as unknown as EmbeddedCheckRequest;
  assert.deepEqual(await checker.check(unknown), { findings: [] });
  assert.deepEqual(await checker.check(null as unknown as EmbeddedCheckRequest), { findings: [] });
  checker.dispose();
  assert.deepEqual(await checker.check(py('y')), { findings: [] });
});

test('with the real analyzers, a cached answer never reaches the process', async () => {
  const python = new PythonChecker();
  const r = new RChecker();
  const checker = new CachingEmbeddedChecker({ python, r });
  try {
    const script = 'OutputDataSet = InputDataSet\nprint(nowhere)\n';
    const [a, b] = await Promise.all([checker.check(py(script, ['InputDataSet', 'OutputDataSet'])), checker.check(py(script, ['OutputDataSet', 'InputDataSet']))]);
    const c = await checker.check(py(script, ['InputDataSet', 'OutputDataSet']));
    assert.deepEqual(a.findings.map((f) => f.message), ["undefined name 'nowhere'"]);
    assert.ok(a === b && b === c);
    assert.equal(python.process!.requestCount, 1);
    await checker.check({ language: 'r', script: 'x y', knownNames: [] });
    await checker.check({ language: 'r', script: 'x y', knownNames: [] });
    assert.equal(r.process!.requestCount, 1);
  } finally {
    checker.dispose();
  }
});

test('createEmbeddedChecker wires both languages and the settings paths', async () => {
  const checker = createEmbeddedChecker({ pythonPath: '/nonexistent/python3', rscriptPath: '/nonexistent/Rscript' });
  try {
    const python = await checker.check(py('x = 1\n'));
    const r = await checker.check({ language: 'r', script: 'x <- 1\n', knownNames: [] });
    assert.match(python.unavailable![0]!.message, /\/nonexistent\/python3 was not found.*apt-get install python3\b.*sqlml\.python\.path/);
    assert.match(r.unavailable![0]!.message, /\/nonexistent\/Rscript was not found.*apt-get install r-base-core.*sqlml\.r\.path/);
  } finally {
    checker.dispose();
  }
  const real = createEmbeddedChecker();
  try {
    assert.equal((await real.check(py('x = = 1\n'))).findings[0]?.kind, 'syntax');
    assert.equal((await real.check({ language: 'r', script: 'x y\n', knownNames: [] })).findings[0]?.kind, 'syntax');
  } finally {
    real.dispose();
  }
});
