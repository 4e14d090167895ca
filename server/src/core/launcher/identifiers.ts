// Names the satellites bind as variables (@input_data_1_name, @output_data_1_name, @params
// names without '@') must be names the script can write plainly in its language.
import type { ScriptLanguage } from './request';

const PYTHON_KEYWORDS = new Set(
  ('False None True and as assert async await break class continue def del elif else except finally for from global if ' +
    'import in is lambda nonlocal not or pass raise return try while with yield').split(' '),
);

const R_RESERVED = new Set(
  ('if else repeat while function for next break TRUE FALSE NULL Inf NaN NA NA_integer_ NA_real_ NA_character_ ' +
    'NA_complex_ in').split(' '),
);

const PYTHON_NAME = /^[\p{L}_][\p{L}\p{N}_]*$/u;
// R's syntactic names: a letter, or a dot not followed by a digit, then letters, digits, dots, '_'.
const R_NAME = /^(?:\p{L}|\.(?![0-9]))[\p{L}\p{N}._]*$/u;

export function isScriptName(language: ScriptLanguage, name: string): boolean {
  if (language === 'python') return PYTHON_NAME.test(name) && !PYTHON_KEYWORDS.has(name);
  return R_NAME.test(name) && !R_RESERVED.has(name);
}

export function languageLabel(language: ScriptLanguage): string {
  return language === 'python' ? 'Python' : 'R';
}
