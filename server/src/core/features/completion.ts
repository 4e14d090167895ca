// Completion inside a call: parameter names not yet given (and the script's own, from @params),
// and language values after @language =.
import type { Analysis } from '../analysis/analyze';
import { BUILTIN_LANGUAGES } from '../scriptCall/parameters';
import { callAt } from './callAt';

export interface CompletionEntry {
  label: string;
  kind: 'parameter' | 'value';
  insertText: string;
  detail: string;
  documentation: string;
  /** The document range the completion replaces. */
  start: number;
  end: number;
}

export function completionsAt(text: string, analysis: Analysis, offset: number, extraLanguages: readonly string[]): CompletionEntry[] {
  const before = text.slice(Math.max(0, offset - 200), offset);
  const call = callAt(analysis, offset) ?? analysis.calls.find((c) => c.call.range[1] <= offset && !/;/.test(text.slice(c.call.range[1], offset)) && offset - c.call.range[1] < 200);
  if (!call) return [];

  const languageValue = /@language\s*=\s*(N?'?[A-Za-z]*)$/i.exec(before);
  if (languageValue) {
    const typed = languageValue[1]!;
    const languages = [...BUILTIN_LANGUAGES, ...extraLanguages];
    return languages.map((l) => ({
      label: `N'${l}'`,
      kind: 'value' as const,
      insertText: `N'${l}'`,
      detail: 'external script language',
      documentation: BUILTIN_LANGUAGES.includes(l as never) ? `Runs the script with ${l}.` : `Created with CREATE EXTERNAL LANGUAGE ${l}.`,
      start: offset - typed.length,
      end: offset,
    }));
  }

  const partial = /@[A-Za-z0-9_]*$/.exec(before);
  const atArgumentStart = partial !== null || /(?:,|sp_execute_external_script\]?)\s*$/i.test(before);
  if (!atArgumentStart) return [];
  const start = partial ? offset - partial[0].length : offset;
  const used = new Set(call.call.args.filter((a) => a.name && !(a.nameRange && a.nameRange[0] === start)).map((a) => a.name!.toLowerCase()));
  const entries: CompletionEntry[] = [];
  for (const p of call.bound.fixed) {
    if (used.has(p.key)) continue;
    entries.push({ label: p.name, kind: 'parameter', insertText: `${p.name} = `, detail: `${p.type}${p.required ? ' (required)' : ''}`, documentation: p.doc, start, end: offset });
  }
  for (const d of call.bound.declared ?? []) {
    if (used.has(d.key)) continue;
    const documentation = d.output ? 'Declared OUTPUT in @params: pass a variable followed by OUTPUT to receive its value.' : 'Declared in @params.';
    entries.push({ label: d.name, kind: 'parameter', insertText: `${d.name} = `, detail: `${d.type}${d.output ? ' OUTPUT' : ''}`, documentation, start, end: offset });
  }
  return entries;
}
