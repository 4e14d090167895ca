// HASHBYTES(algorithm, input): the hash of the input's bytes, as SQL Server takes them (nvarchar
// as UTF-16LE, varchar in code page 1252, binary as it is: stringBytes.ts), by DuckDB's md5, sha1
// and sha256. SQL Server's MD2, MD4 and SHA2_512 have no DuckDB function: named as a constant
// they are Msg 59001 before the statement runs; named by a variable, when the row is hashed.
import { NOT_SUPPORTED, notSupported } from '../parser/errors';
import { values, type BuiltinTable } from './builtin';
import { combine } from './expressions';
import { raiseSql, stop, unsupported } from './errors';
import { stringToBytes } from './stringBytes';
import { isBinary, isString, type SqlType } from './types';

/** The algorithms DuckDB computes, by SQL Server's name (SHA and SHA1 are the same). */
const HASHES: Readonly<Record<string, string>> = { MD5: 'md5', SHA: 'sha1', SHA1: 'sha1', SHA2_256: 'sha256' };
const NOT_COMPUTED = ['MD2', 'MD4', 'SHA2_512'];
const VARBINARY_8000: SqlType = { name: 'varbinary', length: 8000 };

export const HASH_FUNCTIONS: BuiltinTable = {
  HASHBYTES: {
    args: [2, 2],
    translate: (call, t) => {
      const [algorithm, input] = values(call, t);
      if (!isString(algorithm!.type)) stop(8116, 16, 1, `Argument data type ${algorithm!.type.name} is invalid for argument 1 of hashbytes function.`, call.args[0]!);
      if (!isString(input!.type) && !isBinary(input!.type)) stop(8116, 16, 1, `Argument data type ${input!.type.name} is invalid for argument 2 of hashbytes function.`, call.args[1]!);
      const bytes = isBinary(input!.type) ? input!.sql : stringToBytes(input!.sql, input!.type);
      const written = call.args[0]!;
      if (written.kind === 'string') {
        const name = written.value.trim().toUpperCase();
        if (NOT_COMPUTED.includes(name)) unsupported(`HASHBYTES with ${name}`, written);
        // An algorithm SQL Server does not know hashes to NULL.
        const fn = HASHES[name];
        return combine(fn ? `unhex(${fn}(${bytes}))` : 'CAST(NULL AS BLOB)', VARBINARY_8000, [input!]);
      }
      const name = `upper(trim(${algorithm!.sql}))`;
      const cases = Object.entries(HASHES).map(([k, fn]) => `WHEN '${k}' THEN unhex(${fn}(${bytes}))`);
      const refused = NOT_COMPUTED.map((k) => `WHEN '${k}' THEN ${raiseSql(NOT_SUPPORTED, 16, 1, [notSupported(`HASHBYTES with ${k}`, 0, 0).message])}`);
      return combine(`CASE ${name} ${[...cases, ...refused].join(' ')} END`, VARBINARY_8000, [algorithm!, input!]);
    },
  },
};
