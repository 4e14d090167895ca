// Microsoft's proprietary packages of SQL Server Machine Learning Services (RevoScaleR,
// MicrosoftML, revoscalepy, microsoftml) are not on the embedded instance; a script that loads one
// fails there. The editor says so before it runs, naming the package and what to use instead, as
// the satellite runners do when it runs (server/resources/satellite/runner.py, runner.R).
import { makeProblem } from '../diagnostics/problems';
import type { Rule } from './rule';

/** Per language: the package, and what does its job here. */
const PACKAGES: Readonly<Record<'python' | 'r', Readonly<Record<string, string>>>> = {
  python: {
    revoscalepy: 'use pandas, scikit-learn (sklearn) or statsmodels for the models, and @input_data_1 or sqlml_query() to read data in place of RxSqlServerData / rx_import',
    microsoftml: 'use scikit-learn (sklearn) for the learners and featurizers',
  },
  r: {
    RevoScaleR: "use base R's lm() and glm() (or e1071, rpart) for the models, and @input_data_1 or sqlml_query() to read data in place of RxSqlServerData / rxImport",
    MicrosoftML: 'use e1071, rpart or glm() for the learners',
  },
};

/** Where a line loads a package: `import x`, `from x import`, `import a, x` / library(x), require(x), x::f. */
function loads(language: 'python' | 'r', line: string, name: string): number {
  const patterns =
    language === 'python'
      ? [new RegExp(`^\\s*from\\s+(${name})\\b`), new RegExp(`^\\s*import\\s+(?:[\\w.]+(?:\\s+as\\s+\\w+)?\\s*,\\s*)*(${name})\\b`)]
      : [new RegExp(`\\b(?:library|require|requireNamespace|loadNamespace)\\s*\\(\\s*(?:package\\s*=\\s*)?["']?(${name})\\b`), new RegExp(`(?<![\\w.])(${name})(?=:::?)`)];
  for (const pattern of patterns) {
    const match = pattern.exec(line);
    if (match) return match.index + match[0].length - match[1]!.length;
  }
  return -1;
}

/** The line without its comment (a # outside quotes, in both languages). */
function code(line: string): string {
  let quote: string | null = null;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = null;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '#') return line.slice(0, i);
  }
  return line;
}

export const proprietaryPackages: Rule = {
  name: 'proprietary-packages',
  check(ctx) {
    const { bound } = ctx;
    const kind = bound.languageKind;
    if ((kind !== 'python' && kind !== 'r') || !bound.script) return;
    const script = bound.script;
    // Most scripts name none of the packages: they are not read line by line (the patterns are case-sensitive).
    if (!Object.keys(PACKAGES[kind]).some((name) => script.text.includes(name))) return;
    const reported = new Set<string>();
    let offset = 0;
    for (const line of script.text.split('\n')) {
      const text = code(line);
      for (const [name, advice] of Object.entries(PACKAGES[kind])) {
        const at = reported.has(name) ? -1 : loads(kind, text, name);
        if (at < 0) continue;
        reported.add(name);
        const [start, end] = script.map.toSourceRange(offset + at, offset + at + name.length);
        ctx.report(
          makeProblem(
            'SQLML126',
            `${name} is one of Microsoft's proprietary packages of SQL Server Machine Learning Services, which the embedded instance does not have: the script fails when it loads it. Instead, ${advice}.`,
            start,
            end,
          ),
        );
      }
      offset += line.length + 1;
    }
  },
};
