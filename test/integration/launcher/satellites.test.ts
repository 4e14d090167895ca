// The Python and R satellites through the real launcher: the SQL→Python and SQL→R type maps of
// mlservices-facts.md §1.5 both ways, @params and OUTPUT parameters, names, messages streamed while
// the script runs, Msg 39004/39019 with the user's own line numbers, partitions and
// @r_rowsPerRead, and a missing runtime.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { isBulkColumn, type Columnar } from '../../../server/src/core/launcher/columnValues';
import type { LauncherMessage } from '../../../server/src/core/launcher/messages';
import type { Launcher } from '../../../server/src/node/launcher/launcher';
import { codedColumn } from '../../support/codedText';
import { accountsSkip, errors, pool, printed, records, rSkip, run, TestBed } from './harness';

const skip = accountsSkip();
const skipR = skip ?? rSkip();
const bed = new TestBed('satellites');
const missing = new TestBed('satellites-missing');
let launcher: Launcher;

before(async () => {
  if (skip) return;
  await bed.provision('sqlmltf', 2);
  await missing.provision('sqlmltm', 1);
  launcher = await bed.start({ pools: [pool('sqlmltf', 2)] });
});

after(async () => {
  if (skip) return;
  await bed.teardown();
  await missing.teardown();
});

const TYPED_INPUT = {
  columns: [
    { name: 'big', type: 'bigint' },
    { name: 'i', type: 'int' },
    { name: 'small', type: 'smallint' },
    { name: 'tiny', type: 'tinyint' },
    { name: 'flag', type: 'bit' },
    { name: 'f', type: 'float' },
    { name: 'r', type: 'real' },
    { name: 'dec', type: 'decimal(10,2)' },
    { name: 'vc', type: 'varchar(20)' },
    { name: 'nvc', type: 'nvarchar(max)' },
    { name: 'guid', type: 'uniqueidentifier' },
    { name: 'd', type: 'date' },
    { name: 'dt', type: 'datetime' },
    { name: 'bin', type: 'varbinary(max)' },
  ],
  rows: [
    [9007199254740991, 42, -7, 255, true, 1.5, 0.25, 12.34, 'abc', 'héllo 😀', '6F9619FF-8B86-D011-B42D-00C04FC964FF', new Date('2024-02-29T00:00:00Z'), new Date('2024-02-29T13:45:30.123Z'), new Uint8Array([0, 255])],
  ],
};

test('Python: the input rows become a DataFrame under the SQL→Python type map', { skip }, async () => {
  const result = await run(launcher, {
    input: TYPED_INPUT,
    script: `
row = InputDataSet.iloc[0]
OutputDataSet = pandas.DataFrame({
    'column': list(InputDataSet.columns),
    'dtype': [str(t) for t in InputDataSet.dtypes],
    'value': [repr(row[c]) for c in InputDataSet.columns],
})`,
  });
  assert.equal(result.session.state, 'succeeded', errors(result));
  const got = Object.fromEntries(records(result).map((r) => [r.column, `${r.dtype} ${r.value}`]));
  assert.deepEqual(got, {
    big: 'float64 9007199254740991.0',
    i: 'int32 42',
    small: 'int32 -7',
    tiny: 'int32 255',
    flag: 'bool True',
    f: 'float64 1.5',
    r: 'float64 0.25',
    dec: 'float64 12.34',
    vc: "object 'abc'",
    nvc: "object 'héllo 😀'",
    guid: "object '6F9619FF-8B86-D011-B42D-00C04FC964FF'",
    d: "datetime64[ns] Timestamp('2024-02-29 00:00:00')",
    dt: "datetime64[ns] Timestamp('2024-02-29 13:45:30.123000')",
    bin: "object b'\\x00\\xff'",
  });
});

