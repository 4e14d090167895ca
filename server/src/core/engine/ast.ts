// The statements the embedded instance runs, as the parser produces them. Every node carries
// start/end offsets (UTF-16, end exclusive) into the text that was parsed, so the executor can
// report positioned errors and batch lines. Names keep their spelling; comparisons of names are
// the consumer's business (case-insensitive, like SQL Server's default collation).

export interface Span {
  start: number;
  end: number;
}

/** A name: a regular identifier, or a [bracketed] / "quoted" one with its delimiters removed. */
export interface Identifier extends Span {
  name: string;
  quoted: boolean;
}

/** [server.][database.][schema.]name; `db..t` leaves schema null. A #temp name keeps its '#'. */
export interface ObjectName extends Span {
  kind: 'objectName';
  server: Identifier | null;
  database: Identifier | null;
  schema: Identifier | null;
  name: Identifier;
}

/** A data type as written: `nvarchar(50)`, `decimal(10, 2)`, `varbinary(max)`, `sys.int`. */
export interface DataType extends Span {
  /** Lower case, with the SQL-92 spellings folded: 'integer' → 'int', 'double precision' → 'float'. */
  name: string;
  schema: Identifier | null;
  args: (number | 'max')[];
}

// ---- expressions ----------------------------------------------------------------------------

export type Expression =
  | StringLiteral
  | NumberLiteral
  | BinaryLiteral
  | NullLiteral
  | VariableRef
  | ColumnRef
  | Star
  | UnaryOp
  | BinaryOp
  | Comparison
  | Logical
  | Not
  | IsNull
  | InList
  | InQuery
  | Between
  | Like
  | Exists
  | Case
  | Cast
  | FunctionCall
  | Subquery
  | Collate
  | Parse
  | XmlValue;

/** `(SELECT ... FOR XML PATH(''), TYPE).value('.', 'nvarchar(max)')`: the text of the XML, as a value of the type. */
export interface XmlValue extends Span {
  kind: 'xmlValue';
  operand: Expression;
  /** The XQuery path; '.' (the whole document's text) is the one the embedded instance reads. */
  path: string;
  /** The type as written: 'nvarchar(max)'. */
  type: string;
}

export interface StringLiteral extends Span {
  kind: 'string';
  value: string;
  /** N'...' (nvarchar) rather than '...' (varchar). */
  unicode: boolean;
}

/** A numeric constant with the type SQL Server gives it. */
export interface NumberLiteral extends Span {
  kind: 'number';
  /** The digits as written (no sign). */
  text: string;
  /**
   * int when an integer fits 32 bits; numeric(p, s) for other integers and for decimals
   * (SQL Server never types a constant bigint); float with an exponent; money with a '$'.
   */
  type: 'int' | 'numeric' | 'float' | 'money';
  precision: number;
  scale: number;
}

export interface BinaryLiteral extends Span {
  kind: 'binary';
  /** Hex digits without 0x, upper case. */
  hex: string;
}

export interface NullLiteral extends Span {
  kind: 'null';
}

/** @name or @@name (system functions such as @@ROWCOUNT). */
export interface VariableRef extends Span {
  kind: 'variable';
  /** With its '@' (or '@@'), as written. */
  name: string;
  system: boolean;
}

/** A column: `c`, `t.c`, `dbo.t.c`, `db.dbo.t.c`. */
export interface ColumnRef extends Span {
  kind: 'column';
  parts: Identifier[];
}

/** `*` or `t.*` in a select list. */
export interface Star extends Span {
  kind: 'star';
  qualifier: Identifier[];
}

/** `value COLLATE name`: the value compared and sorted under that collation. */
export interface Collate extends Span {
  kind: 'collate';
  operand: Expression;
  collation: Identifier;
}

export interface UnaryOp extends Span {
  kind: 'unary';
  op: '-' | '+' | '~';
  operand: Expression;
}

export type ArithmeticOperator = '+' | '-' | '*' | '/' | '%' | '&' | '|' | '^';

export interface BinaryOp extends Span {
  kind: 'binaryOp';
  op: ArithmeticOperator;
  left: Expression;
  right: Expression;
}

/** `!=` is stored as '<>', `!<` as '>=' and `!>` as '<='. */
export type ComparisonOperator = '=' | '<>' | '<' | '>' | '<=' | '>=';

export interface Comparison extends Span {
  kind: 'comparison';
  op: ComparisonOperator;
  left: Expression;
  right: Expression;
}

export interface Logical extends Span {
  kind: 'logical';
  op: 'AND' | 'OR';
  left: Expression;
  right: Expression;
}

