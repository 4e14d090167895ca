// The Python checker against Debian's real /usr/bin/python3 with pyflakes (python3-pyflakes).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EmbeddedCheckResult, ScriptPosition } from '../../server/src/core/embedded/ports';
import { PythonChecker } from '../../server/src/node/embedded/pythonChecker';

const KNOWN = ['InputDataSet', 'OutputDataSet', 'threshold', 'pandas'];

/** Where `needle` starts in the script, as JavaScript (UTF-16) indices: what the port promises. */
function at(script: string, needle: string, fromLine = 0): ScriptPosition {
  const lines = script.split('\n');
  for (let line = fromLine; line < lines.length; line++) {
    const column = lines[line]!.indexOf(needle);
    if (column >= 0) return { line, column };
  }
  throw new Error(`${needle} not in script`);
}

function withChecker(body: (checker: PythonChecker) => Promise<void>): () => Promise<void> {
  return async () => {
    const checker = new PythonChecker();
    try {
      await body(checker);
    } finally {
      checker.dispose();
    }
  };
}

async function check(checker: PythonChecker, script: string, knownNames = KNOWN): Promise<EmbeddedCheckResult> {
  return checker.check({ language: 'python', script, knownNames });
}

test('a syntax error after é and 😀 is placed at its UTF-16 line and column', withChecker(async (checker) => {
  const script = "title = 'é😀'\nlabel = 'é😀 café'; total = = 2\n";
  const result = await check(checker, script);
  assert.equal(result.unavailable, undefined);
  assert.equal(result.findings.length, 1);
  const [finding] = result.findings;
  assert.equal(finding!.kind, 'syntax');
  assert.match(finding!.message, /^SyntaxError: invalid syntax/);
  const secondEquals = { line: 1, column: script.split('\n')[1]!.lastIndexOf('=') };
  assert.deepEqual(finding!.start, secondEquals);
  assert.deepEqual(finding!.end, { line: 1, column: secondEquals.column + 1 });
}));

test('an astral character that is not allowed is underlined as its two UTF-16 units', withChecker(async (checker) => {
  const script = 'é😀 = 1\n';
  const [finding] = (await check(checker, script)).findings;
  assert.match(finding!.message, /invalid character/);
  assert.deepEqual(finding!.start, at(script, '😀'));
  assert.deepEqual(finding!.end, { line: 0, column: at(script, '😀').column + 2 });
}));

test('an error on a later line of a multi-line statement is placed on that line', withChecker(async (checker) => {
  // CPython 3.11 measures this offset against the statement's first line; the checker corrects it.
  const script = "s = '''é😀\n😀😀''' + = 1\n";
  const [finding] = (await check(checker, script)).findings;
  assert.equal(finding!.kind, 'syntax');
  assert.deepEqual(finding!.start, at(script, '= 1', 1));
}));

test("an error the compiler finds ('return' outside function) is placed after non-ASCII text", withChecker(async (checker) => {
  const script = "x = 'é😀'; return 1\n";
  const result = await check(checker, script);
  assert.equal(result.findings.length, 1, 'pyflakes repeats this error; it is reported once');
  assert.match(result.findings[0]!.message, /'return' outside function/);
  assert.deepEqual(result.findings[0]!.start, at(script, 'return'));
}));

test('an IndentationError is a syntax finding on the unindented line', withChecker(async (checker) => {
  const script = 'if InputDataSet is not None:\nOutputDataSet = InputDataSet\n';
  const [finding] = (await check(checker, script)).findings;
  assert.equal(finding!.kind, 'syntax');
  assert.match(finding!.message, /^IndentationError: expected an indented block/);
  assert.deepEqual(finding!.start, { line: 1, column: 0 });
}));

test('an undefined name is reported with its exact range', withChecker(async (checker) => {
  const script = "OutputDataSet = InputDataSet\nOutputDataSet['é😀'] = scores_undefined\n";
  const result = await check(checker, script);
  assert.equal(result.unavailable, undefined);
  assert.equal(result.findings.length, 1);
  const [finding] = result.findings;
  assert.equal(finding!.kind, 'undefined-name');
  assert.equal(finding!.message, "undefined name 'scores_undefined'");
  const start = at(script, 'scores_undefined');
  assert.deepEqual(finding!.start, start);
  assert.deepEqual(finding!.end, { line: start.line, column: start.column + 'scores_undefined'.length });
}));

test('the data names, @params names and pandas count as defined', withChecker(async (checker) => {
  const script = 'df = pandas.DataFrame(InputDataSet)\nOutputDataSet = df[df.score > threshold]\n';
  assert.deepEqual(await check(checker, script), { findings: [] });
  // The same script without the known names: pyflakes flags each of them, so the names matter.
  const flagged = (await check(checker, script, [])).findings.map((f) => [f.kind, f.message]);
  assert.deepEqual(flagged, [
    ['undefined-name', "undefined name 'pandas'"],
    ['undefined-name', "undefined name 'InputDataSet'"],
    ['undefined-name', "undefined name 'threshold'"],
  ]);
}));