test('Python: NULLs arrive as NaN / None / NaT, as pandas holds them', { skip }, async () => {
  const input = { columns: TYPED_INPUT.columns, rows: [TYPED_INPUT.rows[0]!, TYPED_INPUT.columns.map(() => null)] };
  const result = await run(launcher, {
    input,
    script: "OutputDataSet = pandas.DataFrame({'column': list(InputDataSet.columns), 'dtype': [str(t) for t in InputDataSet.dtypes], 'null': [repr(InputDataSet.iloc[1][c]) for c in InputDataSet.columns]})",
  });
  const got = Object.fromEntries(records(result).map((r) => [r.column, `${r.dtype} ${r.null}`]));
  assert.equal(got.i, 'float64 nan', 'an int column with NULLs is float64, as in pandas');
  assert.equal(got.flag, 'object None');
  assert.equal(got.nvc, 'object None');
  assert.equal(got.dt, 'datetime64[ns] NaT');
  assert.equal(got.bin, 'object None');
});

test('Python: the output DataFrame becomes a result set with its names and the Python→SQL types; NaN and inf are NULL', { skip }, async () => {
  const result = await run(launcher, {
    script: `
import numpy as np, datetime
OutputDataSet = pandas.DataFrame({
    'f': [1.5, float('nan'), float('inf')],
    'i64': [1, 2, 2 ** 40],
    'i32': np.array([1, 2, 3], dtype='int32'),
    'b': [True, False, True],
    's': ['a', None, 'ü'],
    'when': pandas.to_datetime(['2024-01-02 03:04:05.678', None, '1970-01-01']),
    'raw': [b'\\x01', None, b''],
    'nullable': pandas.array([1, None, 3], dtype='Int64'),
})`,
  });
  assert.equal(result.session.state, 'succeeded', errors(result));
  const set = result.resultSets[0]!;
  assert.deepEqual(set.columns, [
    { name: 'f', type: 'float' },
    { name: 'i64', type: 'bigint' },
    { name: 'i32', type: 'int' },
    { name: 'b', type: 'bit' },
    { name: 's', type: 'nvarchar(max)' },
    { name: 'when', type: 'datetime' },
    { name: 'raw', type: 'varbinary(max)' },
    { name: 'nullable', type: 'bigint' },
  ]);
  assert.deepEqual(set.rows, [
    [1.5, 1, 1, true, 'a', new Date('2024-01-02T03:04:05.678Z'), new Uint8Array([1]), 1],
    [null, 2, 2, false, null, null, null, null],
    [null, 2 ** 40, 3, true, 'ü', new Date(0), new Uint8Array(0), 3],
  ]);
});

test('Python: @params are variables without @, OUTPUT parameters come back, pandas is importable and pre-bound', { skip }, async () => {
  const result = await run(launcher, {
    inputName: 'src',
    outputName: 'dst',
    input: { columns: [{ name: 'x', type: 'int' }], rows: [[1], [2]] },
    params: [
      { name: '@n', type: 'int', value: 3 },
      { name: '@ratio', type: 'float', value: 0.5 },
      { name: '@label', type: 'nvarchar(20)', value: 'ok' },
      { name: '@on', type: 'bit', value: true },
      { name: '@since', type: 'datetime', value: new Date('2020-05-06T07:08:09Z') },
      { name: '@nothing', type: 'int', value: null },
      { name: '@model', type: 'varbinary(max)', value: null, output: true },
      { name: '@total', type: 'int', value: null, output: true },
      { name: '@summary', type: 'nvarchar(max)', value: null, output: true },
    ],
    script: `
import pandas as pd, pickle
assert pandas is pd
summary = '%s %s %s %s %s %s' % (type(n).__name__, ratio, label, on, since.isoformat(), nothing)
total = int(src['x'].sum()) * n
model = pickle.dumps({'weights': [1, 2]})
dst = src`,
  });
  assert.equal(result.session.state, 'succeeded', errors(result));
  assert.equal(result.outputParams.summary, 'int 0.5 ok True 2020-05-06T07:08:09 None');
  assert.equal(result.outputParams.total, 9);
  assert.ok(result.outputParams.model instanceof Uint8Array && result.outputParams.model.length > 10);
  assert.equal(result.resultSets[0]!.rows.length, 2);
});

