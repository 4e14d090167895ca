// The checks sp_execute_external_script makes before anything runs, in SQL Server's order: the
// instance switch first (Msg 39023, whoever the caller is), then the caller's access to the
// database (Msg 916), then the permission to run the language (Msg 297). The @input_data_1 query
// is then checked by the executor like any query, with check() from evaluate.ts.
import { DATABASE_REF } from './securables';
import { decide, openScope } from './evaluate';
import { findExternalLanguage } from './lookup';
import { MESSAGES } from './messages';
import type { SecurityCatalog } from './model';
import { ALLOWED, refuse, type Verdict } from './outcome';
import type { SessionContext } from './session';

export interface ServerConfiguration {
  /** sp_configure 'external scripts enabled': its run_value (0 or 1). */
  readonly externalScriptsEnabled: number;
}

/**
 * EXECUTE EXTERNAL SCRIPT on EXTERNAL LANGUAGE::language, which EXECUTE ANY EXTERNAL SCRIPT on the
 * database implies (as do CONTROL on either and CONTROL SERVER); a DENY of either wins. A language
 * the catalog does not know is checked against EXECUTE ANY EXTERNAL SCRIPT alone (whether it exists
 * is the executor's question).
 */
export function checkExternalScriptExecution(
  catalog: SecurityCatalog,
  configuration: ServerConfiguration,
  session: SessionContext,
  database: string,
  language: string,
): Verdict {
  if (configuration.externalScriptsEnabled !== 1) return refuse(MESSAGES.externalScriptsDisabled());
  const opened = openScope(catalog, session, database);
  if (!opened.ok) return opened;
  const scope = opened.value;
  const known = findExternalLanguage(scope.db!, language);
  const decision = known
    ? decide(catalog, scope, { class: 'EXTERNAL LANGUAGE', language: known }, 'EXECUTE EXTERNAL SCRIPT')
    : decide(catalog, scope, DATABASE_REF, 'EXECUTE ANY EXTERNAL SCRIPT');
  return decision === 'granted' ? ALLOWED : refuse(MESSAGES.externalScriptPermissionDenied());
}
