// SOUNDEX and DIFFERENCE, by the rules SQL Server applies at compatibility level 110 and above
// (the National Archives' rules): the first letter kept in upper case, then the codes of the
// letters after it (B F P V = 1, C G J K Q S X Z = 2, D T = 3, L = 4, M N = 5, R = 6), letters of
// the same code next to each other (or separated only by H or W) coded once, vowels and Y
// separating equal codes but not coded, cut or zero-padded to three digits. The code is taken from
// the letters the string starts with; one that starts with none gives 0000. DIFFERENCE counts the
// positions where the two codes agree (0 to 4).
import type { Builtin, BuiltinTable } from './builtin';
import { asString, values } from './builtin';
import { combine } from './expressions';
import { INT, varchar } from './types';

const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
/** Each letter's code; '-' for H and W, which neither code nor separate. */
const CODES = '0123012-02245501262301-202';

/** DuckDB SQL for SOUNDEX(x), x a string expression (evaluated once, bound by the lambda). */
function soundexSql(x: string): string {
  const word = `regexp_extract(upper(${x}), '^[A-Z]+')`;
  // The first letter's code stays (a following letter of the same code is not coded again) even when it is H or W.
  const coded = `CASE WHEN left(t, 1) = '-' THEN '0' ELSE left(t, 1) END || replace(substr(t, 2), '-', '')`;
  let runs = coded;
  for (const digit of '123456') runs = `regexp_replace(${runs}, '${digit}+', '${digit}', 'g')`;
  const digits = `rpad(left(replace(substr(${runs}, 2), '0', ''), 3), 3, '0')`;
  const perWord = `CASE WHEN w = '' THEN '0000' ELSE left(w, 1) || list_transform([translate(w, '${LETTERS}', '${CODES}')], lambda t: ${digits})[1] END`;
  return `list_transform([${word}], lambda w: ${perWord})[1]`;
}

const SOUNDEX: Builtin = {
  args: [1, 1],
  translate: (call, t) => {
    const [v] = values(call, t);
    const s = asString(v!, call.args[0]!);
    return combine(`CASE WHEN ${s.sql} IS NULL THEN NULL ELSE ${soundexSql(s.sql)} END`, varchar(4), [v!]);
  },
};

const DIFFERENCE: Builtin = {
  args: [2, 2],
  translate: (call, t) => {
    const [a, b] = values(call, t);
    const x = soundexSql(asString(a!, call.args[0]!).sql);
    const y = soundexSql(asString(b!, call.args[1]!).sql);
    const agreeing = `list_transform([[${x}, ${y}]], lambda p: list_sum(list_transform(range(1, 5), lambda i: CAST(substr(p[1], i, 1) = substr(p[2], i, 1) AS INTEGER))))[1]`;
    return combine(`CASE WHEN ${a!.sql} IS NULL OR ${b!.sql} IS NULL THEN NULL ELSE CAST(${agreeing} AS INTEGER) END`, INT, [a!, b!]);
  },
};

export const SOUNDEX_FUNCTIONS: BuiltinTable = { SOUNDEX, DIFFERENCE };