test('Python: a script error is Msg 39004 + 39019 with the traceback, every line number the user’s own', { skip }, async () => {
  const runtime = await run(launcher, { script: 'x = 1\n\ndef f():\n    return undefined_name\n\nf()\n' });
  assert.equal(runtime.session.state, 'failed');
  const [m39004, m39019] = runtime.messages.filter((m) => m.kind === 'error');
  assert.equal(m39004!.number, 39004);
  assert.match(m39004!.text, /^A 'Python' script error occurred during execution of 'sp_execute_external_script' with HRESULT 0x80004004\. External script request id is [0-9A-F-]{36}\.$/);
  assert.equal(m39019!.number, 39019);
  assert.match(m39019!.text, /File "script\.py", line 6, in <module>\n {4}f\(\)\n {2}File "script\.py", line 4, in f/);
  assert.match(m39019!.text, /NameError: name 'undefined_name' is not defined/);
  assert.ok(!m39019!.text.includes('runner.py'), 'the runner’s own frames are not shown');
  assert.equal(m39019!.line, 4);
  const syntax = await run(launcher, { script: 'a = 1\nb = (\nc = 3 +\n' });
  const s39019 = syntax.messages.find((m) => m.number === 39019)!;
  assert.match(s39019.text, /SyntaxError/);
  assert.equal(s39019.line, 2);
  const notFrame = await run(launcher, { script: 'OutputDataSet = [1, 2]' });
  assert.match(errors(notFrame), /39019: An external script error occurred: \nOutputDataSet must be a pandas DataFrame, but the script set it to a list\./);
});

test('messages are streamed while the script runs, with SQL Server’s STDOUT/STDERR prefixes', { skip }, async () => {
  const seen: { at: number; message: LauncherMessage }[] = [];
  const result = await run(
    launcher,
    { script: "import sys, time\nprint('first')\nprint('oops', file=sys.stderr)\ntime.sleep(1.5)\nprint('second')" },
    { onMessage: (message) => seen.push({ at: Date.now(), message }) },
  );
  const ended = Date.now();
  const first = seen.find((s) => s.message.text.includes('first'))!;
  assert.equal(first.message.text, 'STDOUT message(s) from external script:\nfirst');
  assert.ok(ended - first.at > 1000, `'first' arrived ${ended - first.at} ms before the end`);
  assert.equal(seen.find((s) => s.message.kind === 'stderr')!.message.text, 'STDERR message(s) from external script:\noops');
  assert.equal(printed(result), 'first\nsecond');
});

