// The system programs the launcher runs, by absolute path, so that no PATH lookup (and no
// variable of the launcher's environment) decides what runs as root.
export const PROGRAMS = {
  sh: '/bin/sh',
  rm: '/bin/rm',
  cp: '/bin/cp',
  mkdir: '/bin/mkdir',
  mount: '/bin/mount',
  umount: '/bin/umount',
  setpriv: '/usr/bin/setpriv',
  unshare: '/usr/bin/unshare',
  prlimit: '/usr/bin/prlimit',
  useradd: '/usr/sbin/useradd',
  userdel: '/usr/sbin/userdel',
  usermod: '/usr/sbin/usermod',
  groupadd: '/usr/sbin/groupadd',
  groupdel: '/usr/sbin/groupdel',
} as const;
