// The parameters of sys.sp_execute_external_script, in positional order, with what the
// documentation says of each (reference: mlservices-facts.md section 1.2). Hover and completion
// text comes from here, and so do the rules' notions of "known parameter" and "2019-only".

export type SqlServerVersion = 2016 | 2017 | 2019 | 2022;

export interface CallParameter {
  /** Lower-case, with '@', as T-SQL matches parameter names case-insensitively. */
  key: string;
  /** The documented spelling. */
  name: string;
  type: string;
  required: boolean;
  defaultValue?: string;
  /** First version that has the parameter. */
  since: SqlServerVersion;
  doc: string;
}

export const CALL_PARAMETERS: readonly CallParameter[] = [
  {
    key: '@language',
    name: '@language',
    type: 'sysname',
    required: true,
    since: 2016,
    doc: 'The script language: R or Python (2019+: also any language created with CREATE EXTERNAL LANGUAGE, such as Java). Case-insensitive.',
  },
  {
    key: '@script',
    name: '@script',
    type: 'nvarchar(max)',
    required: true,
    since: 2016,
    doc: 'The external language script, as a literal or a variable.',
  },
  {
    key: '@input_data_1',
    name: '@input_data_1',
    type: 'nvarchar(max)',
    required: false,
    since: 2016,
    doc: 'A T-SQL query whose rows become the script input. It runs with the caller\'s permissions, exactly as the query itself would.',
  },
  {
    key: '@input_data_1_name',
    name: '@input_data_1_name',
    type: 'sysname',
    required: false,
    defaultValue: 'InputDataSet',
    since: 2016,
    doc: 'The name under which the script sees the input rows: an R data.frame or a pandas DataFrame.',
  },
  {
    key: '@input_data_1_order_by_columns',
    name: '@input_data_1_order_by_columns',
    type: 'nvarchar(max)',
    required: false,
    since: 2019,
    doc: 'Used to build per-partition models: the column that orders the rows within each partition.',
  },
  {
    key: '@input_data_1_partition_by_columns',
    name: '@input_data_1_partition_by_columns',
    type: 'nvarchar(max)',
    required: false,
    since: 2019,
    doc: 'The column that segments the data; the script runs once for every partition.',
  },
  {
    key: '@output_data_1_name',
    name: '@output_data_1_name',
    type: 'sysname',
    required: false,
    defaultValue: 'OutputDataSet',
    since: 2016,
    doc: 'The name of the script variable returned as the result set: an R data.frame or a pandas DataFrame.',
  },
  {
    key: '@parallel',
    name: '@parallel',
    type: 'bit',
    required: false,
    defaultValue: '0',
    since: 2016,
    doc: 'Enables parallel execution (0 or 1). With 1 and output streamed to the client, WITH RESULT SETS with an output schema is required.',
  },
  {
    key: '@params',
    name: '@params',
    type: 'nvarchar(max)',
    required: false,
    since: 2016,
    doc: "Declarations of the script's parameters: N'@name data_type [OUT | OUTPUT] [, ...]'. Each is passed as a named argument and seen by the script without its '@'.",
  },
];

const BY_KEY = new Map(CALL_PARAMETERS.map((p) => [p.key, p]));

export function callParameter(name: string): CallParameter | undefined {
  return BY_KEY.get(name.toLowerCase());
}

/** The parameters that a given version accepts, in positional order (one list per version, made once: every call is bound against it). */
export function parametersFor(version: SqlServerVersion): readonly CallParameter[] {
  let list = BY_VERSION.get(version);
  if (!list) {
    list = CALL_PARAMETERS.filter((p) => p.since <= version);
    BY_VERSION.set(version, list);
  }
  return list;
}

const BY_VERSION = new Map<SqlServerVersion, readonly CallParameter[]>();

export const BUILTIN_LANGUAGES = ['R', 'Python'] as const;
