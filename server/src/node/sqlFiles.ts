// Finding and reading .sql files for the CLI: folders are searched recursively, files read with
// their encoding detected, files too large to analyse are not read at all.
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { makeProblem, type Problem } from '../core/diagnostics/problems';
import { decodeText, type TextEncodingName } from './decodeText';

const SKIPPED_FOLDERS = new Set(['node_modules', '.git', '.hg', '.svn']);

/** Every *.sql file under the given paths (files named directly are taken whatever their name). */
export async function findSqlFiles(paths: string[]): Promise<{ files: string[]; missing: string[] }> {
  const files: string[] = [];
  const missing: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    const entries = await readdir(dir, { withFileTypes: true });
    entries.sort((a, b) => a.name.localeCompare(b.name));
    for (const entry of entries) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!SKIPPED_FOLDERS.has(entry.name)) await walk(path);
      } else if (entry.isFile() && entry.name.toLowerCase().endsWith('.sql')) files.push(path);
    }
  };
  for (const path of paths) {
    const info = await stat(path).catch(() => null);
    if (!info) missing.push(path);
    else if (info.isDirectory()) await walk(path);
    else files.push(path);
  }
  return { files, missing };
}

export interface SqlFile {
  path: string;
  /** Empty when the file was not read (too large). */
  text: string;
  encoding: TextEncodingName | null;
  /** Problems about the file itself (size, encoding), before any analysis. */
  problems: Problem[];
}

export async function readSqlFile(path: string, maxBytes: number): Promise<SqlFile> {
  const info = await stat(path);
  if (info.size > maxBytes) {
    const mb = (n: number) => (n / (1024 * 1024)).toFixed(1);
    return {
      path,
      text: '',
      encoding: null,
      problems: [makeProblem('SQLML005', `This file is ${mb(info.size)} MB, above the ${mb(maxBytes)} MB limit (sqlml.analysis.maxFileSizeMB); it is not analysed.`, 0, 0)],
    };
  }
  const { text, encoding } = decodeText(await readFile(path));
  // A binary file is reported as such by the analysis; its "encoding" is no news to anyone.
  const problems =
    encoding === 'windows-1252' && !text.includes('\u0000') ? [makeProblem('SQLML006', 'This file is not valid UTF-8; it was read as Windows-1252. Save it as UTF-8 to be sure of its characters.', 0, 0)] : [];
  return { path, text, encoding, problems };
}