export interface Not extends Span {
  kind: 'not';
  operand: Expression;
}

export interface IsNull extends Span {
  kind: 'isNull';
  operand: Expression;
  negated: boolean;
}

export interface InList extends Span {
  kind: 'inList';
  operand: Expression;
  list: Expression[];
  negated: boolean;
}

export interface InQuery extends Span {
  kind: 'inQuery';
  operand: Expression;
  query: Query;
  negated: boolean;
}

export interface Between extends Span {
  kind: 'between';
  operand: Expression;
  low: Expression;
  high: Expression;
  negated: boolean;
}

export interface Like extends Span {
  kind: 'like';
  operand: Expression;
  pattern: Expression;
  escape: Expression | null;
  negated: boolean;
}

export interface Exists extends Span {
  kind: 'exists';
  query: Query;
}

/** Simple CASE (operand set, `when` are values) or searched CASE (operand null, `when` are conditions). */
export interface Case extends Span {
  kind: 'case';
  operand: Expression | null;
  whens: { when: Expression; then: Expression }[];
  else: Expression | null;
}

export interface Cast extends Span {
  kind: 'cast';
  syntax: 'CAST' | 'CONVERT' | 'TRY_CAST' | 'TRY_CONVERT';
  operand: Expression;
  type: DataType;
  /** CONVERT's third argument. */
  style: Expression | null;
}

/** PARSE / TRY_PARSE (string AS type [USING culture]). */
export interface Parse extends Span {
  kind: 'parse';
  /** TRY_PARSE: NULL instead of an error. */
  try: boolean;
  operand: Expression;
  type: DataType;
  culture: Expression | null;
}

export interface FunctionCall extends Span {
  kind: 'call';
  /** `GETDATE`, `dbo.f`, `sys.fn_my_permissions`: one to three parts. */
  name: Identifier[];
  args: Expression[];
  /** COUNT(*). */
  star: boolean;
  /** COUNT(DISTINCT x). */
  distinct: boolean;
  over: WindowSpec | null;
  /** STRING_AGG(...) WITHIN GROUP (ORDER BY ...): the order of the aggregated values. */
  withinGroup?: OrderItem[];
  /** CURRENT_TIMESTAMP, CURRENT_USER, SESSION_USER, SYSTEM_USER, USER: no parentheses. */
  niladic: boolean;
}

export interface WindowSpec extends Span {
  partitionBy: Expression[];
  orderBy: OrderItem[];
  /** ROWS or RANGE: the rows of the partition the function sees; none: SQL Server's default frame. */
  frame: WindowFrame | null;
}

/** ROWS|RANGE BETWEEN from AND to; the short form (ROWS 2 PRECEDING) goes to the current row. */
export interface WindowFrame extends Span {
  unit: 'ROWS' | 'RANGE';
  from: FrameBound;
  to: FrameBound;
}

export interface FrameBound extends Span {
  kind: 'UNBOUNDED PRECEDING' | 'PRECEDING' | 'CURRENT ROW' | 'FOLLOWING' | 'UNBOUNDED FOLLOWING';
  /** n of n PRECEDING / n FOLLOWING. */
  offset: number | null;
}

export interface Subquery extends Span {
  kind: 'subquery';
  query: Query;
}

// ---- queries ----------------------------------------------------------------------------------

/** A complete query: CTEs, a body of SELECTs combined by set operators, ORDER BY, OFFSET/FETCH. */
export interface Query extends Span {
  kind: 'query';
  ctes: CommonTableExpression[];
  body: QueryBody;
  orderBy: OrderItem[];
  offset: Expression | null;
  fetch: Expression | null;
  /** OPTION (MAXRECURSION n): how many levels a recursive CTE of this query may go (SQL Server's default 100; 0: no limit). */
  maxRecursion?: number;
  /** FOR XML PATH: the rows as one XML text. */
  forXml?: ForXml;
  /** FOR JSON PATH: the rows as one JSON text. */
  forJson?: ForJson;
}

export interface ForJson extends Span {
  /** ROOT[('name')]: the array as the one property of an object. */
  root: string | null;
  /** INCLUDE_NULL_VALUES: NULLs as null properties, not left out. */
  includeNulls: boolean;
  /** WITHOUT_ARRAY_WRAPPER: the objects without the [ ] around them. */
  withoutArray: boolean;
}

export interface ForXml extends Span {
  /** The element around each row: PATH's name, 'row' when PATH has none, '' for no element. */
  element: string;
  /** TYPE: the result is xml (read with .value()), not text. */
  type: boolean;
  /** ROOT[('name')]: one element around all the rows. */
  root: string | null;
}

