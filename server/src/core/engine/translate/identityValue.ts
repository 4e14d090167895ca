// What SCOPE_IDENTITY() and @@IDENTITY are to the translator and the executor (executor/identity.ts
// keeps their values). A module of its own: the executor reads it without the translator's
// function tables, whose modules import one another.
import type { SqlType } from './types';

/** SCOPE_IDENTITY() and @@IDENTITY: numeric(38,0), as in SQL Server. */
export const IDENTITY_VALUE: SqlType = { name: 'numeric', precision: 38, scale: 0 };

/**
 * The parameter SCOPE_IDENTITY() reads, answered by the executor like an @@ variable; no variable
 * written in T-SQL can have its name (it holds a space).
 */
export const SCOPE_IDENTITY_PARAMETER = '@@scope identity';
