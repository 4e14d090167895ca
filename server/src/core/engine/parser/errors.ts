// Errors of the embedded instance in SQL Server's own shape: a message number, a severity level,
// a state and the text, positioned by offsets into the parsed text. The executor turns the
// offset into "Line n" of the batch. They are values; nothing here throws.

export interface SqlError {
  number: number;
  level: number;
  state: number;
  message: string;
  start: number;
  end: number;
}

export function sqlError(number: number, level: number, state: number, message: string, start: number, end: number): SqlError {
  return { number, level, state, message, start, end };
}

/**
 * What the embedded instance can't run: a message of the instance's own, not SQL Server's. Its
 * number is in the range SQL Server leaves to user-defined messages (above 50000, RAISERROR's
 * default), where none of SQL Server's own messages can be; the instance has no sp_addmessage, so
 * no user message takes it either. 59001 is the embedded instance's "not supported", everywhere
 * (statements, expressions, TDS requests), always with the text "... not supported by ...".
 */
export const NOT_SUPPORTED = 59001;

export function notSupported(what: string, start: number, end: number): SqlError {
  return sqlError(NOT_SUPPORTED, 16, 1, `${what} is not supported by the embedded instance.`, start, end);
}

/** Msg 102 / 156: the token where parsing could not go on, as SQL Server names it. */
export function incorrectSyntax(near: string, keyword: boolean, start: number, end: number): SqlError {
  return keyword
    ? sqlError(156, 15, 1, `Incorrect syntax near the keyword '${near}'.`, start, end)
    : sqlError(102, 15, 1, `Incorrect syntax near '${near}'.`, start, end);
}
