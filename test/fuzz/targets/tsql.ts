// Fuzz targets for the T-SQL side: the whole static analysis (lexer, scanner, binding, rules,
// source maps) and the embedded instance's parser. Each input must come back as positioned
// problems, never an exception, and every position must lie inside the text.
import assert from 'node:assert/strict';
import { analyze, embeddedProblems } from '../../../server/src/core/analysis/analyze';
import { CODES } from '../../../server/src/core/diagnostics/codes';
import { parseBatch, parseScript, type SqlError } from '../../../server/src/core/engine/parser';
import type { Problem } from '../../../server/src/core/diagnostics/problems';
import { mutateTextMany, runLoop, type Rng } from '../../support/fuzz';
import { generatedCall, nestDynamic, seedDocuments } from './tsqlInputs';

const SEVERITIES = new Set(['error', 'warning', 'information', 'hint']);

function inText(what: string, start: number, end: number, length: number): void {
  assert.ok(Number.isInteger(start) && Number.isInteger(end) && start >= 0 && start <= end && end <= length, `${what} at [${start}, ${end}) in a text of ${length}`);
}

function checkProblem(p: Problem, length: number): void {
  assert.ok(p.code in CODES, `unknown code ${p.code}`);
  assert.ok(SEVERITIES.has(p.severity), `severity ${p.severity}`);
  assert.ok(typeof p.message === 'string' && p.message.length > 0, `${p.code} has no message`);
  inText(`${p.code} '${p.message}'`, p.start, p.end, length);
  for (const fix of p.fixes ?? []) for (const e of fix.edits) inText(`fix '${fix.title}'`, e.start, e.end, length);
}

function checkSqlErrors(where: string, errors: readonly SqlError[], length: number): void {
  for (const e of errors) {
    // 8630 is how the parser reports a bug of its own that it caught: a crash, for the fuzzer.
    assert.notEqual(e.number, 8630, `${where}: ${e.message}`);
    inText(`${where} Msg ${e.number} '${e.message}'`, e.start, e.end, length);
  }
}

/** Every invariant the analysis and the parser promise, for one text. */
export function checkTsql(text: string): void {
  const n = text.length;
  const analysis = analyze(text);
  for (const p of analysis.problems) checkProblem(p, n);
  for (const c of analysis.calls) {
    const call = c.call;
    inText('call', call.range[0], call.range[1], n);
    inText('call name', call.nameRange[0], call.nameRange[1], n);
    assert.ok(call.argsEnd >= 0 && call.argsEnd <= n, `argsEnd ${call.argsEnd}`);
    for (const a of call.args) {
      inText(`argument ${a.index}`, a.range[0], a.range[1], n);
      inText(`argument ${a.index} value`, a.valueRange[0], a.valueRange[1], n);
      if (a.nameRange) inText(`argument ${a.index} name`, a.nameRange[0], a.nameRange[1], n);
    }
    const script = c.bound.script;
    if (!script || !c.embedded) continue;
    // What a Python or R checker may say: positions at the script's corners and past its end.
    const lines = script.text.split(/\r\n|\r|\n/);
    const last = lines.length - 1;
    const at = (line: number, column: number) => ({ line, column });
    const findings = [
      { kind: 'syntax' as const, message: 'start', start: at(0, 0), end: at(0, 1) },
      { kind: 'warning' as const, message: 'end', start: at(last, lines[last]!.length), end: at(last, lines[last]!.length + 1) },
      { kind: 'undefined-name' as const, message: 'past', start: at(last + 3, 7), end: at(last + 9, 0) },
      { kind: 'syntax' as const, message: 'reversed', start: at(last, 5), end: at(0, 0) },
    ];
    for (const p of embeddedProblems(c, { findings: [...findings, { kind: "warning" as const, message: "redefinition from line 999 and on line 1", start: at(0, 0), end: at(0, 1) }] }, analysis.lines)) checkProblem(p, n);
  }
  for (const batch of parseScript(text)) {
    inText('batch', batch.start, batch.end, n);
    checkSqlErrors('parseScript', batch.errors, n);
  }
  checkSqlErrors('parseBatch', parseBatch(text).errors, n);
}

const seeds = seedDocuments();

function mutatedDocument(rng: Rng): string {
  let text = mutateTextMany(rng, rng.pick(seeds), seeds, 6);
  // Sometimes the whole mutated document becomes dynamic SQL, a level or two deep.
  if (rng.chance(0.1)) text = nestDynamic(rng, text, rng.between(1, 2));
  return text;
}

/** Real documents, mutated at token and character level. */
export const mutatedFixtures = (progress: (i: number) => void) =>
  runLoop({ seed: 0x5eed0001, cases: 1500, generate: mutatedDocument, check: checkTsql }, progress);

/** Generated calls, some of them mutated further, several to a document. */
export const generatedCalls = (progress: (i: number) => void) =>
  runLoop(
    {
      seed: 0x5eed0002,
      cases: 1500,
      generate: (rng) => {
        const calls = Array.from({ length: rng.between(1, 3) }, () => generatedCall(rng)).join(rng.pick(['\n', '\nGO\n', '\r\nGO 2\r\n', ' ']));
        return rng.chance(0.3) ? mutateTextMany(rng, calls, seeds, 3) : calls;
      },
      check: checkTsql,
    },
    progress,
  );
