// A value that is only known when the statement runs (a procedure parameter, a query result) is
// said once, as information, so the user knows why its content was not checked.
import { makeProblem } from '../diagnostics/problems';
import type { Rule } from './rule';

const WHAT: readonly (readonly [key: string, consequence: string])[] = [
  ['@script', 'the script is not checked'],
  ['@language', 'the language is not checked'],
  ['@params', 'the script parameters are not checked'],
];

export const unknownValues: Rule = {
  name: 'unknown-values',
  check(ctx) {
    for (const [key, consequence] of WHAT) {
      const arg = ctx.bound.byParam.get(key);
      if (!arg || arg.value.kind !== 'unknown' || arg.valueKind === 'default' || arg.valueKind === 'expression' || arg.valueKind === 'missing') continue;
      if (arg.value.why.startsWith('the undeclared variable')) continue; // Msg 137 is reported already
      ctx.report(
        makeProblem('SQLML117', `The value of ${key} comes from ${arg.value.why} and is only known when the statement runs, so ${consequence}.`, arg.valueRange[0], arg.valueRange[1]),
      );
    }
  },
};
