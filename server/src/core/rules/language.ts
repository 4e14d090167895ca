// @language: R or Python in any case, or a language the workspace creates or settings list.
import { makeProblem } from '../diagnostics/problems';
import { BUILTIN_LANGUAGES } from '../scriptCall/parameters';
import { nearest } from '../text/nearest';
import type { Rule } from './rule';

export const languageValue: Rule = {
  name: 'language-value',
  check(ctx) {
    const arg = ctx.bound.byParam.get('@language');
    const language = ctx.bound.language;
    if (!arg || arg.value.kind !== 'text' || language === null) return;
    const declared = [...BUILTIN_LANGUAGES, ...ctx.options.extraLanguages];
    if (declared.some((l) => l.toLowerCase() === language.toLowerCase())) return;
    const suggestion = nearest(language.trim(), declared);
    const help =
      ctx.options.sqlServerVersion >= 2019
        ? ' Other languages must be created with CREATE EXTERNAL LANGUAGE (or listed in sqlml.languages).'
        : '';
    const fixes =
      suggestion && ctx.canFix && arg.valueKind === 'string' && language.length > 0
        ? [{ title: `Change to '${suggestion}'`, edits: [toEdit(arg.value.text.map.toSourceRange(0, language.length), suggestion)] }]
        : [];
    ctx.report(
      makeProblem(
        'SQLML105',
        `'${language}' is not a known external script language: use R or Python.${suggestion ? ` Did you mean '${suggestion}'?` : ''}${help}`,
        arg.valueRange[0],
        arg.valueRange[1],
        { fixes },
      ),
    );
  },
};

function toEdit([start, end]: [number, number], newText: string) {
  return { start, end, newText };
}
