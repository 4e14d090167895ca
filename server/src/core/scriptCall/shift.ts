// Moving what the analysis found in one batch by `delta` characters: text inserted or removed
// before the batch moves every offset in it, and an incremental analysis re-bases what it keeps
// instead of analysing the batch again. Every document offset a call, its binding or a problem
// holds is moved here; offsets into decoded texts (a script, @params) stay as they are.
import type { Problem } from '../diagnostics/problems';
import type { MappedText } from '../text/sourceMap';
import type { Value } from '../tsql/values';
import { byKey, type BoundCall } from './binding';
import type { CallArgument, ExternalScriptCall, Range, ResultSetsClause } from './call';

export function shiftRange(range: Range, delta: number): Range {
  return [range[0] + delta, range[1] + delta];
}

export function shiftMappedText(text: MappedText, delta: number): MappedText {
  return { text: text.text, map: text.map.shifted(delta) };
}

export function shiftValue(value: Value, delta: number): Value {
  return value.kind === 'text' ? { kind: 'text', text: shiftMappedText(value.text, delta) } : value;
}

export function shiftArgument(arg: CallArgument, delta: number): CallArgument {
  return {
    ...arg,
    nameRange: arg.nameRange && shiftRange(arg.nameRange, delta),
    valueRange: shiftRange(arg.valueRange, delta),
    value: shiftValue(arg.value, delta),
    range: shiftRange(arg.range, delta),
  };
}

function shiftResultSets(clause: ResultSetsClause, delta: number): ResultSetsClause {
  if (clause.kind !== 'definition') return { kind: clause.kind, range: shiftRange(clause.range, delta) };
  return {
    kind: 'definition',
    sets: clause.sets.map((columns) => columns.map((c) => ({ ...c, range: shiftRange(c.range, delta) }))),
    range: shiftRange(clause.range, delta),
  };
}

export function shiftCall(call: ExternalScriptCall, delta: number): ExternalScriptCall {
  return {
    ...call,
    range: shiftRange(call.range, delta),
    nameRange: shiftRange(call.nameRange, delta),
    args: call.args.map((a) => shiftArgument(a, delta)),
    resultSets: call.resultSets && shiftResultSets(call.resultSets, delta),
    insertTarget: call.insertTarget && { ...call.insertTarget, range: shiftRange(call.insertTarget.range, delta) },
    argsEnd: call.argsEnd + delta,
  };
}

/** The binding of `shifted` (shiftCall of bound.call), without binding again: its arguments are shifted's. */
export function shiftBoundCall(bound: BoundCall, shifted: ExternalScriptCall, delta: number): BoundCall {
  // Every argument bound is one of the call's: the shifted call's argument at the same index.
  const same = (arg: CallArgument) => shifted.args[bound.call.args.indexOf(arg)]!;
  const byParam = new Map<string, CallArgument>();
  for (const [key, arg] of bound.byParam) byParam.set(key, same(arg));
  const scriptArg = byParam.get('@script');
  const declared = bound.declared && bound.declared.map((d) => ({ ...d, range: shiftRange(d.range, delta), typeRange: shiftRange(d.typeRange, delta) }));
  return {
    ...bound,
    call: shifted,
    byParam,
    extraNamed: bound.extraNamed.map(same),
    extraPositional: bound.extraPositional.map(same),
    declared,
    declaredByKey: byKey(declared),
    paramsErrors: bound.paramsErrors.map((e) => ({ ...e, range: shiftRange(e.range, delta) })),
    // As bindCall takes it: the @script argument's text.
    script: bound.script && scriptArg?.value.kind === 'text' ? scriptArg.value.text : bound.script,
  };
}

export function shiftProblem(problem: Problem, delta: number): Problem {
  const shifted: Problem = { ...problem, start: problem.start + delta, end: problem.end + delta };
  if (problem.fixes) {
    shifted.fixes = problem.fixes.map((fix) => ({ ...fix, edits: fix.edits.map((e) => ({ ...e, start: e.start + delta, end: e.end + delta })) }));
  }
  return shifted;
}