export type QueryBody = Select | SetOperation | ParenthesizedQuery;

export interface ParenthesizedQuery extends Span {
  kind: 'parenthesized';
  query: Query;
}

export interface SetOperation extends Span {
  kind: 'setOperation';
  op: 'UNION' | 'UNION ALL' | 'EXCEPT' | 'INTERSECT';
  left: QueryBody;
  right: QueryBody;
}

export interface CommonTableExpression extends Span {
  name: Identifier;
  columns: Identifier[];
  query: Query;
}

export interface Select extends Span {
  kind: 'select';
  distinct: boolean;
  top: Top | null;
  items: SelectItem[];
  into: ObjectName | null;
  from: TableSource[];
  where: Expression | null;
  groupBy: Expression[];
  /** ROLLUP, CUBE or GROUPING SETS over the groupBy expressions (each set as their indexes); absent: plain GROUP BY. */
  grouping?: { kind: 'ROLLUP' | 'CUBE' } | { kind: 'GROUPING SETS'; sets: number[][] };
  having: Expression | null;
}

export interface Top extends Span {
  count: Expression;
  percent: boolean;
  withTies: boolean;
}

export type SelectItem = SelectExpression | SelectAssignment;

/** `expr`, `expr AS alias`, `expr alias`, `alias = expr`, `*`, `t.*`. */
export interface SelectExpression extends Span {
  kind: 'expression';
  expr: Expression;
  alias: Identifier | null;
}

/** `@v = expr` (also `+=` and the other compound operators). */
export interface SelectAssignment extends Span {
  kind: 'assignment';
  variable: VariableRef;
  op: AssignmentOperator;
  expr: Expression;
}

export type AssignmentOperator = '=' | '+=' | '-=' | '*=' | '/=' | '%=' | '&=' | '|=' | '^=';

export interface OrderItem extends Span {
  expr: Expression;
  descending: boolean;
}

export type TableSource = NamedTable | TableVariableSource | DerivedTable | TableFunction | Join | PivotTable | UnpivotTable | OpenJson;

/** OPENJSON(json [, path]) [WITH (column type ['path'] [AS JSON], ...)] [AS] alias. */
export interface OpenJson extends Span {
  kind: 'openJson';
  json: Expression;
  path: Expression | null;
  /** The WITH clause's columns; null: the default key, value and type. */
  columns: OpenJsonColumn[] | null;
  alias: Identifier | null;
}

export interface OpenJsonColumn extends Span {
  name: Identifier;
  type: DataType;
  /** The JSON path of the value; null: $.name. */
  path: string | null;
  /** AS JSON: the object or array itself, as text. */
  asJson: boolean;
}

/** `source PIVOT (agg(value) FOR column IN ([a], [b])) AS alias`: a row per group, a column per listed value. */
export interface PivotTable extends Span {
  kind: 'pivot';
  source: TableSource;
  aggregate: FunctionCall;
  pivotColumn: ColumnRef;
  /** The listed values, each also the name of its column. */
  values: Identifier[];
  alias: Identifier;
}

/** `source UNPIVOT (value FOR name IN (a, b)) AS alias`: a row per listed column that is not NULL. */
export interface UnpivotTable extends Span {
  kind: 'unpivot';
  source: TableSource;
  valueColumn: Identifier;
  nameColumn: Identifier;
  columns: Identifier[];
  alias: Identifier;
}

export interface NamedTable extends Span {
  kind: 'table';
  name: ObjectName;
  alias: Identifier | null;
  sample: TableSample | null;
}

/** TABLESAMPLE (n PERCENT | n ROWS) REPEATABLE (seed). */
export interface TableSample extends Span {
  amount: Expression;
  unit: 'PERCENT' | 'ROWS';
  seed: Expression | null;
}

export interface TableVariableSource extends Span {
  kind: 'tableVariable';
  variable: VariableRef;
  alias: Identifier | null;
}

export interface DerivedTable extends Span {
  kind: 'derived';
  query: Query;
  alias: Identifier;
  columns: Identifier[];
}

/** A table-valued function: `fn_my_permissions(NULL, 'DATABASE')`. */
export interface TableFunction extends Span {
  kind: 'function';
  name: ObjectName;
  args: Expression[];
  alias: Identifier | null;
}

export interface Join extends Span {
  kind: 'join';
  type: 'INNER' | 'LEFT' | 'RIGHT' | 'FULL' | 'CROSS' | 'CROSS APPLY' | 'OUTER APPLY';
  left: TableSource;
  right: TableSource;
  /** Null for CROSS JOIN and APPLY. */
  on: Expression | null;
}

