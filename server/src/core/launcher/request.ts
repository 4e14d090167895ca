// A launch request as the instance sends it (one sp_execute_external_script statement), and its
// normalisation: names checked for the language, SQL types resolved to exchange kinds, @params
// names stripped of '@', @r_rowsPerRead picked out, partition and order columns resolved.
import { columnLength, type ColumnValues } from './columnValues';
import { launcherError, type LauncherError } from './errors';
import { isScriptName, languageLabel } from './identifiers';
import { parseSqlType, type SqlType } from './sqlTypes';

export type ScriptLanguage = 'python' | 'r';

/**
 * A SQL value on the Node side: numbers for numeric types (bigint may be a JS bigint; a decimal
 * past a double's 15 exact digits is its exact text), strings for character types and
 * uniqueidentifier, booleans for bit, Dates for date/datetime, bytes for binary.
 */
export type SqlValue = null | number | bigint | string | boolean | Date | Uint8Array;

export interface ColumnSpec {
  name: string;
  /** The SQL type as T-SQL writes it: 'nvarchar(50)', 'float'. */
  type: string;
}

export interface InputRows {
  columns: ColumnSpec[];
  rows: SqlValue[][];
}

/**
 * An input held column by column, as the storage reads it: `values[c][r]` is column c's value at
 * row r. A million rows cost five arrays instead of a million (and numbers stay unboxed).
 */
export interface InputColumns {
  columns: ColumnSpec[];
  values: ColumnValues[];
  rowCount: number;
}

/** The normalized input: columns with their types, values column by column. */
export interface TypedInput {
  columns: TypedColumn[];
  values: ColumnValues[];
  rowCount: number;
}

export interface ScriptParam {
  /** '@name' or 'name'. */
  name: string;
  type: string;
  value: SqlValue;
  output?: boolean;
}

export interface LaunchRequest {
  /** The login the statement runs for; the key of identity mapping. */
  caller: string;
  database: string;
  /** 'Python' or 'R', in any case, as @language accepts them. */
  language: string;
  script: string;
  input?: InputRows | InputColumns;
  inputName?: string;
  outputName?: string;
  params?: ScriptParam[];
  parallel?: boolean;
  partitionBy?: string[];
  orderBy?: string[];
  /** The external resource pool; 'default' when absent. */
  pool?: string;
  /** The statement timeout in ms; absent or 0 for none. */
  timeoutMs?: number;
  /** Installed external libraries the script sees (absolute host folders, bound read-only, searched first). */
  libraryPaths?: string[];
}

export interface TypedColumn {
  name: string;
  type: SqlType;
}

export interface NormalizedParam {
  /** Without '@', as the script sees it. */
  name: string;
  type: SqlType;
  value: SqlValue;
  output: boolean;
}

export interface NormalizedRequest {
  caller: string;
  database: string;
  language: ScriptLanguage;
  script: string;
  input: TypedInput | undefined;
  inputName: string;
  outputName: string;
  params: NormalizedParam[];
  /** Column indexes of the input. */
  partitionBy: number[];
  orderBy: number[];
  rowsPerRead: number | undefined;
  pool: string;
  timeoutMs: number | undefined;
  libraryPaths: string[];
}

export type Normalized = { ok: true; request: NormalizedRequest } | { ok: false; error: LauncherError };

export const DEFAULT_INPUT_NAME = 'InputDataSet';
export const DEFAULT_OUTPUT_NAME = 'OutputDataSet';

// Caller strings are shown in views and used as map keys only; control characters have no
// business in a login name and are refused so that no log or view can be forged with them.
const CONTROL = /[\u0000-\u001f\u007f]/;

class Invalid {
  constructor(readonly message: string) {}
}

function fail(message: string): never {
  throw new Invalid(message);
}

export function normalizeRequest(request: LaunchRequest): Normalized {
  try {
    return { ok: true, request: normalize(request) };
  } catch (e) {
    if (e instanceof Invalid) return { ok: false, error: launcherError('invalid-request', e.message) };
    throw e;
  }
}

