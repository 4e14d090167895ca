// OS users and groups as the instance's logins see them: whether a name is a user or a group
// (CREATE LOGIN ... FROM OS), a user's groups (a group login admits its members, as a Windows
// group login does) and a group's members. Read from /etc/passwd and /etc/group, no commands.
import type { OsAccounts } from '../../core/engine/executor/ports';
import { groupEntries, type GroupEntry } from '../osUsers';
import { lookupOsUser } from './instanceDaemon';

function readGroups(): GroupEntry[] {
  return [...groupEntries().values()];
}

/** The user's groups: its primary group and every group listing it as a member. */
export function groupsOfUser(user: string): string[] {
  const primary = lookupOsUser(user)?.gid;
  return readGroups()
    .filter((g) => g.gid === primary || g.members.includes(user))
    .map((g) => g.name);
}

export function membersOfGroup(group: string): string[] {
  return readGroups().find((g) => g.name === group)?.members ?? [];
}

export const systemOsAccounts: OsAccounts = {
  kind: (name) => (lookupOsUser(name) ? 'user' : readGroups().some((g) => g.name === name) ? 'group' : null),
};
