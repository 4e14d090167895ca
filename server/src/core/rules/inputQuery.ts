// The @input_data_1 query runs with the script's parameters in scope and nothing else: a variable
// it names that @params does not declare is Msg 137 when the statement runs.
import { makeProblem } from '../diagnostics/problems';
import { lex } from '../tsql/lexer';
import type { Rule } from './rule';

export const inputQueryVariables: Rule = {
  name: 'input-query-variables',
  check(ctx) {
    const { bound } = ctx;
    const input = bound.byParam.get('@input_data_1');
    if (input?.value.kind !== 'text') return;
    if (bound.declared === null && bound.byParam.has('@params')) return; // @params not knowable
    const declared = new Set((bound.declared ?? []).map((d) => d.key));
    const text = input.value.text;
    const reported = new Set<string>();
    for (const token of lex(text.text).tokens) {
      if (token.kind !== 'variable') continue;
      const name = text.text.slice(token.start, token.end);
      const key = name.toLowerCase();
      if (declared.has(key) || reported.has(key)) continue;
      reported.add(key);
      const [start, end] = text.map.toSourceRange(token.start, token.end);
      const hint = bound.byParam.has('@params') ? `declare it in @params and pass it as ${name} = ...` : `add @params = N'${name} <type>' and pass it as ${name} = ...`;
      ctx.report(makeProblem('SQLML124', `Must declare the scalar variable "${name}": the @input_data_1 query sees only the parameters in @params (${hint}).`, start, end));
    }
  },
};