// ---- statements -------------------------------------------------------------------------------

export type Statement =
  | SelectStatement
  | InsertStatement
  | UpdateStatement
  | DeleteStatement
  | MergeStatement
  | TruncateStatement
  | DeclareStatement
  | DeclareCursorStatement
  | CursorStatement
  | SetVariableStatement
  | SetOptionStatement
  | PrintStatement
  | IfStatement
  | WhileStatement
  | BlockStatement
  | TryCatchStatement
  | BreakStatement
  | ContinueStatement
  | ReturnStatement
  | WaitForStatement
  | ThrowStatement
  | RaiserrorStatement
  | TransactionStatement
  | UseStatement
  | CreateDatabaseStatement
  | DropDatabaseStatement
  | CreateSchemaStatement
  | CreateTableStatement
  | AlterTableStatement
  | DropTableStatement
  | CreateProcedureStatement
  | DropProcedureStatement
  | CreateViewStatement
  | CreateFunctionStatement
  | DropModuleStatement
  | ExecuteStatement
  | ExecuteStringStatement
  | CreateLoginStatement
  | AlterLoginStatement
  | CreateUserStatement
  | CreateRoleStatement
  | DropPrincipalStatement
  | AlterRoleStatement
  | PermissionStatement
  | ExecuteAsStatement
  | RevertStatement
  | ReconfigureStatement
  | ExternalResourcePoolStatement
  | ResourcePoolStatement
  | WorkloadGroupStatement
  | AlterResourceGovernorStatement
  | CreateExternalLanguageStatement
  | DropExternalLanguageStatement
  | ExternalLibraryStatement
  | UnsupportedStatement;

/** SELECT, including the assignment form (`SELECT @v = ...`) and `SELECT ... INTO`. */
export interface SelectStatement extends Span {
  kind: 'select';
  query: Query;
}

export interface InsertStatement extends Span {
  kind: 'insert';
  target: ObjectName | VariableRef;
  columns: Identifier[];
  output: OutputClause | null;
  source: InsertSource;
}

/** OUTPUT inserted.… | deleted.… [INTO target [(columns)]]: the rows an INSERT, UPDATE or DELETE changed, as it left them. */
export interface OutputClause extends Span {
  items: SelectExpression[];
  into: ({ target: ObjectName | VariableRef; columns: Identifier[] } & Span) | null;
}

export type InsertSource =
  | ({ kind: 'values'; rows: (Expression | DefaultValue)[][] } & Span)
  | ({ kind: 'query'; query: Query } & Span)
  | ({ kind: 'execute'; statement: ExecuteStatement | ExecuteStringStatement } & Span)
  | ({ kind: 'defaultValues' } & Span);

export interface UpdateStatement extends Span {
  kind: 'update';
  /** WITH ... UPDATE: common table expressions its FROM, SET and WHERE may read (never its target). */
  ctes: CommonTableExpression[];
  /** A table, a table variable, or an alias defined in FROM. */
  target: ObjectName | VariableRef;
  assignments: UpdateAssignment[];
  output: OutputClause | null;
  from: TableSource[];
  where: Expression | null;
}

export interface UpdateAssignment extends Span {
  /** A column (possibly qualified) or a variable. */
  target: ColumnRef | VariableRef;
  op: AssignmentOperator;
  value: Expression | DefaultValue;
}

/** DEFAULT in VALUES, UPDATE SET and EXEC arguments. */
export interface DefaultValue extends Span {
  kind: 'default';
}

export interface DeleteStatement extends Span {
  kind: 'delete';
  /** WITH ... DELETE: common table expressions its FROM and WHERE may read (never its target). */
  ctes: CommonTableExpression[];
  target: ObjectName | VariableRef;
  output: OutputClause | null;
  from: TableSource[];
  where: Expression | null;
}

/** MERGE [INTO] target [AS alias] USING source ON condition WHEN ... THEN ...; */
export interface MergeStatement extends Span {
  kind: 'merge';
  target: ObjectName | VariableRef;
  alias: Identifier | null;
  source: TableSource;
  on: Expression;
  clauses: MergeClause[];
}

export interface MergeClause extends Span {
  when: 'MATCHED' | 'NOT MATCHED BY TARGET' | 'NOT MATCHED BY SOURCE';
  /** WHEN ... AND condition. */
  condition: Expression | null;
  action: MergeAction;
}

export type MergeAction =
  | { kind: 'update'; assignments: UpdateAssignment[] }
  | { kind: 'delete' }
  /** INSERT [(columns)] VALUES (...) or DEFAULT VALUES (values null). */
  | { kind: 'insert'; columns: Identifier[]; values: (Expression | DefaultValue)[] | null };

