// Catalog names as the catalog procedures (sp_tables, sp_columns) match and order them under the
// instance's collation, which ignores case and not accents: a LIKE pattern (%, _, [a-c], [^x]),
// or with @fUsePattern = 0 the name itself.
import { sameName } from '../../security/lookup';
import { likeRegexSource } from '../translate/likePattern';

/** Whether a name matches; null (the parameter not given) matches every name. */
export function nameMatcher(pattern: string | null, usePattern: boolean): (name: string) => boolean {
  if (pattern === null) return () => true;
  if (!usePattern) return (name) => sameName(name, pattern);
  const regex = new RegExp(likeRegexSource(pattern, null), 'is');
  return (name) => regex.test(name);
}

/** Whether a pattern has a wildcard LIKE would read. */
export function hasWildcard(pattern: string | null): boolean {
  return pattern !== null && /[%_[]/.test(pattern);
}

const collator = new Intl.Collator('en', { sensitivity: 'accent' });

/** The order of ORDER BY on sysname values: case ignored, accents not. */
export function compareNames(a: string | null, b: string | null): number {
  return collator.compare(a ?? '', b ?? '');
}
