// How the arguments are passed: required parameters, unknown and duplicate names, positional
// after named. SQL Server rejects each of these before any script runs.
import { makeProblem, type Fix } from '../diagnostics/problems';
import { declarationFor } from '../scriptCall/binding';
import { callParameter } from '../scriptCall/parameters';
import { nearest } from '../text/nearest';
import { PROC, type Rule, type RuleContext } from './rule';

export const requiredParameters: Rule = {
  name: 'required-parameters',
  check(ctx) {
    const { bound } = ctx;
    const call = bound.call;
    const missing = (key: '@language' | '@script') => !bound.byParam.has(key);
    if (missing('@language')) {
      const fixes: Fix[] = ctx.canFix ? ['Python', 'R'].map((lang) => insertLanguageFix(ctx, lang)) : [];
      ctx.report(
        makeProblem('SQLML100', `Procedure or function '${PROC}' expects parameter '@language', which was not supplied.`, call.nameRange[0], call.nameRange[1], { fixes }),
      );
    }
    if (missing('@script')) {
      ctx.report(makeProblem('SQLML101', `Procedure or function '${PROC}' expects parameter '@script', which was not supplied.`, call.nameRange[0], call.nameRange[1]));
    }
  },
};

function insertLanguageFix(ctx: RuleContext, language: string): Fix {
  const call = ctx.bound.call;
  const first = call.args[0];
  const edit = first
    ? { start: first.range[0], end: first.range[0], newText: `@language = N'${language}', ` }
    : { start: call.nameRange[1], end: call.nameRange[1], newText: ` @language = N'${language}'` };
  return { title: `Add @language = N'${language}'`, edits: [edit] };
}

export const argumentNames: Rule = {
  name: 'argument-names',
  check(ctx) {
    const { bound } = ctx;
    const seen = new Map<string, number>();
    let firstNamed: number | null = null;
    for (const arg of bound.call.args) {
      if (arg.name === null) {
        if (firstNamed !== null) {
          ctx.report(
            makeProblem(
              'SQLML104',
              `Must pass parameter number ${arg.index + 1} and subsequent parameters as '@name = value'. After the form '@name = value' has been used, all subsequent parameters must be passed in the form '@name = value'.`,
              arg.range[0],
              arg.range[1],
            ),
          );
        }
        continue;
      }
      firstNamed ??= arg.index;
      const key = arg.name.toLowerCase();
      if (seen.has(key)) {
        ctx.report(makeProblem('SQLML103', `Parameter '${arg.name}' was supplied multiple times.`, arg.nameRange![0], arg.nameRange![1]));
      }
      seen.set(key, arg.index);
    }

    // A named argument that is neither a parameter of this version nor declared in @params.
    for (const arg of bound.extraNamed) {
      const key = arg.name!.toLowerCase();
      const known = callParameter(key);
      if (known) continue; // a newer version's parameter: the version rule reports it
      if (bound.declared === null && bound.byParam.has('@params')) continue; // @params not knowable
      if (declarationFor(bound, arg)) continue;
      const candidates = [...bound.fixed.map((p) => p.name), ...(bound.declared ?? []).map((d) => d.name)];
      const suggestion = nearest(arg.name!, candidates);
      const declaredHint = bound.declared ? '' : ' Script parameters must be declared in @params.';
      const message = `${arg.name} is not a parameter for procedure ${PROC}.${suggestion ? ` Did you mean ${suggestion}?` : declaredHint}`;
      const fixes: Fix[] =
        suggestion && ctx.canFix
          ? [{ title: `Change to ${suggestion}`, edits: [{ start: arg.nameRange![0], end: arg.nameRange![1], newText: suggestion }] }]
          : [];
      ctx.report(makeProblem('SQLML102', message, arg.nameRange![0], arg.nameRange![1], { fixes }));
    }
  },
};