export interface TruncateStatement extends Span {
  kind: 'truncate';
  table: ObjectName;
}

export interface DeclareStatement extends Span {
  kind: 'declare';
  variables: VariableDeclaration[];
}

export type VariableDeclaration =
  | ({ kind: 'scalar'; name: VariableRef; type: DataType; value: Expression | null } & Span)
  | ({ kind: 'table'; name: VariableRef; definition: TableDefinition } & Span);

/**
 * DECLARE name CURSOR, in the ISO form (INSENSITIVE, SCROLL) or T-SQL's (LOCAL/GLOBAL,
 * FORWARD_ONLY/SCROLL, STATIC/KEYSET/DYNAMIC/FAST_FORWARD, READ_ONLY/SCROLL_LOCKS/OPTIMISTIC,
 * TYPE_WARNING), with its query and FOR READ ONLY / FOR UPDATE [OF ...].
 */
export interface DeclareCursorStatement extends Span {
  kind: 'declareCursor';
  name: Identifier;
  /** null: neither LOCAL nor GLOBAL written (the database default, GLOBAL). */
  scope: 'local' | 'global' | null;
  /** Whether FETCH may move other than NEXT (SCROLL, or STATIC/KEYSET/DYNAMIC without FORWARD_ONLY). */
  scrollable: boolean;
  /** How SQL Server would keep the rows: STATIC and KEYSET know their count at OPEN (@@CURSOR_ROWS), DYNAMIC does not. */
  style: 'static' | 'keyset' | 'dynamic';
  query: SelectStatement;
}

export type FetchOrientation = 'next' | 'prior' | 'first' | 'last' | 'absolute' | 'relative';

/** OPEN, FETCH, CLOSE and DEALLOCATE of a named cursor (`GLOBAL name` picks the global one of that name). */
export type CursorStatement =
  | ({ kind: 'openCursor' | 'closeCursor' | 'deallocateCursor'; cursor: CursorName } & Span)
  | ({ kind: 'fetchCursor'; cursor: CursorName; orientation: FetchOrientation; offset: Expression | null; into: VariableRef[] | null } & Span);

export interface CursorName extends Identifier {
  global: boolean;
}

export interface SetVariableStatement extends Span {
  kind: 'setVariable';
  variable: VariableRef;
  op: AssignmentOperator;
  value: Expression;
}

/** SET NOCOUNT ON, SET ANSI_NULLS, QUOTED_IDENTIFIER ON, SET TRANSACTION ISOLATION LEVEL ..., SET DATEFORMAT dmy. */
export interface SetOptionStatement extends Span {
  kind: 'setOption';
  /** Upper case; several for `SET A, B ON`. 'STATISTICS IO', 'TRANSACTION ISOLATION LEVEL', 'IDENTITY_INSERT'. */
  options: string[];
  /** 'ON', 'OFF', or the value as written ('dmy', '10', 'READ COMMITTED', '@v'). */
  value: string;
  /** SET IDENTITY_INSERT t ON: the table. */
  table: ObjectName | null;
}

export interface PrintStatement extends Span {
  kind: 'print';
  value: Expression;
}

export interface IfStatement extends Span {
  kind: 'if';
  condition: Expression;
  then: Statement;
  else: Statement | null;
}

export interface WhileStatement extends Span {
  kind: 'while';
  condition: Expression;
  body: Statement;
}

export interface BlockStatement extends Span {
  kind: 'block';
  statements: Statement[];
}

export interface TryCatchStatement extends Span {
  kind: 'tryCatch';
  try: Statement[];
  catch: Statement[];
}

export interface BreakStatement extends Span {
  kind: 'break';
}

export interface ContinueStatement extends Span {
  kind: 'continue';
}

export interface ReturnStatement extends Span {
  kind: 'return';
  value: Expression | null;
}

export interface WaitForStatement extends Span {
  kind: 'waitFor';
  delay: Expression;
}

/** THROW number, message, state; or a bare THROW (re-throw inside CATCH). */
export interface ThrowStatement extends Span {
  kind: 'throw';
  error: { number: Expression; message: Expression; state: Expression } | null;
}

export interface RaiserrorStatement extends Span {
  kind: 'raiserror';
  message: Expression;
  severity: Expression;
  state: Expression;
  args: Expression[];
  /** Upper case: 'NOWAIT', 'LOG', 'SETERROR'. */
  options: string[];
}

export interface TransactionStatement extends Span {
  kind: 'transaction';
  action: 'begin' | 'commit' | 'rollback' | 'save';
  name: Identifier | VariableRef | null;
}

