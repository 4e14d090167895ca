// Binds a call's arguments to parameters the way SQL Server does: positional arguments in the
// procedure's order, then named ones; the script's own parameters come from @params. Rules read
// the bound call instead of each re-deriving it.
import type { MappedText, SourceMap } from '../text/sourceMap';
import type { CallArgument, ExternalScriptCall, Range } from './call';
import { parseParamsDeclaration, type ParamDeclaration } from './paramsDeclaration';
import { callParameter, parametersFor, type CallParameter, type SqlServerVersion } from './parameters';

export type LanguageKind = 'python' | 'r' | 'other';

export interface DeclaredParam extends ParamDeclaration {
  /** Document ranges of the declaration and of its type (through the @params string's map). */
  range: Range;
  typeRange: Range;
}

export interface BoundCall {
  call: ExternalScriptCall;
  version: SqlServerVersion;
  /** The procedure's own parameters this version has, in positional order. */
  fixed: readonly CallParameter[];
  /** First argument bound to each fixed parameter, by key ('@language'). */
  byParam: Map<string, CallArgument>;
  /** Named arguments that are not fixed parameters (the script's parameters, or mistakes). */
  extraNamed: CallArgument[];
  /** Positional arguments past the fixed ones, bound to @params declarations in order. */
  extraPositional: CallArgument[];
  /** The @params declarations, when @params is given and its text known; null otherwise. */
  declared: DeclaredParam[] | null;
  /** The declaration that binds each name (the first of that name), by key: looked up once per argument by several rules. */
  declaredByKey: ReadonlyMap<string, DeclaredParam>;
  paramsErrors: { message: string; range: Range }[];
  /** The @language value, when known. */
  language: string | null;
  languageKind: LanguageKind | null;
  /** The decoded script text, when known. */
  script: MappedText | null;
  inputName: string;
  outputName: string;
}

export function bindCall(call: ExternalScriptCall, version: SqlServerVersion): BoundCall {
  const fixed = parametersFor(version);
  const byParam = new Map<string, CallArgument>();
  const extraNamed: CallArgument[] = [];
  const extraPositional: CallArgument[] = [];
  let namedSeen = false;
  for (const arg of call.args) {
    if (arg.name === null) {
      // SQL Server rejects a positional argument after a named one (Msg 119); binding it would
      // only add noise on top of that error.
      if (namedSeen) continue;
      const param = fixed[arg.index];
      if (param && !byParam.has(param.key)) byParam.set(param.key, arg);
      else if (!param) extraPositional.push(arg);
    } else {
      namedSeen = true;
      const key = arg.name.toLowerCase();
      const known = callParameter(key);
      if (known && known.since <= version) {
        if (!byParam.has(key)) byParam.set(key, arg);
      } else extraNamed.push(arg);
    }
  }

  let declared: DeclaredParam[] | null = null;
  const paramsErrors: { message: string; range: Range }[] = [];
  const paramsArg = byParam.get('@params');
  if (paramsArg && paramsArg.value.kind === 'text') {
    const text = paramsArg.value.text;
    const parsed = parseParamsDeclaration(text.text);
    declared = parsed.declarations.map((d) => declaredParam(d, text.map));
    for (const e of parsed.errors) paramsErrors.push({ message: e.message, range: errorRange(text.map, e.start, e.end, paramsArg) });
  }

  const languageArg = byParam.get('@language');
  // Trailing blanks don't count in a T-SQL comparison, so N'Python  ' names Python.
  const language = languageArg?.value.kind === 'text' ? languageArg.value.text.text.replace(/ +$/, '') : null;
  const scriptArg = byParam.get('@script');
  return {
    call,
    version,
    fixed,
    byParam,
    extraNamed,
    extraPositional,
    declared,
    declaredByKey: byKey(declared),
    paramsErrors,
    language,
    languageKind: language === null ? null : languageKindOf(language),
    script: scriptArg?.value.kind === 'text' ? scriptArg.value.text : null,
    inputName: dataName(byParam.get('@input_data_1_name')) ?? 'InputDataSet',
    outputName: dataName(byParam.get('@output_data_1_name')) ?? 'OutputDataSet',
  };
}

/** A declaration with its document ranges; built field by field (a spread of the declaration made slower objects, read by every rule). */
function declaredParam(d: ParamDeclaration, map: SourceMap): DeclaredParam {
  return {
    key: d.key,
    name: d.name,
    type: d.type,
    baseType: d.baseType,
    output: d.output,
    start: d.start,
    end: d.end,
    typeStart: d.typeStart,
    typeEnd: d.typeEnd,
    range: map.toSourceRange(d.start, d.end),
    typeRange: map.toSourceRange(d.typeStart, d.typeEnd),
  };
}

export function languageKindOf(language: string): LanguageKind {
  const lower = language.toLowerCase();
  return lower === 'python' ? 'python' : lower === 'r' ? 'r' : 'other';
}

/** A data name's text; an empty name means the default, as SQL Server (and code generated by R tools) takes it. */
function dataName(arg: CallArgument | undefined): string | null {
  return arg?.value.kind === 'text' && arg.value.text.text !== '' ? arg.value.text.text : null;
}

function errorRange(map: SourceMap, start: number, end: number, arg: CallArgument): Range {
  // An error at the end of the text (something missing) points at the closing quote.
  if (start >= map.length) return [arg.valueRange[1] - 1, arg.valueRange[1]];
  return map.toSourceRange(start, Math.max(end, start + 1));
}

/** The declarations by key; the first declaration of a name is the one that binds. */
export function byKey(declared: readonly DeclaredParam[] | null): ReadonlyMap<string, DeclaredParam> {
  const map = new Map<string, DeclaredParam>();
  for (const d of declared ?? []) if (!map.has(d.key)) map.set(d.key, d);
  return map;
}

/** The declaration a script argument binds to: by name, or by position past the fixed parameters. */
export function declarationFor(bound: BoundCall, arg: CallArgument): DeclaredParam | undefined {
  if (!bound.declared) return undefined;
  if (arg.name !== null) return bound.declaredByKey.get(arg.name.toLowerCase());
  return bound.declared[arg.index - bound.fixed.length];
}