function normalize(request: LaunchRequest): NormalizedRequest {
  const language = parseLanguage(request.language);
  const caller = label('caller', request.caller);
  const database = label('database', request.database);
  if (typeof request.script !== 'string') fail('@script must be text.');

  const inputName = scriptName(language, '@input_data_1_name', request.inputName ?? DEFAULT_INPUT_NAME);
  const outputName = scriptName(language, '@output_data_1_name', request.outputName ?? DEFAULT_OUTPUT_NAME);
  if (inputName === outputName) fail(`@input_data_1_name and @output_data_1_name are both '${inputName}'.`);

  const input = request.input && typedInput(request.input);
  const params = (request.params ?? []).map((p) => param(language, p));
  const seen = new Set<string>([inputName.toLowerCase(), outputName.toLowerCase()]);
  for (const p of params) {
    if (seen.has(p.name.toLowerCase())) fail(`The name '${p.name}' is bound twice (by @params or by the input/output names).`);
    seen.add(p.name.toLowerCase());
  }

  const partitionBy = columnIndexes('@input_data_1_partition_by_columns', request.partitionBy, input?.columns);
  const orderBy = columnIndexes('@input_data_1_order_by_columns', request.orderBy, input?.columns);

  const timeoutMs = request.timeoutMs;
  if (timeoutMs !== undefined && (!Number.isFinite(timeoutMs) || timeoutMs < 0)) fail(`The statement timeout must be a positive number of milliseconds (got ${timeoutMs}).`);

  const libraryPaths = request.libraryPaths ?? [];
  // They become bind mounts and a search path separated by ':'.
  for (const path of libraryPaths) if (typeof path !== 'string' || !path.startsWith('/') || path.includes(':') || CONTROL.test(path)) fail(`'${String(path)}' is not a library folder.`);

  return {
    libraryPaths,
    caller,
    database,
    language,
    script: request.script,
    input,
    inputName,
    outputName,
    params,
    partitionBy,
    orderBy,
    rowsPerRead: rowsPerRead(params),
    pool: request.pool ?? 'default',
    timeoutMs: timeoutMs ? timeoutMs : undefined,
  };
}

function parseLanguage(language: string): ScriptLanguage {
  const lower = String(language).toLowerCase();
  if (lower === 'python' || lower === 'r') return lower;
  return fail(`The external language '${language}' is not available: the launcher runs 'Python' and 'R'.`);
}

function label(what: string, value: string): string {
  if (typeof value !== 'string' || value.length === 0) fail(`The ${what} name is empty.`);
  if (value.length > 128) fail(`The ${what} name is longer than 128 characters.`);
  if (CONTROL.test(value)) fail(`The ${what} name contains a control character.`);
  return value;
}

function scriptName(language: ScriptLanguage, what: string, name: string): string {
  if (!isScriptName(language, name)) fail(`${what} '${name}' is not a valid ${languageLabel(language)} variable name.`);
  return name;
}

function typedInput(input: InputRows | InputColumns): TypedInput {
  const columns = input.columns.map((c) => {
    const parsed = parseSqlType(c.type);
    if (!parsed.ok) fail(`Unsupported input data type in column '${c.name}'. ${parsed.reason}`);
    // R strings cannot hold NUL; every other character is fine in the length-prefixed exchange.
    if (c.name.includes('\u0000')) fail(`The input column name '${c.name.replace(/\u0000/g, '\\0')}' contains a NUL character.`);
    return { name: c.name, type: parsed.type };
  });
  if ('values' in input) {
    if (input.values.length !== columns.length || input.values.some((v) => columnLength(v) !== input.rowCount)) fail('The input columns do not all hold one value for each row.');
    return { columns, values: input.values, rowCount: input.rowCount };
  }
  // Rows (the CLI's CSV, callers of the launcher) are turned into columns once, here.
  const values = columns.map((_, c) => input.rows.map((row) => row[c] ?? null));
  return { columns, values, rowCount: input.rows.length };
}

function param(language: ScriptLanguage, p: ScriptParam): NormalizedParam {
  const name = p.name.startsWith('@') ? p.name.slice(1) : p.name;
  if (!isScriptName(language, name)) fail(`The parameter @${name} cannot be a ${languageLabel(language)} variable name.`);
  const parsed = parseSqlType(p.type);
  if (!parsed.ok) fail(`Unsupported data type of parameter @${name}. ${parsed.reason}`);
  return { name, type: parsed.type, value: p.value, output: p.output === true };
}

// SQL Server takes the chunk size of streaming from a parameter declared in @params.
function rowsPerRead(params: NormalizedParam[]): number | undefined {
  const p = params.find((x) => x.name.toLowerCase() === 'r_rowsperread');
  if (!p || p.value === null) return undefined;
  const n = Number(p.value);
  if (!Number.isInteger(n) || n < 1) fail(`@r_rowsPerRead must be a positive whole number (got ${String(p.value)}).`);
  return n;
}

function columnIndexes(what: string, names: string[] | undefined, columns: TypedColumn[] | undefined): number[] {
  if (!names || names.length === 0) return [];
  if (!columns) fail(`${what} needs @input_data_1.`);
  return names.map((name) => {
    const at = columns.findIndex((c) => c.name.toLowerCase() === name.toLowerCase());
    if (at < 0) fail(`Invalid column name '${name}' in ${what}.`);
    return at;
  });
}
