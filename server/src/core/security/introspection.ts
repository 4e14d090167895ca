// HAS_PERMS_BY_NAME and sys.fn_my_permissions: the effective permissions of the current context,
// as data the executor turns into a value or rows.
import { decide, openScope, serverScope, type PermissionScope } from './evaluate';
import { findDatabase, findObject, sameName } from './lookup';
import type { SecurityCatalog } from './model';
import { BUILTIN_PERMISSIONS, COLUMN_PERMISSIONS, normalizeKeywords, permissionRule, type SecurableClass } from './permissions';
import { resolveSecurable, type SecurableName, type SecurableRef } from './securables';
import type { SessionContext } from './session';
import type { SqlBit } from './identity';

const CLASSES: readonly SecurableClass[] = ['SERVER', 'LOGIN', 'SERVER ROLE', 'DATABASE', 'SCHEMA', 'OBJECT', 'USER', 'ROLE', 'EXTERNAL LANGUAGE'];

function securableClass(text: string): SecurableClass | undefined {
  const name = normalizeKeywords(text);
  return CLASSES.find((c) => c === name);
}

/** 'dbo.iris', '[dbo].[iris]', '"ml"."dbo"."iris"' -> its parts; undefined when malformed. */
function splitMultipartName(text: string): string[] | undefined {
  const parts: string[] = [];
  let i = 0;
  while (i <= text.length) {
    let part = '';
    const open = text[i];
    if (open === '[' || open === '"') {
      const close = open === '[' ? ']' : '"';
      i++;
      for (;;) {
        if (i >= text.length) return undefined;
        if (text[i] === close && text[i + 1] === close) {
          part += close;
          i += 2;
        } else if (text[i] === close) {
          i++;
          break;
        } else part += text[i++];
      }
    } else {
      while (i < text.length && text[i] !== '.') part += text[i++];
      part = part.trim();
    }
    if (part === '' || (i < text.length && text[i] !== '.')) return undefined;
    parts.push(part);
    i++;
  }
  return parts;
}

interface Resolved {
  readonly scope: PermissionScope;
  readonly ref: SecurableRef;
}

/** undefined: not a valid securable (NULL); 'no-access': a database the session cannot enter (0). */
function resolveNamed(
  catalog: SecurityCatalog,
  session: SessionContext,
  currentDatabase: string,
  securable: string | null,
  cls: SecurableClass,
): Resolved | 'no-access' | undefined {
  if (cls === 'SERVER') return securable === null ? { scope: serverScope(catalog, session), ref: { class: 'SERVER' } } : undefined;
  if (securable === null && cls !== 'DATABASE') return undefined;
  if (cls === 'LOGIN' || cls === 'SERVER ROLE') {
    const ref = resolveSecurable(catalog, undefined, { class: cls, name: securable! });
    return ref && { scope: serverScope(catalog, session), ref };
  }
  const parts = securable === null ? [] : splitMultipartName(securable);
  if (!parts) return undefined;
  const maxParts = cls === 'OBJECT' ? 3 : 1;
  if (parts.length > maxParts) return undefined;
  const database = cls === 'DATABASE' ? (parts[0] ?? currentDatabase) : parts.length === 3 ? parts[0]! : currentDatabase;
  if (!findDatabase(catalog, database)) return undefined;
  const opened = openScope(catalog, session, database);
  if (!opened.ok) return 'no-access';
  const scope = opened.value;
  let name: SecurableName;
  if (cls === 'DATABASE') name = { class: 'DATABASE' };
  else if (cls === 'OBJECT') {
    const objectName = parts[parts.length - 1]!;
    // One-part names resolve in the user's default schema, then in dbo, as SQL Server does.
    const schema =
      parts.length > 1
        ? parts[parts.length - 2]!
        : [scope.identity!.user.defaultSchema ?? 'dbo', 'dbo'].find((s) => findObject(scope.db!, s, objectName)) ?? 'dbo';
    name = { class: 'OBJECT', schema, name: objectName };
  } else name = { class: cls, name: parts[0]! };
  const ref = resolveSecurable(catalog, scope.db, name);
  return ref && { scope, ref };
}

/**
 * HAS_PERMS_BY_NAME(securable, class, permission [, sub_securable, 'COLUMN']): 1 or 0, NULL for an
 * unknown class, a permission the class does not have, or a securable that does not exist.
 * 'ANY' asks whether any permission is held.
 */
export function hasPermsByName(
  catalog: SecurityCatalog,
  session: SessionContext,
  currentDatabase: string,
  securable: string | null,
  securableClassName: string,
  permission: string,
  subSecurable: string | null = null,
  subSecurableClass: string | null = null,
): SqlBit {
  const cls = securableClass(securableClassName);
  const wanted = normalizeKeywords(permission);
  if (!cls || (wanted !== 'ANY' && !permissionRule(cls, wanted))) return null;
  const hasSub = subSecurable !== null || subSecurableClass !== null;
  if (hasSub && (cls !== 'OBJECT' || subSecurable === null || normalizeKeywords(subSecurableClass ?? '') !== 'COLUMN')) return null;
  const resolved = resolveNamed(catalog, session, currentDatabase, securable, cls);
  if (resolved === 'no-access') return 0;
  if (!resolved) return null;
  let columnId = 0;
  if (hasSub && resolved.ref.class === 'OBJECT') {
    columnId = resolved.ref.object.columns.findIndex((c) => sameName(c, subSecurable!)) + 1;
    if (columnId === 0) return null;
  }
  const candidates = wanted === 'ANY' ? Object.keys(BUILTIN_PERMISSIONS[cls]) : [wanted];
  return candidates.some((p) => decide(catalog, resolved.scope, resolved.ref, p, columnId) === 'granted') ? 1 : 0;
}

/** A row of sys.fn_my_permissions. */
export interface MyPermissionRow {
  readonly entity_name: string;
  readonly subentity_name: string;
  readonly permission_name: string;
}

/**
 * sys.fn_my_permissions(securable, class): one row per permission the current context holds on the
 * securable, then, for an object, one per column permission on each column. Rows follow the
 * permission names' alphabetical order. Unknown classes and securables give no rows.
 */
export function fnMyPermissions(
  catalog: SecurityCatalog,
  session: SessionContext,
  currentDatabase: string,
  securable: string | null,
  securableClassName: string,
): MyPermissionRow[] {
  const cls = securableClass(securableClassName);
  const resolved = cls && resolveNamed(catalog, session, currentDatabase, securable, cls);
  if (!cls || !resolved || resolved === 'no-access') return [];
  const entity = cls === 'SERVER' ? 'server' : cls === 'DATABASE' ? 'database' : securable!;
  const rows: MyPermissionRow[] = Object.keys(BUILTIN_PERMISSIONS[cls])
    .sort()
    .filter((p) => decide(catalog, resolved.scope, resolved.ref, p) === 'granted')
    .map((p) => ({ entity_name: entity, subentity_name: '', permission_name: p }));
  if (resolved.ref.class === 'OBJECT') {
    for (const [index, column] of resolved.ref.object.columns.entries()) {
      for (const p of COLUMN_PERMISSIONS) {
        if (decide(catalog, resolved.scope, resolved.ref, p, index + 1) === 'granted') {
          rows.push({ entity_name: entity, subentity_name: column, permission_name: p });
        }
      }
    }
  }
  return rows;
}
