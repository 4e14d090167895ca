// What Run Script runs from a document: all of it, the selection, or the call to
// sp_execute_external_script at the cursor (with the INSERT … EXEC around it, and up to the end of
// its WITH RESULT SETS), and where that text starts, so that lines come back as document lines.
import { analyze } from '../../core/analysis/analyze';
import { LineIndex } from '../../core/text/lineIndex';
import type { Position, Range } from 'vscode-languageserver';
import type { RunScope } from '../../protocol';

export type RunText = { ok: true; text: string; start: number; startLine: number; endLine: number } | { ok: false; reason: string };

export function runText(document: string, scope: RunScope, where: { range?: Range; position?: Position }): RunText {
  const lines = new LineIndex(document);
  const piece = (start: number, end: number): RunText => {
    const text = document.slice(start, end);
    if (text.trim() === '') return { ok: false, reason: scope === 'selection' ? 'the selection is empty' : 'there is nothing to run' };
    // The last line is that of the last character: a text ending in a newline ends on the line it closes.
    const last = text.endsWith('\n') ? end - 1 : end;
    return { ok: true, text, start, startLine: lines.positionAt(start).line, endLine: lines.positionAt(last).line };
  };
  switch (scope) {
    case 'file':
      return piece(0, document.length);
    case 'selection': {
      if (!where.range) return { ok: false, reason: 'no selection was given' };
      const a = lines.offsetAt(where.range.start);
      const b = lines.offsetAt(where.range.end);
      return piece(Math.min(a, b), Math.max(a, b));
    }
    case 'call':
      return callAt(document, lines, where.position, piece);
  }
}

function callAt(document: string, lines: LineIndex, position: Position | undefined, piece: (start: number, end: number) => RunText): RunText {
  if (!position) return { ok: false, reason: 'no cursor position was given' };
  const offset = lines.offsetAt(position);
  const calls = analyze(document).calls.filter((c) => c.call.range[0] <= offset && offset <= c.call.range[1]);
  // The innermost call when calls nest (dynamic SQL inside a script is not a call, but be safe).
  const found = calls.sort((a, b) => a.call.range[1] - a.call.range[0] - (b.call.range[1] - b.call.range[0]))[0];
  if (!found) return { ok: false, reason: 'the cursor is not on a call to sp_execute_external_script' };
  const { call } = found;
  if (call.depth > 0) return { ok: false, reason: 'this call is inside dynamic SQL: run the statement that executes it' };
  if (call.procedure) return { ok: false, reason: `this call is inside procedure ${call.procedure}: run the file to create the procedure, then EXEC it` };
  let start = call.range[0];
  if (call.insertTarget) {
    const before = document.slice(0, call.insertTarget.range[0]);
    const insert = /\bINSERT\s+(?:INTO\s+)?$/i.exec(before);
    if (insert) start = insert.index;
  }
  let end = call.range[1];
  if (call.resultSets) end = Math.max(end, call.resultSets.range[1]);
  const semicolon = /^[ \t]*;/.exec(document.slice(end));
  if (semicolon) end += semicolon[0].length;
  return piece(start, end);
}
