// The statement parser of the embedded instance: T-SQL text to the AST of ../ast.ts.
export { parseBatch, parseScript, lineInBatch, type Batch, type ParseResult } from './parse';
export { NOT_SUPPORTED, notSupported, sqlError, type SqlError } from './errors';
