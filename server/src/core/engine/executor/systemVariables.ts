// The @@ functions the embedded instance answers, with SQL Server's types.
import { IDENTITY_VALUE, SCOPE_IDENTITY_PARAMETER } from '../translate/identityValue';
import type { SqlType } from '../translate/types';
import type { Frame } from './frame';
import type { SqlValue } from './ports';
import type { ExecutorSession } from './session';

export const PRODUCT_VERSION = '15.0.4000.0';

/** The instance's collation, which every database and every character column has. */
export const COLLATION = 'SQL_Latin1_General_CP1_CI_AS';

interface SystemVariable {
  type: SqlType;
  value(session: ExecutorSession, frame: Frame): SqlValue;
}

const SYSTEM_VARIABLES: Readonly<Record<string, SystemVariable>> = {
  '@@rowcount': { type: { name: 'int' }, value: (s) => s.rowCount },
  '@@error': { type: { name: 'int' }, value: (s) => s.lastError },
  '@@trancount': { type: { name: 'int' }, value: (s) => s.transactionCount },
  '@@spid': { type: { name: 'smallint' }, value: (s) => s.id },
  '@@nestlevel': { type: { name: 'int' }, value: (_, f) => f.depth },
  '@@servername': { type: { name: 'nvarchar', length: 128 }, value: (s) => s.instance.options.serverName },
  '@@servicename': { type: { name: 'nvarchar', length: 128 }, value: () => 'MSSQLSERVER' },
  '@@language': { type: { name: 'nvarchar', length: 128 }, value: () => 'us_english' },
  '@@identity': { type: IDENTITY_VALUE, value: (s) => s.lastIdentity },
  '@@fetch_status': { type: { name: 'int' }, value: (s) => s.fetchStatus },
  '@@cursor_rows': { type: { name: 'int' }, value: (s) => s.lastOpenedCursor?.reportedRows ?? 0 },
  [SCOPE_IDENTITY_PARAMETER]: { type: IDENTITY_VALUE, value: (_, f) => f.scopeIdentity },
  '@@version': {
    type: { name: 'nvarchar', length: 300 },
    value: () => `Microsoft SQL Server 2019 (compatible; sqlml embedded instance) - ${PRODUCT_VERSION} (X64)\n\tDuckDB storage on Linux`,
  },
};

export function systemVariableType(name: string): SqlType | null {
  return SYSTEM_VARIABLES[name.toLowerCase()]?.type ?? null;
}

export function systemVariable(session: ExecutorSession, frame: Frame, name: string): { type: SqlType; value: SqlValue } {
  const found = SYSTEM_VARIABLES[name.toLowerCase()];
  return found ? { type: found.type, value: found.value(session, frame) } : { type: { name: 'int' }, value: null };
}
