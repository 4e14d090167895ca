// Parameters whose values SQL Server constrains: @parallel, the version a parameter needs, the
// kind of value each parameter takes, and WITH RESULT SETS where it is not allowed or needed.
import { makeProblem } from '../diagnostics/problems';
import { callParameter } from '../scriptCall/parameters';
import type { Rule } from './rule';

export const parallelValue: Rule = {
  name: 'parallel-value',
  check(ctx) {
    const arg = ctx.bound.byParam.get('@parallel');
    if (!arg) return;
    const v = arg.value;
    const ok = (v.kind === 'number' && (v.value === 0 || v.value === 1)) || v.kind === 'unknown' || v.kind === 'null' ||
      (v.kind === 'text' && /^\s*[01]\s*$/.test(v.text.text));
    if (!ok) ctx.report(makeProblem('SQLML111', '@parallel must be 0 or 1.', arg.valueRange[0], arg.valueRange[1]));
  },
};

export const parameterVersion: Rule = {
  name: 'parameter-version',
  check(ctx) {
    const version = ctx.options.sqlServerVersion;
    for (const arg of ctx.bound.extraNamed) {
      const p = callParameter(arg.name!);
      if (p && p.since > version) {
        ctx.report(
          makeProblem('SQLML112', `${p.name} needs SQL Server ${p.since} or later; sqlml.sqlServerVersion is ${version}.`, arg.nameRange![0], arg.nameRange![1]),
        );
      }
    }
  },
};

/** Parameters whose value is text: a number or binary there is a mistake SQL Server rejects or misreads. */
const TEXT_PARAMETERS = ['@language', '@script', '@input_data_1', '@input_data_1_name', '@output_data_1_name', '@params'];

export const valueKinds: Rule = {
  name: 'value-kinds',
  check(ctx) {
    for (const key of TEXT_PARAMETERS) {
      const arg = ctx.bound.byParam.get(key);
      if (!arg) continue;
      const required = key === '@language' || key === '@script';
      if (arg.valueKind === 'number' || arg.valueKind === 'binary') {
        ctx.report(makeProblem('SQLML121', `${key} takes text (N'...'), not a ${arg.valueKind}.`, arg.valueRange[0], arg.valueRange[1]));
      } else if (required && (arg.value.kind === 'null' || arg.valueKind === 'default')) {
        const what = arg.valueKind === 'default' ? 'DEFAULT' : arg.valueKind === 'variable' ? `NULL (${arg.variable} has no value here)` : 'NULL';
        ctx.report(makeProblem('SQLML121', `${key} is required and cannot be ${what}.`, arg.valueRange[0], arg.valueRange[1]));
      }
    }
  },
};

export const resultSets: Rule = {
  name: 'result-sets',
  check(ctx) {
    const { call } = ctx.bound;
    if (call.insertTarget && call.resultSets) {
      ctx.report(makeProblem('SQLML113', 'The RESULT SETS options cannot be specified in an INSERT...EXEC statement.', call.resultSets.range[0], call.resultSets.range[1]));
    }
    const parallel = ctx.bound.byParam.get('@parallel');
    if (parallel?.value.kind === 'number' && parallel.value.value === 1 && !call.insertTarget && call.resultSets?.kind !== 'definition') {
      ctx.report(
        makeProblem('SQLML119', 'With @parallel = 1 and the output streamed to the client, WITH RESULT SETS with an output schema is required.', parallel.range[0], parallel.range[1]),
      );
    }
  },
};
