import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CodeActionRequest,
  CompletionRequest,
  DocumentSymbolRequest,
  HoverRequest,
  type CompletionItem,
  type MarkupContent,
} from 'vscode-languageserver-protocol/node';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { LspClient } from './lspClient';

let client: LspClient;
before(async () => {
  // The static features alone: the live pre-flight against an instance has its own suite.
  client = await LspClient.start({ python: { path: '/usr/bin/python3' }, preflight: { enabled: false } });
});
after(async () => {
  await client.stop();
});

const SCRIPT_WITH_ERROR = `-- score rows
EXEC sp_execute_external_script
    @language = N'Python',
    @script = N'
import pandas as pd
def score(df)
    return pd.DataFrame(df)
OutputDataSet = score(InputDataSet)
',
    @input_data_1 = N'SELECT 1 AS x';
`;

test('a Python syntax error inside @script is published at its .sql line and column', async () => {
  const uri = 'file:///tmp/lsp-syntax.sql';
  await client.open(uri, SCRIPT_WITH_ERROR);
  const diagnostics = await client.diagnostics(uri, (d) => d.length > 0);
  const syntax = diagnostics.find((d) => d.code === 'SQLML200');
  assert.ok(syntax, JSON.stringify(diagnostics));
  assert.equal(syntax.source, 'python');
  assert.equal(syntax.range.start.line, 5, 'the def line of the .sql file (0-based)');
  assert.equal(syntax.range.start.character, 'def score(df)'.length);
});

test('an edit that fixes the script clears the diagnostic, and only the new version is published', async () => {
  const uri = 'file:///tmp/lsp-syntax.sql';
  const version = await client.change(uri, [{ range: { start: { line: 5, character: 13 }, end: { line: 5, character: 13 } }, text: ':' }]);
  const diagnostics = await client.diagnostics(uri, (_d, v) => v === version);
  assert.deepEqual(diagnostics, []);
});

test('hover on a parameter name shows its type and documentation', async () => {
  const uri = 'file:///tmp/lsp-syntax.sql';
  const hover = await client.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line: 3, character: 6 } });
  assert.ok(hover);
  const value = (hover.contents as MarkupContent).value;
  assert.match(value, /@script nvarchar\(max\)/);
  assert.match(value, /required/);
});

test('completion inside a call offers the parameters not yet given', async () => {
  const uri = 'file:///tmp/lsp-complete.sql';
  const text = "EXEC sp_execute_external_script @language = N'R', @script = N'x <- 1', @";
  await client.open(uri, text);
  const items = (await client.connection.sendRequest(CompletionRequest.type, { textDocument: { uri }, position: { line: 0, character: text.length } })) as CompletionItem[];
  const labels = items.map((i) => i.label);
  assert.ok(labels.includes('@input_data_1'), labels.join(','));
  assert.ok(!labels.includes('@language') && !labels.includes('@script'), 'already given');
  const languages = (await client.connection.sendRequest(CompletionRequest.type, { textDocument: { uri }, position: { line: 0, character: text.indexOf("N'R'") } })) as CompletionItem[];
  assert.deepEqual(languages.map((i) => i.label), ["N'R'", "N'Python'"]);
});

test('one document symbol per call, and a quick fix for a misspelt parameter', async () => {
  const uri = 'file:///tmp/lsp-fix.sql';
  const text = "EXEC sp_execute_external_script @language = N'R', @scirpt = N'x <- 1'\nGO\nEXEC sp_execute_external_script N'Python', N'print(1)'\n";
  await client.open(uri, text);
  const diagnostics = await client.diagnostics(uri, (d) => d.some((x) => x.code === 'SQLML102'));
  const symbols = (await client.connection.sendRequest(DocumentSymbolRequest.type, { textDocument: { uri } })) as { name: string }[];
  assert.deepEqual(symbols.map((s) => s.name), ['sp_execute_external_script (R)', 'sp_execute_external_script (Python)']);
  const misspelt = diagnostics.find((d) => d.code === 'SQLML102')!;
  const actions = (await client.connection.sendRequest(CodeActionRequest.type, { textDocument: { uri }, range: misspelt.range, context: { diagnostics: [misspelt] } })) as {
    title: string;
    edit: { changes: Record<string, { newText: string }[]> };
  }[];
  assert.equal(actions[0]!.title, 'Change to @script');
  assert.equal(actions[0]!.edit.changes[uri]![0]!.newText, '@script');
});

test('the server survives anything a document contains', async () => {
  const nasty = [
    "EXEC sp_execute_external_script @language = N'Python', @script = N'unterminated",
    '/* never closed',
    '[',
    '\u0000\u0001\u0002binary',
    "EXEC (N'EXEC (N''EXEC (N''''".repeat(50),
    "EXEC sp_execute_external_script @language = N'Python', @script = N'" + '('.repeat(5000) + "'",
    'EXEC sp_execute_external_script ' + ', '.repeat(10000),
    "DECLARE @s nvarchar(max) = N'a'" + " + N'b'".repeat(5000) + "\nEXEC sp_execute_external_script @language = N'R', @script = @s",
  ];
  for (const [k, text] of nasty.entries()) {
    const uri = `file:///tmp/lsp-nasty-${k}.sql`;
    await client.open(uri, text);
    await client.diagnostics(uri);
  }
  assert.equal(client.exited, false);
  const uri = 'file:///tmp/lsp-after.sql';
  await client.open(uri, "EXEC sp_execute_external_script @language = N'Pythn', @script = N'1'");
  const d = await client.diagnostics(uri, (x) => x.length > 0);
  assert.equal(d[0]!.code, 'SQLML105');
});

test('a missing Python runtime is one information diagnostic naming the package', async () => {
  const other = await LspClient.start({ python: { path: '/nonexistent/python3' }, preflight: { enabled: false } });
  try {
    const uri = 'file:///tmp/lsp-nopython.sql';
    await other.open(uri, "EXEC sp_execute_external_script N'Python', N'print(1)'\nEXEC sp_execute_external_script N'Python', N'print(2)'");
    const d = await other.diagnostics(uri, (x) => x.length > 0);
    assert.deepEqual(d.map((x) => x.code), ['SQLML290']);
    assert.equal(d[0]!.severity, 3);
    assert.match(String(d[0]!.message), /apt-get install python3/);
  } finally {
    await other.stop();
  }
});

test('a language created by CREATE EXTERNAL LANGUAGE in another workspace file is known', async () => {
  const folder = mkdtempSync(join(tmpdir(), 'sqlml-ws-'));
  writeFileSync(join(folder, 'setup.sql'), "CREATE EXTERNAL LANGUAGE Java FROM (CONTENT = N'/opt/java.zip', FILE_NAME = 'javaextension.so');\n");
  const ws = await LspClient.start({ preflight: { enabled: false } }, [folder]);
  try {
    const uri = pathToFileURL(join(folder, 'run.sql')).href;
    await ws.open(uri, "EXEC sp_execute_external_script @language = N'Java', @script = N'pkg.Main'\nEXEC sp_execute_external_script @language = N'Kotlin', @script = N'pkg.Main'");
    const d = await ws.diagnostics(uri, (x) => x.length > 0);
    assert.deepEqual(d.map((x) => [x.code, x.range.start.line]), [['SQLML105', 1]]);
  } finally {
    await ws.stop();
    rmSync(folder, { recursive: true, force: true });
  }
});
