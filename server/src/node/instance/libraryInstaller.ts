// Installs CREATE EXTERNAL LIBRARY packages, each into a folder of its own under the instance's
// external-libraries folder, without network and without pip: a Python wheel (or a zip of wheels)
// is unpacked, as installing a pure wheel amounts to; an R source or binary tarball goes through
// `R CMD INSTALL --library=<folder>`; an R binary zip is unpacked. R CMD INSTALL runs the
// package's own code (configure, its R files), so it runs in a bubblewrap sandbox that sees the
// system read-only, the tarball and the new folder, and no network. The folders are readable by
// the worker accounts: the launcher binds them read-only into the sessions that may see them.
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import type { InstallResult, LibraryInstaller, LibraryLanguage } from '../../core/engine/executor/externalLibraries';
import { readHostLayout } from '../launcher/sandbox';
import { runProgram, type ProgramResult } from '../launcher/runProgram';
import { isZip, readZip, type ZipEntry } from './zipArchive';

const BWRAP = '/usr/bin/bwrap';
const R = '/usr/bin/R';
const INSTALL_TIMEOUT_MS = 10 * 60_000;

export class FolderLibraryInstaller implements LibraryInstaller {
  constructor(private readonly root: string) {}

  async install(language: LibraryLanguage, name: string, content: Uint8Array): Promise<InstallResult> {
    await mkdir(this.root, { recursive: true, mode: 0o755 });
    await chmod(this.root, 0o755);
    const folder = join(this.root, randomUUID());
    await mkdir(folder, { mode: 0o755 });
    try {
      const problem = language === 'Python' ? await unpackPython(content, folder) : await installR(name, content, folder);
      if (problem) {
        await rm(folder, { recursive: true, force: true });
        return { ok: false, message: problem };
      }
      return { ok: true, folder };
    } catch (e) {
      await rm(folder, { recursive: true, force: true });
      return { ok: false, message: e instanceof Error ? e.message : String(e) };
    }
  }

  async readContent(path: string): Promise<{ ok: true; content: Uint8Array } | { ok: false; message: string }> {
    try {
      return { ok: true, content: await readFile(path) };
    } catch (e) {
      return { ok: false, message: (e as NodeJS.ErrnoException).code ?? String(e) };
    }
  }

  async remove(folder: string): Promise<void> {
    // Only a folder this installer made: the catalog names it, and a catalog is data.
    const inside = relative(this.root, resolve(folder));
    if (inside === '' || inside.startsWith('..') || inside.includes('/')) return;
    await rm(folder, { recursive: true, force: true });
  }
}

/** A wheel is unpacked as it is; a zip holding wheels (SQL Server's packaging) has each unpacked. */
async function unpackPython(content: Uint8Array, folder: string): Promise<string | undefined> {
  if (!isZip(content)) return 'a Python library must be a wheel (.whl) or a zip archive of wheels.';
  const read = readZip(content);
  if (!read.ok) return `the archive is not usable: ${read.message}`;
  const files = read.entries.filter((e) => !e.name.endsWith('/'));
  if (files.length === 0) return 'the archive is empty.';
  if (files.every((e) => e.name.toLowerCase().endsWith('.whl'))) {
    for (const wheel of files) {
      const problem = await unpackPython(wheel.data(), folder);
      if (problem) return `${wheel.name}: ${problem}`;
    }
    return undefined;
  }
  if (!files.some((e) => /^[^/]+\.dist-info\/(METADATA|WHEEL)$/.test(e.name))) return 'the archive is not a wheel (it has no .dist-info folder).';
  return unpackEntries(read.entries, folder);
}

async function unpackEntries(entries: readonly ZipEntry[], folder: string): Promise<undefined> {
  for (const entry of entries) {
    const target = join(folder, entry.name);
    if (entry.name.endsWith('/')) {
      await mkdir(target, { recursive: true, mode: 0o755 });
      continue;
    }
    await mkdir(dirname(target), { recursive: true, mode: 0o755 });
    await writeFile(target, entry.data(), { mode: 0o644 });
  }
  return undefined;
}

async function installR(name: string, content: Uint8Array, folder: string): Promise<string | undefined> {
  if (isZip(content)) {
    const read = readZip(content);
    if (!read.ok) return `the archive is not usable: ${read.message}`;
    if (!read.entries.some((e) => /^[^/]+\/DESCRIPTION$/.test(e.name))) return 'the zip archive is not an R binary package (no <package>/DESCRIPTION).';
    return unpackEntries(read.entries, folder);
  }
  if (!(content[0] === 0x1f && content[1] === 0x8b)) return 'an R library must be a package tarball (.tar.gz) or a binary package zip.';
  const work = await mkdtemp(join(dirname(folder), '.install-'));
  try {
    const tarball = join(work, `${name.replace(/[^A-Za-z0-9._-]/g, '_')}.tar.gz`);
    await writeFile(tarball, content, { mode: 0o644 });
    const command = [R, 'CMD', 'INSTALL', '--no-docs', '--no-html', `--library=${folder}`, tarball];
    const result = existsSync(BWRAP) ? await runProgram(BWRAP, [...sandboxArgs(folder, work), '--', ...command], INSTALL_TIMEOUT_MS) : await runProgram(command[0]!, command.slice(1), INSTALL_TIMEOUT_MS);
    if (result.code !== 0) return installFailure(result);
    return undefined;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** R CMD INSTALL's own words, the end of them: where a build fails it says last why. */
function installFailure(result: ProgramResult): string {
  if (result.startError) return `R CMD INSTALL could not be started (${result.startError}).`;
  const lines = `${result.stdout}\n${result.stderr}`.split('\n').filter((l) => l.trim() !== '');
  return `R CMD INSTALL failed (${result.code === null ? 'killed' : `exit ${result.code}`}): ${lines.slice(-12).join('\n')}`;
}

/** The system read-only, the new library folder and the tarball's folder writable, nothing else, no network. */
function sandboxArgs(folder: string, work: string): string[] {
  const host = readHostLayout();
  const args = ['--ro-bind', '/usr', '/usr'];
  for (const [target, path] of host.links) args.push('--symlink', target, path);
  for (const dir of host.dirs) args.push('--ro-bind', dir, dir);
  for (const path of host.etc) args.push('--ro-bind-try', path, path);
  args.push('--proc', '/proc', '--dev', '/dev', '--tmpfs', '/tmp', '--bind', work, work, '--bind', folder, folder);
  args.push('--unshare-all', '--die-with-parent', '--new-session', '--clearenv');
  for (const [k, v] of Object.entries({ PATH: '/usr/bin:/bin', HOME: '/tmp', TMPDIR: '/tmp', LANG: 'C.UTF-8' })) args.push('--setenv', k, v);
  return args;
}