test('an unused import is a warning on its own name', withChecker(async (checker) => {
  const script = 'import os\nfrom json import dumps as to_json, loads\nOutputDataSet = InputDataSet\n';
  const result = await check(checker, script);
  assert.deepEqual(result.findings, [
    { kind: 'warning', message: "'os' imported but unused", start: { line: 0, column: 7 }, end: { line: 0, column: 9 } },
    { kind: 'warning', message: "'json.dumps as to_json' imported but unused", start: { line: 1, column: 26 }, end: { line: 1, column: 33 } },
    { kind: 'warning', message: "'json.loads' imported but unused", start: { line: 1, column: 35 }, end: { line: 1, column: 40 } },
  ]);
}));

test('hostile scripts get answers and never crash the analyzer', withChecker(async (checker) => {
  const scripts = [
    'a = 1\x00\n',
    "x = '\ud800'\n",
    'x = ' + '-'.repeat(200_000) + '1\n',
    'x = ' + '('.repeat(500) + ')'.repeat(500) + '\n',
    'if x:\n' + Array.from({ length: 120 }, (_, i) => ' '.repeat(i + 1) + 'if x:\n').join(''),
    'exec("import os; os._exit(3)")\nimport os; os._exit(4)\n',
    '',
    '\r\n\r\n',
  ];
  for (const script of scripts) {
    const result = await check(checker, script);
    assert.equal(result.unavailable, undefined, `no failure for ${JSON.stringify(script.slice(0, 30))}`);
  }
  const nul = (await check(checker, 'a = 1\x00\n')).findings;
  assert.deepEqual(nul.map((f) => [f.kind, f.start]), [['syntax', { line: 0, column: 5 }]]);
  assert.equal(checker.process!.startCount, 1, 'one process answered everything, nothing was executed');
}));

test('a missing interpreter says which Debian package and which setting to use', async () => {
  const checker = new PythonChecker({ pythonPath: '/nonexistent/python3' });
  try {
    const result = await check(checker, 'x = 1\n');
    assert.deepEqual(result, {
      findings: [],
      unavailable: [
        {
          tool: 'python',
          message:
            "Python checks are off: /nonexistent/python3 was not found. Install Debian's python3 (apt-get install python3) or set sqlml.python.path.",
        },
      ],
    });
  } finally {
    checker.dispose();
  }
});

test('without pyflakes, syntax is still checked and pyflakes is reported unavailable', async () => {
  // An interpreter in which pyflakes cannot be imported: Debian's python3 with the module blocked.
  const dir = mkdtempSync(join(tmpdir(), 'sqlml-nopyflakes-'));
  const wrapper = join(dir, 'python3');
  writeFileSync(
    wrapper,
    '#!/bin/sh\nshift 2\nexec /usr/bin/python3 -I -B -c \'import sys, runpy; sys.modules["pyflakes"] = None; ' +
      'runpy.run_path(sys.argv[1], run_name="__main__")\' "$@"\n',
  );
  chmodSync(wrapper, 0o755);
  const checker = new PythonChecker({ pythonPath: wrapper });
  try {
    const broken = await check(checker, 'x = = 1\nprint(nowhere)\n');
    assert.deepEqual(broken.findings.map((f) => f.kind), ['syntax']);
    const valid = await check(checker, 'import os\nprint(nowhere)\n');
    assert.deepEqual(valid.findings, [], 'no pyflakes, so no undefined-name or unused-import findings');
    assert.equal(valid.unavailable?.length, 1);
    assert.equal(valid.unavailable![0]!.tool, 'pyflakes');
    assert.match(valid.unavailable![0]!.message, /apt-get install python3-pyflakes/);
  } finally {
    checker.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the checker survives its process being killed between requests', withChecker(async (checker) => {
  assert.equal((await check(checker, 'x = = 1\n')).findings.length, 1);
  const pid = checker.process!.pid!;
  process.kill(pid, 'SIGKILL');
  const result = await check(checker, 'print(nowhere)\n');
  assert.deepEqual(result.findings.map((f) => f.message), ["undefined name 'nowhere'"]);
  assert.equal(checker.process!.startCount, 2);
  assert.notEqual(checker.process!.pid, pid);
}));

test('a check that exceeds the timeout is abandoned and the next one runs on a fresh process', async () => {
  const checker = new PythonChecker({ timeoutMs: 1000 });
  try {
    assert.equal((await check(checker, 'x = 1\n')).unavailable, undefined);
    const started = Date.now();
    // Parsing and pyflakes take about 7 s on 300,000 lines.
    const slow = await check(checker, 'x = 1\n'.repeat(300_000));
    assert.ok(Date.now() - started < 4000, 'answered at the timeout, not when Python finished');
    assert.deepEqual(slow.findings, []);
    assert.match(slow.unavailable![0]!.message, /^Python checks gave up on this script after 1 s/);
    const next = await check(checker, 'print(nowhere)\n');
    assert.deepEqual(next.findings.map((f) => f.kind), ['undefined-name']);
    assert.equal(checker.process!.startCount, 2);
  } finally {
    checker.dispose();
  }
});

test('200 different scripts in a row are checked by one long-lived process', withChecker(async (checker) => {
  for (let i = 0; i < 200; i++) {
    const result = await check(checker, `value_${i} = InputDataSet\nOutputDataSet = missing_${i}\n`);
    assert.deepEqual(result.findings.map((f) => f.message), [`undefined name 'missing_${i}'`]);
  }
  assert.equal(checker.process!.startCount, 1);
  assert.equal(checker.process!.requestCount, 200);
}));