export interface UseStatement extends Span {
  kind: 'use';
  database: Identifier;
}

export interface CreateDatabaseStatement extends Span {
  kind: 'createDatabase';
  name: Identifier;
  collation: Identifier | null;
}

export interface DropDatabaseStatement extends Span {
  kind: 'dropDatabase';
  ifExists: boolean;
  names: Identifier[];
}

export interface CreateSchemaStatement extends Span {
  kind: 'createSchema';
  name: Identifier;
  owner: Identifier | null;
}

export interface CreateTableStatement extends Span {
  kind: 'createTable';
  name: ObjectName;
  definition: TableDefinition;
}

/** The parenthesised part of CREATE TABLE and DECLARE @t TABLE. */
export interface TableDefinition extends Span {
  columns: ColumnDefinition[];
  constraints: TableConstraint[];
}

/** ALTER TABLE: columns added, dropped, or given another type or nullability. */
export interface AlterTableStatement extends Span {
  kind: 'alterTable';
  table: ObjectName;
  action: AlterTableAction;
}

export type AlterTableAction =
  /** ADD c type ... [WITH VALUES]: WITH VALUES puts a nullable column's default in the rows already there. */
  | ({ kind: 'addColumns'; columns: { definition: ColumnDefinition; withValues: boolean }[] } & Span)
  | ({ kind: 'dropColumns'; ifExists: boolean; columns: Identifier[] } & Span)
  /** ALTER COLUMN c type [COLLATE x] [NULL | NOT NULL]: not saying NOT NULL makes the column nullable. */
  | ({ kind: 'alterColumn'; column: Identifier; type: DataType; collation: Identifier | null; nullable: boolean } & Span);

export interface ColumnDefinition extends Span {
  name: Identifier;
  type: DataType;
  /** NULL / NOT NULL as written; null when not said (SQL Server then allows NULL). */
  nullable: boolean | null;
  identity: { seed: number; increment: number } | null;
  default: Expression | null;
  /** COLLATE written on the column. */
  collation: Identifier | null;
  /** Constraints written on the column itself. */
  constraints: TableConstraint[];
}

export type TableConstraint =
  | ({ kind: 'primaryKey'; name: Identifier | null; columns: Identifier[] } & Span)
  | ({ kind: 'unique'; name: Identifier | null; columns: Identifier[] } & Span)
  | ({ kind: 'check'; name: Identifier | null; condition: Expression } & Span)
  | ({ kind: 'foreignKey'; name: Identifier | null; columns: Identifier[]; references: ObjectName; referencedColumns: Identifier[] } & Span);

export interface DropTableStatement extends Span {
  kind: 'dropTable';
  ifExists: boolean;
  names: ObjectName[];
}

export interface CreateProcedureStatement extends Span {
  kind: 'createProcedure';
  mode: 'create' | 'alter' | 'createOrAlter';
  name: ObjectName;
  parameters: ProcedureParameter[];
  /** Upper case WITH options as written: 'RECOMPILE', 'ENCRYPTION', 'EXECUTE AS OWNER'. */
  options: string[];
  body: Statement[];
  /** The source range of the body: after AS to the end of the batch. */
  bodyStart: number;
  bodyEnd: number;
}

export interface ProcedureParameter extends Span {
  name: VariableRef;
  type: DataType;
  default: Expression | null;
  output: boolean;
  readonly: boolean;
}

export interface DropProcedureStatement extends Span {
  kind: 'dropProcedure';
  ifExists: boolean;
  names: ObjectName[];
}

/** CREATE [OR ALTER] VIEW / ALTER VIEW name [(columns)] [WITH options] AS query [WITH CHECK OPTION]. */
export interface CreateViewStatement extends Span {
  kind: 'createView';
  mode: 'create' | 'alter' | 'createOrAlter';
  name: ObjectName;
  columns: Identifier[];
  query: Query;
}

/** A scalar function's body (BEGIN ... RETURN ... END) or an inline table-valued function's query. */
export type FunctionBody =
  | ({ kind: 'scalar'; returns: DataType; statements: Statement[] } & Span)
  | ({ kind: 'inline'; query: Query } & Span);

/** CREATE [OR ALTER] FUNCTION / ALTER FUNCTION: scalar and inline table-valued user functions. */
export interface CreateFunctionStatement extends Span {
  kind: 'createFunction';
  mode: 'create' | 'alter' | 'createOrAlter';
  name: ObjectName;
  parameters: ProcedureParameter[];
  body: FunctionBody;
}

