// @params and the script's parameters: the declaration list parses, every declared parameter
// gets a value, every extra argument is declared, OUTPUT agrees on both sides, and the types are
// ones the data exchange supports.
import { makeProblem } from '../diagnostics/problems';
import { declarationFor } from '../scriptCall/binding';
import { UNSUPPORTED_TYPES } from '../scriptCall/paramsDeclaration';
import type { Rule } from './rule';

const TYPE_ADVICE: Record<string, string> = {
  datetime2: 'CAST it to datetime (or pass it as nvarchar)',
  datetimeoffset: 'CAST it to datetime (or pass it as nvarchar)',
  time: 'pass it as nvarchar or datetime',
  xml: 'pass it as nvarchar(max)',
  text: 'use varchar(max)',
  ntext: 'use nvarchar(max)',
  image: 'use varbinary(max)',
  sql_variant: 'CAST it to a concrete type',
  hierarchyid: 'pass ToString() as nvarchar',
  geometry: 'pass STAsText() as nvarchar(max) or STAsBinary() as varbinary(max)',
  geography: 'pass STAsText() as nvarchar(max) or STAsBinary() as varbinary(max)',
  timestamp: 'pass it as binary(8)',
  rowversion: 'pass it as binary(8)',
  cursor: 'pass the rows through @input_data_1 instead',
  table: 'pass the rows through @input_data_1 instead',
};

export const scriptParameters: Rule = {
  name: 'script-parameters',
  check(ctx) {
    const { bound } = ctx;
    for (const e of bound.paramsErrors) ctx.report(makeProblem('SQLML106', `@params: ${e.message}`, e.range[0], e.range[1]));
    if (!bound.declared) return;

    const seen = new Set<string>();
    for (const d of bound.declared) {
      if (seen.has(d.key)) ctx.report(makeProblem('SQLML106', `@params: the parameter ${d.name} is declared more than once.`, d.range[0], d.range[1]));
      seen.add(d.key);
      if (UNSUPPORTED_TYPES.has(d.baseType)) {
        const advice = TYPE_ADVICE[d.baseType];
        ctx.report(
          makeProblem(
            'SQLML110',
            `The type ${d.baseType} of ${d.name} is not supported by sp_execute_external_script${advice ? `: ${advice}` : ''}.`,
            d.typeRange[0],
            d.typeRange[1],
          ),
        );
      }
    }

    // Which declarations receive a value, and with or without OUTPUT.
    const supplied = new Set<string>();
    for (const arg of [...bound.extraNamed, ...bound.extraPositional]) {
      const d = declarationFor(bound, arg);
      if (!d) {
        if (arg.name === null) {
          ctx.report(makeProblem('SQLML102', `Procedure or function sp_execute_external_script has too many arguments specified: @params declares ${bound.declared.length}.`, arg.range[0], arg.range[1]));
        }
        continue; // a misnamed argument is reported by the argument-names rule
      }
      supplied.add(d.key);
      if (arg.output && !d.output) {
        ctx.report(
          makeProblem('SQLML108', `The formal parameter "${d.name}" was not declared as an OUTPUT parameter, but the actual parameter passed in requested output.`, arg.range[0], arg.range[1]),
        );
      } else if (!arg.output && d.output) {
        const fixes = ctx.canFix ? [{ title: 'Add OUTPUT', edits: [{ start: arg.range[1], end: arg.range[1], newText: ' OUTPUT' }] }] : [];
        ctx.report(
          makeProblem('SQLML109', `${d.name} is declared OUTPUT in @params but passed without OUTPUT, so the script's value is not returned.`, arg.range[0], arg.range[1], { fixes }),
        );
      }
    }
    for (const d of bound.declared) {
      if (!supplied.has(d.key)) {
        ctx.report(makeProblem('SQLML107', `The parameterized script expects the parameter '${d.name}', which was not supplied.`, d.range[0], d.range[1]));
      }
    }
  },
};
