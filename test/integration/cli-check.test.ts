// sqlml check as users run it: the built CLI on real files in a temporary folder.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const CLI = join(__dirname, '..', '..', 'server', 'dist', 'cli.js');
let dir: string;

function sqlml(...args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: dir, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const BROKEN = "EXEC sp_execute_external_script @language = N'Python', @script = N'\nx = (1,\n'\n";
const CLEAN = "EXEC sp_execute_external_script @language = N'R', @script = N'OutputDataSet <- data.frame(a = 1)'\nWITH RESULT SETS ((a int));\n";

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'sqlml-check-'));
  mkdirSync(join(dir, 'proj', 'nested'), { recursive: true });
  writeFileSync(join(dir, 'proj', 'broken.sql'), BROKEN);
  writeFileSync(join(dir, 'proj', 'nested', 'clean.sql'), CLEAN);
  writeFileSync(join(dir, 'proj', 'notes.txt'), BROKEN);
});
after(() => rmSync(dir, { recursive: true, force: true }));

test('text output is compiler-style, folders are searched for *.sql, exit 1 with errors', () => {
  const r = sqlml('check', 'proj');
  assert.equal(r.code, 1, r.stderr);
  const lines = r.stdout.trim().split('\n');
  assert.match(lines[0]!, /^proj\/broken\.sql:2:\d+: error SQLML200 SyntaxError: /);
  assert.equal(lines[lines.length - 1], '2 files, 2 calls: 1 error, 0 warnings');
});

test('JSON output has exactly the documented shape with 0-based LSP positions', () => {
  const r = sqlml('check', '--format', 'json', 'proj/broken.sql', 'proj/nested');
  assert.equal(r.code, 1);
  const out = JSON.parse(r.stdout);
  assert.deepEqual(Object.keys(out), ['version', 'files', 'summary']);
  assert.equal(out.version, 1);
  assert.deepEqual(out.summary, { files: 2, calls: 2, errors: 1, warnings: 0 });
  const [broken, clean] = out.files;
  assert.deepEqual(Object.keys(broken), ['path', 'diagnostics', 'calls']);
  const d = broken.diagnostics[0];
  assert.deepEqual(Object.keys(d), ['code', 'severity', 'message', 'source', 'range']);
  assert.equal(d.code, 'SQLML200');
  assert.equal(d.source, 'python');
  assert.equal(d.range.start.line, 1);
  assert.deepEqual(broken.calls, [{ range: { start: { line: 0, character: 0 }, end: { line: 2, character: 1 } }, language: 'python', script: 'resolved' }]);
  assert.deepEqual(clean.diagnostics, []);
  assert.equal(clean.calls[0].language, 'r');
});

test('exit 0 without errors, 2 for bad usage, with one clear line and no stack trace', () => {
  assert.equal(sqlml('check', 'proj/nested').code, 0);
  for (const args of [['check'], ['check', '--format', 'xml', 'proj'], ['check', 'nope.sql'], ['frobnicate'], ['check', '--bogus', 'proj']]) {
    const r = sqlml(...args);
    assert.equal(r.code, 2, args.join(' '));
    assert.match(r.stderr, /^sqlml: /);
    assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
  }
});

test('files in UTF-16 LE/BE with a BOM, UTF-8 with a BOM and Windows-1252 are read as users saved them', () => {
  const text = "-- café\nEXEC sp_execute_external_script @language = N'Python', @script = N'x = (1,'\n";
  const enc = join(dir, 'enc');
  mkdirSync(enc, { recursive: true });
  const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
  const be = Buffer.from(le);
  be.swap16();
  be[0] = 0xfe;
  be[1] = 0xff;
  writeFileSync(join(enc, 'a-utf16le.sql'), le);
  writeFileSync(join(enc, 'b-utf16be.sql'), be);
  writeFileSync(join(enc, 'c-utf8bom.sql'), Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, 'utf8')]));
  writeFileSync(join(enc, 'd-cp1252.sql'), Buffer.from(text, 'latin1'));
  writeFileSync(join(enc, 'e-utf16le-nobom.sql'), Buffer.from(text, 'utf16le'));
  const out = JSON.parse(sqlml('check', '--format', 'json', 'enc').stdout);
  const column = text.split('\n')[1]!.indexOf("x = (1,'") + 4;
  for (const file of out.files) {
    const syntax = file.diagnostics.find((x: { code: string }) => x.code === 'SQLML200');
    assert.ok(syntax, file.path);
    assert.deepEqual(syntax.range.start, { line: 1, character: column }, file.path);
  }
  const cp = out.files.find((f: { path: string }) => f.path.endsWith('d-cp1252.sql'));
  assert.equal(cp.diagnostics[0].code, 'SQLML006');
});

test('a binary file and a 20 MB file get one clear diagnostic each, quickly', () => {
  const big = join(dir, 'big');
  mkdirSync(big, { recursive: true });
  writeFileSync(join(big, 'binary.sql'), Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 0, 1, 2, 0, 3, 0xff, 0, 0, 9]));
  writeFileSync(join(big, 'huge.sql'), 'SELECT 1;\n'.repeat(2 * 1024 * 1024));
  const started = Date.now();
  const r = sqlml('check', '--format', 'json', 'big');
  const out = JSON.parse(r.stdout);
  assert.deepEqual(out.files.map((f: { diagnostics: { code: string }[] }) => f.diagnostics.map((d) => d.code)), [['SQLML004'], ['SQLML005']]);
  assert.ok(Date.now() - started < 20000, 'no hang');
});

test('a reader that stops early (| head) ends the output quietly, without an EPIPE stack', () => {
  // Many findings, so the output outgrows the pipe's buffer while the reader has stopped.
  const many = join(dir, 'many');
  mkdirSync(many, { recursive: true });
  for (let k = 0; k < 400; k++) writeFileSync(join(many, `f${k}.sql`), "EXEC sp_execute_external_script @langauge = N'Python', @scirpt = N'x = 1'\n");
  const r = spawnSync('/bin/sh', ['-c', `"${process.execPath}" "${CLI}" check --format json many | head -c 100 >/dev/null`], { cwd: dir, encoding: 'utf8' });
  assert.equal(r.status, 0);
  assert.doesNotMatch(r.stderr, /EPIPE|Error|at /, r.stderr);
});