/** DROP VIEW / DROP FUNCTION [IF EXISTS] names. */
export interface DropModuleStatement extends Span {
  kind: 'dropModule';
  what: 'VIEW' | 'FUNCTION';
  ifExists: boolean;
  names: ObjectName[];
}

/** EXEC [@rc =] proc args [WITH RESULT SETS ...]; also a procedure named first in a batch without EXEC. */
export interface ExecuteStatement extends Span {
  kind: 'execute';
  returnVariable: VariableRef | null;
  /** The procedure, or a variable holding its name (EXEC @name). */
  procedure: ObjectName | VariableRef;
  args: ExecuteArgument[];
  resultSets: ResultSetsClause | null;
  recompile: boolean;
}

export interface ExecuteArgument extends Span {
  /** `@p = value`: the parameter name with its '@'; null when positional. */
  name: string | null;
  /** A constant, a variable, DEFAULT, or a bare word (taken as a string, as SQL Server does). */
  value: Expression | DefaultValue;
  output: boolean;
}

export type ResultSetsClause =
  | ({ kind: 'undefined' } & Span)
  | ({ kind: 'none' } & Span)
  | ({ kind: 'sets'; sets: ResultSetDefinition[] } & Span);

export interface ResultSetDefinition extends Span {
  columns: ResultSetColumn[];
}

export interface ResultSetColumn extends Span {
  name: Identifier;
  type: DataType;
  nullable: boolean | null;
}

/** EXEC ('SELECT ...' + @x): dynamic SQL. */
export interface ExecuteStringStatement extends Span {
  kind: 'executeString';
  parts: Expression[];
}

export interface CreateLoginStatement extends Span {
  kind: 'createLogin';
  name: Identifier;
  /** WITH PASSWORD = '...' (a SQL login) or FROM WINDOWS / FROM OS (an OS login: peer credentials). */
  source: { kind: 'password'; password: StringLiteral; mustChange: boolean } | { kind: 'os' };
  options: OptionSetting[];
}

/** ALTER LOGIN name { ENABLE | DISABLE | WITH ... }. */
export interface AlterLoginStatement extends Span {
  kind: 'alterLogin';
  name: Identifier;
  /** ENABLE (true) or DISABLE (false); null for the WITH form. */
  enable: boolean | null;
  /** WITH PASSWORD = '...' [OLD_PASSWORD = '...'] [MUST_CHANGE] [UNLOCK]. */
  password: { value: StringLiteral; oldPassword: StringLiteral | null; mustChange: boolean; unlock: boolean } | null;
  /** The other settings of the WITH form (CHECK_POLICY = OFF, DEFAULT_DATABASE = db, ...). */
  options: OptionSetting[];
}

export interface CreateUserStatement extends Span {
  kind: 'createUser';
  name: Identifier;
  /** FOR/FROM LOGIN x; null with WITHOUT LOGIN or when not said (then a login of the same name). */
  login: Identifier | null;
  withoutLogin: boolean;
  defaultSchema: Identifier | null;
}

export interface CreateRoleStatement extends Span {
  kind: 'createRole';
  name: Identifier;
  owner: Identifier | null;
}

/** DROP LOGIN / USER / ROLE, and DROP SCHEMA (also a securable owned by a principal). */
export interface DropPrincipalStatement extends Span {
  kind: 'dropPrincipal';
  what: 'LOGIN' | 'USER' | 'ROLE' | 'SCHEMA';
  ifExists: boolean;
  name: Identifier;
}

/** ALTER ROLE r ADD|DROP MEMBER m; ALTER SERVER ROLE likewise. */
export interface AlterRoleStatement extends Span {
  kind: 'alterRole';
  server: boolean;
  role: Identifier;
  action: 'add' | 'drop';
  member: Identifier;
}

/** GRANT, DENY and REVOKE. */
export interface PermissionStatement extends Span {
  kind: 'permission';
  action: 'GRANT' | 'DENY' | 'REVOKE';
  permissions: Permission[];
  /** Null for database- and server-level permissions (no ON clause). */
  on: Securable | null;
  principals: Identifier[];
  withGrantOption: boolean;
  /** REVOKE GRANT OPTION FOR. */
  grantOptionFor: boolean;
  cascade: boolean;
  as: Identifier | null;
}

export interface Permission extends Span {
  /** Upper case, words joined by one space: 'SELECT', 'EXECUTE ANY EXTERNAL SCRIPT', 'ALL'. */
  name: string;
  columns: Identifier[];
}

