// The worker prefix an instance gets when its creator names none. SQL Server names the worker
// group per instance (SQLRUserGroup for the default one, SQLRUserGroup<INSTANCE> for a named one),
// so instances never share workers; here too each instance has its own, and none takes the plain
// default 'sqlml', which `sqlml launcher exec` and provisioning use. Two instances, or an instance
// and `launcher exec`, then hold different pool locks and run scripts at the same time. Pure.

/** Linux user names: at most 32 characters; the pool's group is <prefix>users, so 27 at most. */
const MAX_PREFIX = 27;

/**
 * 'sqlml' + the instance name in the letters a user name may have + 4 hex digits of the instance
 * folder (instances in different folders may share a name: every test instance is 'instance').
 */
export function instanceWorkerPrefix(name: string, folder: string): string {
  const stem = name.toLowerCase().replace(/[^a-z0-9]/g, '');
  const tag = fnv1a(folder).toString(16).padStart(8, '0').slice(0, 4);
  return `sqlml${stem}`.slice(0, MAX_PREFIX - tag.length) + tag;
}

/** FNV-1a (32 bits): a spread-out number for a text, not a secret. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}