test('@r_rowsPerRead streams the input in chunks to the same session; variables carry over between chunks', { skip }, async () => {
  const result = await run(launcher, {
    input: { columns: [{ name: 'v', type: 'int' }], rows: Array.from({ length: 10 }, (_, i) => [i]) },
    params: [
      { name: '@r_rowsPerRead', type: 'int', value: 5 },
      { name: '@ParamINT', type: 'int', value: 0, output: true },
    ],
    script: "print('Hello World')\nParamINT = ParamINT + 1\nOutputDataSet = InputDataSet",
  });
  assert.equal(result.session.state, 'succeeded', errors(result));
  assert.equal(printed(result).split('\n').filter((l) => l === 'Hello World').length, 2, 'the script ran twice');
  assert.equal(result.outputParams.ParamINT, 2, 'the second chunk saw the first chunk’s value');
  assert.deepEqual(result.resultSets[0]!.rows.map((r) => r[0]), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
});

test('a script that changes the working directory (to save a plot) still returns its results, chunk after chunk, in Python and R', { skip }, async () => {
  const input = { columns: [{ name: 'v', type: 'int' }], rows: Array.from({ length: 4 }, (_, i) => [i]) };
  const params = [{ name: '@r_rowsPerRead', type: 'int', value: 2 }];
  const python = await run(launcher, { input, params, script: "import os, tempfile\nos.chdir(tempfile.mkdtemp())\nopen('plot.png', 'wb').write(b'x')\nOutputDataSet = InputDataSet" });
  assert.equal(python.session.state, 'succeeded', errors(python));
  assert.deepEqual(python.resultSets[0]!.rows.map((r) => r[0]), [0, 1, 2, 3]);
  if (rSkip()) return;
  const r = await run(launcher, { language: 'R', input, params, script: "setwd(tempdir())\nwriteBin(as.raw(1), 'plot.png')\nOutputDataSet <- InputDataSet" });
  assert.equal(r.session.state, 'succeeded', errors(r));
  assert.deepEqual(r.resultSets[0]!.rows.map((row) => row[0]), [0, 1, 2, 3]);
});

test('partitions run once each, in key order with ordered rows, each with fresh variables', { skip }, async () => {
  const result = await run(launcher, {
    input: {
      columns: [{ name: 'region', type: 'varchar(10)' }, { name: 'v', type: 'int' }],
      rows: [['west', 3], ['east', 2], ['west', 1], ['east', 1], ['north', 5]],
    },
    parallel: true,
    partitionBy: ['region'],
    orderBy: ['v'],
    script: `
seen = globals().get('seen', 0) + 1
OutputDataSet = pandas.DataFrame({'region': [InputDataSet['region'][0]], 'values': [','.join(str(v) for v in InputDataSet['v'])], 'seen': [seen]})`,
  });
  assert.equal(result.session.state, 'succeeded', errors(result));
  assert.deepEqual(result.resultSets[0]!.rows, [
    ['east', '1,2', 1],
    ['north', '5', 1],
    ['west', '1,3', 1],
  ]);
});

test('R: the input becomes a data.frame under the SQL→R type map, and outputs come back typed', { skip: skipR }, async () => {
  const result = await run(launcher, {
    language: 'R',
    input: TYPED_INPUT,
    script: `
classes <- vapply(InputDataSet, function(x) class(x)[1], "")
OutputDataSet <- data.frame(column = names(classes), class = unname(classes), stringsAsFactors = FALSE)`,
  });
  assert.equal(result.session.state, 'succeeded', errors(result));
  assert.deepEqual(Object.fromEntries(records(result).map((r) => [r.column, r.class])), {
    big: 'numeric', i: 'integer', small: 'integer', tiny: 'integer', flag: 'logical', f: 'numeric', r: 'numeric', dec: 'numeric',
    vc: 'character', nvc: 'character', guid: 'character', d: 'POSIXct', dt: 'POSIXct', bin: 'list',
  });
  const out = await run(launcher, {
    language: 'R',
    script: `OutputDataSet <- data.frame(n = c(1.5, NA, Inf), i = c(1L, NA, 3L), b = c(TRUE, NA, FALSE), s = c("a", NA, "é"),
  f = factor(c("x", "y", "x")), when = as.POSIXct(c("2024-01-02 03:04:05", NA, "1970-01-01 00:00:00"), tz = "GMT"),
  nan = c(NaN, 2, -Inf), huge = c(1.7e308, 1.7e308, -5))`,
  });
  assert.equal(out.session.state, 'succeeded', errors(out));
  assert.deepEqual(out.resultSets[0]!.columns.map((c) => c.type), ['float', 'int', 'bit', 'varchar(max)', 'varchar(max)', 'datetime', 'float', 'float']);
  // NaN and infinities are NULL; finite values whose sum overflows are not.
  assert.deepEqual(out.resultSets[0]!.rows, [
    [1.5, 1, true, 'a', 'x', new Date('2024-01-02T03:04:05Z'), null, 1.7e308],
    [null, null, null, null, 'y', null, 2, 1.7e308],
    [null, 3, false, 'é', 'x', new Date(0), null, -5],
  ]);
});

// Text whose values repeat arrives coded (codes into the distinct values): each runtime must give
// every row its own value, NULL as None / NA, in input order, whole and in @r_rowsPerRead chunks.
const CODED = Array.from({ length: 3000 }, (_, r) => (r % 11 === 0 ? null : ['naïve ☃', '', 'label 7', 'a value longer than twelve bytes'][r % 4]!));
const codedInput = () => ({ columns: [{ name: 'n', type: 'int' }, { name: 'label', type: 'nvarchar(50)' }], values: [numbered(CODED.length), codedColumn(CODED)], rowCount: CODED.length });

/** 0, 1, … n - 1 as a bulk int column. */
function numbered(n: number) {
  return { kind: 'i4' as const, data: Int32Array.from({ length: n }, (_, r) => r), nulls: null };
}

test('Python: coded text arrives as each row\'s string (None for NULL), one object per distinct value', { skip }, async () => {
  const result = await run(launcher, {
    input: codedInput(),
    script: `
col = InputDataSet["label"]
OutputDataSet = pandas.DataFrame({"n": InputDataSet["n"], "label": col, "dtype": str(col.dtype), "objects": len(set(map(id, col.dropna())))})`,
  });
  assert.equal(result.session.state, 'succeeded', errors(result));
  const rows = records(result);
  assert.deepEqual(rows.map((r) => r.label), CODED);
  assert.deepEqual(rows.map((r) => r.n), CODED.map((_, r) => r), 'in input order');
  assert.equal(rows[0]!.dtype, 'object');
  assert.equal(rows[0]!.objects, 4, 'the rows share one string per distinct value');
});

test('R: coded text arrives as a character vector with NA for NULL, whole and in @r_rowsPerRead chunks', { skip: skipR }, async () => {
  for (const rowsPerRead of [undefined, 700]) {
    const result = await run(launcher, {
      language: 'R',
      input: codedInput(),
      params: rowsPerRead ? [{ name: '@r_rowsPerRead', type: 'int', value: rowsPerRead }] : [],
      script: 'OutputDataSet <- data.frame(n = InputDataSet$n, label = InputDataSet$label, class = class(InputDataSet$label), stringsAsFactors = FALSE)',
    });
    assert.equal(result.session.state, 'succeeded', errors(result));
    const rows = records(result);
    assert.deepEqual(rows.map((r) => r.label), CODED, `rowsPerRead ${rowsPerRead}`);
    assert.deepEqual(rows.map((r) => r.n), CODED.map((_, r) => r));
    assert.equal(rows[0]!.class, 'character');
  }
});

test('Python and R return repeated text coded, and a script may write into its input columns', { skip: skipR }, async () => {
  const scripts = {
    python: `
df = InputDataSet
df["n"] += 1
df.loc[0, "label"] = "changed"
OutputDataSet = df`,
    R: `
df <- InputDataSet
df$n <- df$n + 1L
df$label[1] <- "changed"
OutputDataSet <- df`,
  };
  for (const [language, script] of Object.entries(scripts)) {
    const result = await run(launcher, { language, input: codedInput(), script });
    assert.equal(result.session.state, 'succeeded', errors(result));
    const set = result.resultSets[0]! as typeof result.resultSets[0] & { columnar?: Columnar };
    const label = set.columnar?.values[1];
    assert.ok(label && isBulkColumn(label) && label.kind === 'str' && label.layout === 'coded', `${language} returned the labels coded`);
    assert.deepEqual(set.rows.map((r) => r[1]), ['changed', ...CODED.slice(1)], language);
    assert.deepEqual(set.rows.map((r) => r[0]), CODED.map((_, r) => r + 1), language);
  }
});

test('Python and R return a column made of their coded input\'s strings coded with its distinct values: passed through, filtered, reversed; any other column is coded afresh', { skip: skipR }, async () => {
  // The filter drops every '' row, so a column coded afresh would hold three distinct values; one
  // recoded from the input's keeps all four. The column with a NaN (Python) or a new value (R)
  // is not the input's and is coded afresh.
  const kept = CODED.map((v, r) => ({ v, r })).filter(({ r }) => r % 4 !== 1).reverse();
  const scripts = {
    python: `
kept = InputDataSet[InputDataSet["n"] % 4 != 1].iloc[::-1]["label"].tolist()
kept += [None] * (len(InputDataSet) - len(kept))
OutputDataSet = pandas.DataFrame({"same": InputDataSet["label"], "kept": kept, "other": InputDataSet["label"].where(InputDataSet["n"] > 0)})`,
    R: `
df <- InputDataSet[InputDataSet$n %% 4 != 1, ]
kept <- rev(df$label)
OutputDataSet <- data.frame(same = InputDataSet$label, kept = c(kept, rep(NA, nrow(InputDataSet) - length(kept))), other = ifelse(InputDataSet$n > 0, InputDataSet$label, "first"), stringsAsFactors = FALSE)`,
  };
  for (const [language, script] of Object.entries(scripts)) {
    const result = await run(launcher, { language, input: codedInput(), script });
    assert.equal(result.session.state, 'succeeded', errors(result));
    const set = result.resultSets[0]! as typeof result.resultSets[0] & { columnar?: Columnar };
    const distinctOf = (c: number) => {
      const column = set.columnar?.values[c];
      assert.ok(column && isBulkColumn(column) && column.kind === 'str' && column.layout === 'coded', `${language}: column ${c} went coded`);
      return column.distinct.starts.length - 1;
    };
    assert.deepEqual(set.rows.map((r) => r[0]), CODED, `${language}: passed through`);
    assert.deepEqual(set.rows.map((r) => r[1]), [...kept.map(({ v }) => v), ...CODED.slice(kept.length).map(() => null)], `${language}: filtered and reversed`);
    assert.deepEqual(set.rows.map((r) => r[2]), CODED.map((v, r) => (r === 0 ? (language === 'python' ? null : 'first') : v)), `${language}: the other column`);
    assert.deepEqual([distinctOf(0), distinctOf(1)], [4, 4], `${language}: the input's distinct values, the one no longer used included`);
    assert.equal(distinctOf(2), language === 'python' ? 4 : 5, `${language}: the other column, coded afresh`);
  }
});

test('Python and R: a long text column of distinct values goes plain without being coded first, and keeps every value and NULL', { skip: skipR }, async () => {
  // 40,000 rows: long enough to be sampled (mostly_distinct in runner.py and runner.R). The ids
  // are distinct but for a NULL; the categories repeat, so they still go coded.
  const scripts = {
    python: `
import pandas
ids = ["id%d" % i for i in range(40000)]
ids[123] = None
OutputDataSet = pandas.DataFrame({"id": ids, "cat": ["c%d" % (i % 10) for i in range(40000)]})`,
    R: `
ids <- paste0("id", 0:39999)
ids[124] <- NA
OutputDataSet <- data.frame(id = ids, cat = paste0("c", (0:39999) %% 10))`,
  };
  const expected = Array.from({ length: 40_000 }, (_, i) => [i === 123 ? null : `id${i}`, `c${i % 10}`]);
  for (const [language, script] of Object.entries(scripts)) {
    const result = await run(launcher, { language, script });
    assert.equal(result.session.state, 'succeeded', errors(result));
    const set = result.resultSets[0]! as typeof result.resultSets[0] & { columnar?: Columnar };
    const [id, cat] = set.columnar?.values ?? [];
    assert.ok(id && isBulkColumn(id) && id.kind === 'str' && id.layout !== 'coded', `${language}: the ids went plain`);
    assert.ok(cat && isBulkColumn(cat) && cat.kind === 'str' && cat.layout === 'coded', `${language}: the categories went coded`);
    const wrong = set.rows.findIndex((row, i) => row[0] !== expected[i]![0] || row[1] !== expected[i]![1]);
    assert.equal(set.rows.length, 40_000, language);
    assert.equal(wrong, -1, `${language}, row ${wrong}: ${JSON.stringify(set.rows[wrong])}`);
  }
});

test('R: @params, OUTPUT parameters (a serialized model as raw), and errors at the user’s lines', { skip: skipR }, async () => {
  const result = await run(launcher, {
    language: 'R',
    params: [
      { name: '@n', type: 'int', value: 4 },
      { name: '@label', type: 'nvarchar(20)', value: 'hi' },
      { name: '@trained_model', type: 'varbinary(max)', value: null, output: true },
      { name: '@total', type: 'float', value: null, output: true },
    ],
    script: 'trained_model <- as.raw(serialize(list(a = 1), connection = NULL))\ntotal <- n * 2.5\nprint(paste(label, class(n)))',
  });
  assert.equal(result.session.state, 'succeeded', errors(result));
  assert.equal(result.outputParams.total, 10);
  assert.ok(result.outputParams.trained_model instanceof Uint8Array);
  assert.equal(printed(result), '[1] "hi integer"');

  const failing = await run(launcher, { language: 'R', script: 'f <- function(x) {\n  y <- x + 1\n  stop("boom at three")\n}\ng <- function() f(1)\ng()\n' });
  assert.equal(failing.session.state, 'failed');
  const m = failing.messages.find((x) => x.number === 39019)!;
  assert.match(m.text, /Error in f\(1\) : boom at three/);
  assert.match(m.text, /at script\.R#6: g\(\)/);
  assert.equal(m.line, 3);
  assert.match(failing.messages.find((x) => x.number === 39004)!.text, /^A 'R' script error occurred/);
  const parse = await run(launcher, { language: 'R', script: 'x <- 1\ny <- (2\nz <- 3 3\n' });
  assert.equal(parse.messages.find((x) => x.number === 39019)!.line, 3);
  const notFrame = await run(launcher, { language: 'R', script: 'OutputDataSet <- list(1)' });
  assert.match(errors(notFrame), /OutputDataSet must be a data.frame, but the script set it to a list/);
});

test('R: printed output is streamed while the script runs', { skip: skipR }, async () => {
  let firstAt = 0;
  await run(launcher, { language: 'R', script: 'print("first")\nSys.sleep(1.5)\nprint("second")' }, { onMessage: (m) => m.text.includes('first') && (firstAt = Date.now()) });
  assert.ok(firstAt > 0 && Date.now() - firstAt > 1000, 'the first line arrived before the script ended');
});

test('a missing runtime is Msg 39021 naming the Debian package and the setting', { skip }, async () => {
  const broken = await missing.start({ pools: [pool('sqlmltm', 1)], pythonPath: '/nonexistent/python3', rscriptPath: '/nonexistent/Rscript' });
  for (const [language, pkg, setting] of [['python', 'python3-pandas', 'sqlml.python.path'], ['R', 'r-base-core', 'sqlml.r.path']] as const) {
    const result = await run(broken, { language, script: 'x' });
    assert.equal(result.session.state, 'failed');
    const text = errors(result);
    assert.match(text, /39021: Unable to launch runtime for '(Python|R)' script/);
    assert.ok(text.includes(`apt-get install ${pkg}`) && text.includes(setting), text);
  }
  await missing.stop(broken);
});

// The kernel's mode for transparent huge pages: 'always', 'madvise' (the default) or 'never'.
// A kernel built without THP has no such file: 'never'.
const hugePageMode = (): string => {
  const path = '/sys/kernel/mm/transparent_hugepage/enabled';
  return (existsSync(path) && /\[(\w+)\]/.exec(readFileSync(path, 'utf8'))?.[1]) || 'never';
};

test('Python and R: a script\'s large arrays from malloc sit on huge pages, where the kernel offers them to those who ask (madvise)', { skip: skipR }, async () => {
  // A bytearray is plain malloc (NumPy asks for huge pages itself); so is a large R vector.
  const scripts = {
    python: "x = bytearray(64 << 20)\nfor i in range(0, len(x), 4096): x[i] = 1\nprint('huge', [l.split()[1] for l in open('/proc/self/smaps_rollup') if l.startswith('AnonHugePages:')][0])",
    R: "x <- numeric(8 * 2^20)\nx[] <- 1\ncat('huge', strsplit(grep('^AnonHugePages:', readLines('/proc/self/smaps_rollup'), value = TRUE), ' +')[[1]][2], '\\n')",
  };
  const mode = hugePageMode();
  for (const [language, script] of Object.entries(scripts)) {
    const result = await run(launcher, { language, script });
    assert.equal(result.session.state, 'succeeded', errors(result));
    const kib = Number(/huge (\d+)/.exec(printed(result))?.[1]);
    assert.ok(Number.isInteger(kib), printed(result));
    // A 64 MiB array touched whole: most of it in 2 MiB pages once malloc asks for them.
    if (mode !== 'never') assert.ok(kib >= 32 * 1024, `${language}: ${kib} KiB on huge pages (THP ${mode})`);
  }
});