export interface Securable extends Span {
  /** Upper case: 'OBJECT' (also when no class is written), 'SCHEMA', 'DATABASE', 'EXTERNAL LANGUAGE', 'LOGIN', 'USER', 'ROLE', 'SERVER ROLE'. */
  class: string;
  /** Whether `class::` was written. */
  explicitClass: boolean;
  name: ObjectName;
}

export interface ExecuteAsStatement extends Span {
  kind: 'executeAs';
  principal: 'LOGIN' | 'USER' | 'CALLER';
  name: Expression | null;
  noRevert: boolean;
  cookie: VariableRef | null;
}

export interface RevertStatement extends Span {
  kind: 'revert';
  cookie: Expression | null;
}

export interface ReconfigureStatement extends Span {
  kind: 'reconfigure';
  withOverride: boolean;
}

/** CREATE / ALTER / DROP EXTERNAL RESOURCE POOL. */
export interface ExternalResourcePoolStatement extends Span {
  kind: 'externalResourcePool';
  action: 'create' | 'alter' | 'drop';
  name: Identifier;
  /** MAX_CPU_PERCENT, MAX_MEMORY_PERCENT, MAX_PROCESSES, 'AFFINITY CPU', 'AFFINITY NUMANODE'. */
  options: OptionSetting[];
}

export interface AlterResourceGovernorStatement extends Span {
  kind: 'alterResourceGovernor';
  action: 'reconfigure' | 'disable' | 'resetStatistics' | 'classifier';
  /** WITH (CLASSIFIER_FUNCTION = schema.name | NULL): the function, null for NULL. */
  classifier?: ObjectName | null;
}

/** CREATE / ALTER / DROP RESOURCE POOL (the engine's own pools, which workload groups use). */
export interface ResourcePoolStatement extends Span {
  kind: 'resourcePool';
  action: 'create' | 'alter' | 'drop';
  name: Identifier;
  options: OptionSetting[];
}

/** CREATE / ALTER / DROP WORKLOAD GROUP name [WITH (...)] [USING pool [, EXTERNAL external_pool]]. */
export interface WorkloadGroupStatement extends Span {
  kind: 'workloadGroup';
  action: 'create' | 'alter' | 'drop';
  name: Identifier;
  options: OptionSetting[];
  pool: Identifier | null;
  externalPool: Identifier | null;
}

export interface CreateExternalLanguageStatement extends Span {
  kind: 'createExternalLanguage';
  name: Identifier;
  owner: Identifier | null;
  /** One option list per file specification: CONTENT, FILE_NAME, PLATFORM, PARAMETERS, ENVIRONMENT_VARIABLES. */
  files: OptionSetting[][];
}

export interface DropExternalLanguageStatement extends Span {
  kind: 'dropExternalLanguage';
  name: Identifier;
}

/**
 * CREATE EXTERNAL LIBRARY name [AUTHORIZATION owner] FROM (CONTENT = ... [, PLATFORM = ...]) [, ...]
 * WITH (LANGUAGE = ...); ALTER EXTERNAL LIBRARY name [AUTHORIZATION owner] SET (CONTENT = ...)
 * WITH (LANGUAGE = ...); DROP EXTERNAL LIBRARY name [AUTHORIZATION owner].
 */
export interface ExternalLibraryStatement extends Span {
  kind: 'externalLibrary';
  action: 'create' | 'alter' | 'drop';
  name: Identifier;
  owner: Identifier | null;
  /** One option list per file specification (none for DROP). */
  files: OptionSetting[][];
  /** WITH (...) settings: LANGUAGE (none for DROP). */
  options: OptionSetting[];
}

/** `NAME = value` inside WITH (...) or FROM (...) option lists. */
export interface OptionSetting extends Span {
  /** Upper case; several words joined by one space ('AFFINITY CPU'). */
  name: string;
  value: OptionValue;
}

export type OptionValue =
  | ({ kind: 'number'; value: number } & Span)
  | ({ kind: 'string'; value: string } & Span)
  | ({ kind: 'binary'; hex: string } & Span)
  /** A word such as ON, OFF, AUTO, LINUX, or a name (DEFAULT_DATABASE = master). */
  | ({ kind: 'word'; value: string } & Span)
  /** A parenthesised value kept as written: AFFINITY CPU = (0 TO 3). */
  | ({ kind: 'raw'; text: string } & Span);

/**
 * Valid T-SQL that the embedded instance does not run (MERGE, cursors, CREATE VIEW, ...). The
 * batch still compiles, as it would in SQL Server; running this statement is an error.
 */
export interface UnsupportedStatement extends Span {
  kind: 'unsupported';
  /** What to name in the error: 'MERGE', 'CREATE VIEW', 'cursors'. */
  what: string;
}
