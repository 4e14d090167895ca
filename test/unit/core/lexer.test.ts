import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lex, type Token } from '../../../server/src/core/tsql/lexer';

function kinds(text: string): string[] {
  return lex(text).tokens.map((t: Token) => `${t.kind}:${text.slice(t.start, t.end)}`);
}

test('every lexical form of T-SQL becomes the right token', () => {
  const text = `SELECT [a]]b], "c""d", @v, @@ROWCOUNT, 12.5e3, .5, 0x1F, N'x''y', 'z' <> 1 >= 2; a.b`;
  assert.deepEqual(kinds(text), [
    'word:SELECT', "quotedIdent:[a]]b]", 'comma:,', 'quotedIdent:"c""d"', 'comma:,', 'variable:@v', 'comma:,',
    'systemVariable:@@ROWCOUNT', 'comma:,', 'number:12.5e3', 'comma:,', 'number:.5', 'comma:,', 'binary:0x1F', 'comma:,',
    "string:N'x''y'", 'comma:,', "string:'z'", 'operator:<>', 'number:1', 'operator:>=', 'number:2', 'semicolon:;',
    'word:a', 'dot:.', 'word:b',
  ]);
});

test('comments are skipped, block comments nest, and quotes inside them mean nothing', () => {
  const text = "-- it's a comment with sp_execute_external_script\n/* outer /* inner ' */ still comment */ SELECT 1";
  assert.deepEqual(kinds(text), ['word:SELECT', 'number:1']);
  assert.equal(lex(text).problems.length, 0);
});

test('GO alone on its line separates batches, with a repeat count and a trailing comment', () => {
  const text = 'SELECT 1\nGO\nSELECT 2\n  go 5 -- five times\nSELECT 3';
  const tokens = lex(text).tokens.filter((t) => t.kind === 'go');
  assert.equal(tokens.length, 2);
  assert.equal(tokens[1]!.count, 5);
  assert.equal(tokens[0]!.count, 1);
});

test('GO that shares its line with other code, or is part of a name, is not a separator', () => {
  for (const text of ['SELECT 1 GO', 'GO SELECT 1', 'SELECT go_time FROM t', 'GOTO done', '/*\nGO\n*/ SELECT 1']) {
    assert.equal(lex(text).tokens.filter((t) => t.kind === 'go').length, 0, text);
  }
});

test('a string or bracketed name never runs across a GO line: it was left open', () => {
  const text = "SELECT 'open\nGO\nSELECT [x\r\nGO\r\nSELECT 1";
  const { tokens, problems } = lex(text);
  assert.deepEqual(problems.map((p) => [p.code, p.start]), [['SQLML001', 7], ['SQLML003', 23]]);
  assert.equal(tokens.filter((t) => t.kind === 'go').length, 2);
  assert.equal(tokens[tokens.length - 1]!.kind, 'number');
});

test('CRLF line endings are handled for GO lines', () => {
  const text = 'SELECT 1\r\nGO\r\nSELECT 2';
  assert.equal(lex(text).tokens.filter((t) => t.kind === 'go').length, 1);
});

test('an unterminated string is a positioned error and lexing resumes at the next batch', () => {
  const text = "SELECT 'abc\nGO\nSELECT @x";
  const { tokens, problems } = lex(text);
  assert.equal(problems.length, 1);
  assert.equal(problems[0]!.code, 'SQLML001');
  assert.equal(problems[0]!.start, 7);
  assert.match(problems[0]!.message, /Unclosed quotation mark after the character string 'abc'/);
  assert.deepEqual(tokens.slice(-3).map((t) => t.kind), ['go', 'word', 'variable']);
});

test('unterminated comments and brackets are errors at their opening, the rest of the file still lexed', () => {
  const comment = lex('/* never closed\nGO\nSELECT 1');
  assert.equal(comment.problems[0]!.code, 'SQLML002');
  assert.equal(comment.problems[0]!.start, 0);
  assert.equal(comment.tokens.some((t) => t.kind === 'number'), true);
  const bracket = lex('SELECT [oops');
  assert.equal(bracket.problems[0]!.code, 'SQLML003');
  assert.equal(bracket.problems[0]!.start, 7);
});

test('N immediately before a quote is the Unicode prefix only when it stands alone', () => {
  assert.deepEqual(kinds("N'a' n'b' ISN'c'"), ["string:N'a'", "string:n'b'", 'word:ISN', "string:'c'"]);
});
