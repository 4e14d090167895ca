// The input and output data names: valid identifiers in the script language, the input read only
// when there is input, the output assigned when a result set is expected.
import { makeProblem } from '../problems';
import type { LanguageKind } from '../spees/binding';
import { scanScriptNames } from '../spees/scriptNames';
import type { Rule } from './rule';

const PYTHON_KEYWORDS = new Set(
  'False None True and as assert async await break class continue def del elif else except finally for from global if import in is lambda nonlocal not or pass raise return try while with yield'.split(' '),
);
const R_RESERVED = new Set('if else repeat while function for next break TRUE FALSE NULL Inf NaN NA NA_integer_ NA_real_ NA_character_ in'.split(' '));

export function isValidScriptIdentifier(name: string, language: Exclude<LanguageKind, 'other'>): boolean {
  if (language === 'python') return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) && !PYTHON_KEYWORDS.has(name);
  return /^(?:[A-Za-z]|\.(?![0-9]))[A-Za-z0-9._]*$/.test(name) && !R_RESERVED.has(name);
}

export const dataNames: Rule = {
  name: 'data-names',
  check(ctx) {
    const { bound } = ctx;
    const kind = bound.languageKind;
    if (kind !== 'python' && kind !== 'r') return;
    const languageName = kind === 'python' ? 'Python' : 'R';
    for (const key of ['@input_data_1_name', '@output_data_1_name'] as const) {
      const arg = bound.byParam.get(key);
      if (arg?.value.kind === 'text' && !isValidScriptIdentifier(arg.value.text.text, kind)) {
        ctx.report(makeProblem('SQLML114', `'${arg.value.text.text}' is not a valid ${languageName} variable name for ${key}.`, arg.valueRange[0], arg.valueRange[1]));
      }
    }

    const input = bound.byParam.get('@input_data_1');
    const hasInput = !!input && input.value.kind !== 'null';
    if (!hasInput) {
      for (const key of ['@input_data_1_partition_by_columns', '@input_data_1_order_by_columns']) {
        const arg = bound.byParam.get(key);
        if (arg) ctx.report(makeProblem('SQLML122', `${key} has no effect without @input_data_1.`, arg.range[0], arg.range[1]));
      }
    }

    if (!bound.script) return;
    const names = scanScriptNames(bound.script.text, kind);
    if (!hasInput && names.used.has(bound.inputName) && !names.assigned.has(bound.inputName)) {
      const at = findWord(bound.script.text, bound.inputName);
      const [start, end] = bound.script.map.toSourceRange(at, at + bound.inputName.length);
      ctx.report(makeProblem('SQLML115', `The script reads ${bound.inputName}, but no @input_data_1 query is given, so it has no input rows.`, start, end));
    }

    const call = bound.call;
    const expectsRows = call.insertTarget !== null || (call.resultSets?.kind === 'definition' && call.resultSets.sets.some((s) => s.length > 0));
    if (expectsRows && !names.assigned.has(bound.outputName)) {
      const where = call.insertTarget ? `INSERT ... EXEC into ${call.insertTarget.name}` : 'WITH RESULT SETS';
      const arg = bound.byParam.get('@script')!;
      ctx.report(
        makeProblem('SQLML116', `${where} expects rows, but the script never assigns ${bound.outputName}.`, arg.valueRange[0], Math.min(arg.valueRange[1], arg.valueRange[0] + 2)),
      );
    }
  },
};

function findWord(text: string, word: string): number {
  const re = new RegExp(`(?<![A-Za-z0-9_.])${word.replace(/[.]/g, '\\.')}(?![A-Za-z0-9_])`);
  const m = re.exec(text);
  return m ? m.index : 0;
}
