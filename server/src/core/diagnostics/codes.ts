// The one table of diagnostic codes. A code is never reused or renumbered: users put them in
// settings and suppressions. The README's table is generated from this one (npm run docs:codes).
import type { Severity } from './problems';

export interface CodeInfo {
  severity: Severity;
  /** One line for the README and hover docs. */
  doc: string;
}

export const CODES = {
  // 0xx: the file and its lexical forms
  SQLML001: { severity: 'error', doc: 'A string literal is not closed before the end of the batch or file.' },
  SQLML002: { severity: 'error', doc: 'A /* block comment */ is not closed.' },
  SQLML003: { severity: 'error', doc: 'A [bracketed] or "quoted" identifier is not closed.' },
  SQLML004: { severity: 'error', doc: 'The file is binary, not T-SQL text; nothing in it is checked.' },
  SQLML005: { severity: 'warning', doc: 'The file is larger than sqlml.analysis.maxFileSizeMB; it is not analysed.' },
  SQLML006: { severity: 'information', doc: 'The file is not valid UTF-8 and was read as Windows-1252.' },
  SQLML007: { severity: 'information', doc: 'Template placeholders (SQLCMD $(name), SSMS <name, type, value>, ${name}) or a pasted syntax diagram: checked as far as they allow, SSMS defaults substituted.' },

  // 1xx: the sp_execute_external_script call
  SQLML100: { severity: 'error', doc: 'The required parameter @language is not supplied (Msg 201).' },
  SQLML101: { severity: 'error', doc: 'The required parameter @script is not supplied (Msg 201).' },
  SQLML102: { severity: 'error', doc: 'A named argument is neither a parameter of sp_execute_external_script nor declared in @params (Msg 8145).' },
  SQLML103: { severity: 'error', doc: 'A parameter is supplied more than once (Msg 8143).' },
  SQLML104: { severity: 'error', doc: "A positional argument follows a named one (Msg 119)." },
  SQLML105: { severity: 'error', doc: 'The @language is not R or Python and no CREATE EXTERNAL LANGUAGE or setting declares it.' },
  SQLML106: { severity: 'error', doc: 'The @params declaration list does not parse.' },
  SQLML107: { severity: 'error', doc: 'A parameter declared in @params is not supplied a value.' },
  SQLML108: { severity: 'error', doc: 'An OUTPUT argument is passed for a parameter that @params does not declare OUTPUT (Msg 8162).' },
  SQLML109: { severity: 'warning', doc: 'A parameter declared OUTPUT in @params is passed without OUTPUT, so its value is not returned.' },
  SQLML110: { severity: 'error', doc: 'A parameter type in @params is one sp_execute_external_script does not support (datetime2, xml, sql_variant, ...).' },
  SQLML111: { severity: 'error', doc: '@parallel must be 0 or 1.' },
  SQLML112: { severity: 'error', doc: 'The parameter needs a newer SQL Server than sqlml.sqlServerVersion (the partition and order parameters are 2019+).' },
  SQLML113: { severity: 'error', doc: 'WITH RESULT SETS cannot be used in INSERT ... EXEC.' },
  SQLML114: { severity: 'error', doc: '@input_data_1_name or @output_data_1_name is not a valid identifier in the script language.' },
  SQLML115: { severity: 'warning', doc: 'The script reads the input data name, but no @input_data_1 query is given.' },
  SQLML116: { severity: 'warning', doc: 'A result set is declared, but the script never assigns the output data name.' },
  SQLML117: { severity: 'information', doc: 'The value cannot be known before the statement runs (a parameter or a query), so its content is not checked.' },
  SQLML118: { severity: 'error', doc: 'A variable is used but not declared in this batch (Msg 137).' },
  SQLML119: { severity: 'warning', doc: '@parallel = 1 streaming to the client needs WITH RESULT SETS and an output schema.' },
  SQLML120: { severity: 'error', doc: 'The call does not parse: an argument, a value or a WITH RESULT SETS clause is malformed (Msg 102).' },
  SQLML121: { severity: 'error', doc: 'An argument has the wrong kind of value for its parameter (a script or name given as a number, NULL for a required parameter).' },
  SQLML122: { severity: 'warning', doc: '@input_data_1_partition_by_columns or _order_by_columns is given without @input_data_1.' },
  SQLML123: { severity: 'error', doc: 'sp_execute_external_script is called without EXEC but is not the first statement of its batch (Msg 102); its script is still checked.' },
  SQLML124: { severity: 'error', doc: 'The @input_data_1 query uses a variable that @params does not declare (Msg 137 when it runs).' },
  SQLML125: { severity: 'warning', doc: 'The script spells the input or output data name with other letter case; R and Python names are case-sensitive.' },
  SQLML126: { severity: 'warning', doc: "The script loads one of Microsoft's proprietary packages (RevoScaleR, MicrosoftML, revoscalepy, microsoftml), which the embedded instance does not have; the message says what to use instead." },

  // 2xx: the embedded Python and R, checked by the real runtimes
  SQLML200: { severity: 'error', doc: 'The embedded Python does not compile (SyntaxError / IndentationError).' },
  SQLML201: { severity: 'warning', doc: 'The embedded Python uses a name that is never defined (pyflakes).' },
  SQLML202: { severity: 'hint', doc: 'Another static warning about the embedded Python (pyflakes: unused import, redefinition, ...).' },
  SQLML210: { severity: 'error', doc: "The embedded R does not parse (R's parse())." },
  SQLML290: { severity: 'information', doc: 'An embedded-language checker is not installed; the message says which Debian package provides it.' },

  // 3xx: pre-flight: what the instance says the caller may do, and what the script does
  SQLML300: { severity: 'warning', doc: "The instance has 'external scripts enabled' off: the call would fail with Msg 39023." },
  SQLML301: { severity: 'warning', doc: 'The login may not run external scripts in the database: no EXECUTE ANY EXTERNAL SCRIPT (nor EXECUTE EXTERNAL SCRIPT on the language) (Msg 297).' },
  SQLML302: { severity: 'warning', doc: 'The login lacks SELECT on a table that @input_data_1 or a loopback query of the script reads (Msg 229).' },
  SQLML303: { severity: 'warning', doc: 'The login lacks INSERT on the INSERT ... EXEC target, or a write permission a loopback query needs (Msg 229).' },
  SQLML304: { severity: 'warning', doc: 'A table the call reads or writes does not exist on the instance, or the login cannot see it (Msg 208).' },
  SQLML305: { severity: 'warning', doc: 'The login cannot use the database the call runs in (Msg 911, 916 or 4060).' },
  SQLML306: { severity: 'error', doc: '@input_data_1 reads an Always Encrypted column: scripts cannot receive such data (the runtime has no access to the keys).' },
  SQLML307: { severity: 'information', doc: 'The database uses TDE: data sent to or received from the external script is not protected by it.' },
  SQLML310: { severity: 'warning', doc: 'The script opens a trusted loopback connection, but the instance has no enabled login for the worker group (Msg 18456).' },
  SQLML311: { severity: 'warning', doc: 'The script writes a password in its text (connection string, URL or argument); use the trusted loopback instead.' },
  SQLML312: { severity: 'warning', doc: "The script reaches the network, which the satellites' sandbox blocks unless an administrator allows it for the pool." },
} as const satisfies Record<string, CodeInfo>;

export type DiagnosticCode = keyof typeof CODES;

export function defaultSeverity(code: DiagnosticCode): Severity {
  return CODES[code].severity;
}
