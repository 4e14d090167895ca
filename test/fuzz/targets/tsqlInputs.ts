// Inputs for the T-SQL fuzz targets: the project's own .sql files (diagnostic fixtures, examples,
// grammar samples) as seeds for mutation, and a small grammar of sp_execute_external_script calls.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Rng } from '../../support/fuzz';

const ROOT = join(__dirname, '..', '..', '..');
const SEED_FOLDERS = ['test/fixtures/diagnostics', 'examples', 'test/grammar/samples'];

function sqlFiles(dir: string, out: string[]): string[] {
  let names: string[];
  try {
    names = readdirSync(dir).sort();
  } catch {
    return out;
  }
  for (const name of names) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) sqlFiles(path, out);
    else if (name.endsWith('.sql')) out.push(path);
  }
  return out;
}

/** Every seed document, in a stable order so that a seed replays the same cases. */
export function seedDocuments(): string[] {
  const docs = SEED_FOLDERS.flatMap((f) => sqlFiles(join(ROOT, f), [])).map((p) => readFileSync(p, 'utf8'));
  if (docs.length === 0) throw new Error('no .sql seed documents found');
  return docs;
}

/** Text as the body of a T-SQL string literal: quotes doubled. */
export function quoted(text: string, unicode = true): string {
  return `${unicode ? 'N' : ''}'${text.replace(/'/g, "''")}'`;
}

/** Wraps text in `depth` levels of dynamic SQL (sp_executesql or EXEC(...)), each level doubling its quotes. */
export function nestDynamic(rng: Rng, text: string, depth: number): string {
  let out = text;
  for (let d = 0; d < depth; d++) {
    out = rng.chance(0.5) ? `EXEC sp_executesql ${quoted(out)};` : `EXEC (${quoted(out, rng.chance(0.5))});`;
  }
  return out;
}

const PYTHON = ['OutputDataSet = InputDataSet', 'import pandas as pd\nprint(1)', 'for i in range(3)\n  print(i)', 'x = undefined_name', "print('it''s')", ''];
const R = ['OutputDataSet <- InputDataSet', 'x <- c(1 2)', 'print("a")\r\ny <- 1', 'f <- function( {', ''];
const TYPES = ['int', 'nvarchar(max)', 'float', 'datetime2', 'varbinary(10)', 'geography', 'bit', 'decimal(10, 2)', 'sql_variant'];
const PARAMS = ['@language', '@script', '@input_data_1', '@input_data_1_name', '@output_data_1_name', '@params', '@parallel', '@input_data_1_partition_by_columns', '@input_data_1_order_by_columns', '@r_rowsPerRead', '@lang', '@scirpt'];

/** One random, often wrong, sp_execute_external_script call (possibly inside dynamic SQL). */
export function generatedCall(rng: Rng): string {
  const language = rng.pick(['Python', 'R', 'Java', 'python ', '', 'R\u0000']);
  const script = rng.pick(language.startsWith('R') ? R : PYTHON);
  const declared = Array.from({ length: rng.int(4) }, (_, k) => `@p${k} ${rng.pick(TYPES)}${rng.chance(0.3) ? ' OUTPUT' : ''}`);
  const value = (name: string): string => {
    switch (name) {
      case '@language':
        return rng.chance(0.8) ? quoted(language, rng.chance(0.5)) : '@lang';
      case '@script':
        return rng.pick([quoted(script), '@script_var', `${quoted(script.slice(0, 5))} + ${quoted(script.slice(5))}`, `CONCAT(${quoted(script)}, N'')`, 'NULL']);
      case '@params':
        return quoted(declared.join(rng.chance(0.9) ? ', ' : ' '));
      case '@input_data_1':
        return quoted(rng.pick(['SELECT 1 AS x', "SELECT * FROM dbo.t WHERE name = 'a'", 'EXEC dbo.p', '']));
      default:
        return rng.pick(["N'x'", '1', 'DEFAULT', '@v', '0x00', "'unterminated", '(1 + 2)']);
    }
  };
  const args: string[] = [];
  for (const name of PARAMS) if (rng.chance(name === '@language' || name === '@script' ? 0.9 : 0.3)) args.push(`${name} = ${value(name)}`);
  for (let k = 0; k < declared.length; k++) if (rng.chance(0.7)) args.push(`@p${k} = ${rng.pick(['1', "N'a'", '@x OUTPUT', 'NULL'])}`);
  if (rng.chance(0.2)) args.push(rng.pick(["N'positional'", '@', '@ =', ',']));
  for (let k = args.length - 1; k > 0; k--) {
    if (rng.chance(0.15)) {
      const j = rng.int(k + 1);
      [args[k], args[j]] = [args[j]!, args[k]!];
    }
  }
  const name = rng.pick(['sp_execute_external_script', 'sys.sp_execute_external_script', 'master.sys.sp_execute_external_script', '[sp_execute_external_script]', 'SP_EXECUTE_EXTERNAL_SCRIPT']);
  const resultSets = rng.pick(['', ' WITH RESULT SETS NONE', ' WITH RESULT SETS UNDEFINED', ' WITH RESULT SETS ((x int, y nvarchar(10)))', ' WITH RESULT SETS ((x int', ' WITH RESULT SETS (AS OBJECT dbo.t)']);
  const separator = rng.chance(0.9) ? ',\n  ' : rng.pick([' ', ',,', ',\r\n']);
  let call = `${rng.chance(0.8) ? rng.pick(['EXEC ', 'EXECUTE ', 'exec ']) : ''}${name}\n  ${args.join(separator)}${resultSets};`;
  if (rng.chance(0.2)) call = `INSERT INTO dbo.out ${call}`;
  if (rng.chance(0.2)) call = `CREATE PROCEDURE dbo.p${rng.int(100)} @x int AS\nBEGIN\n${call}\nEND\nGO`;
  const prelude = rng.chance(0.5) ? `DECLARE @script_var nvarchar(max) = ${quoted(script)}, @lang sysname = N'${language}';\n` : '';
  const depth = rng.chance(0.3) ? rng.between(1, 10) : 0;
  return nestDynamic(rng, prelude + call, depth);
}
