// Languages created with CREATE EXTERNAL LANGUAGE anywhere in the workspace's .sql files: a call
// in one file may use a language another file creates, as scripts of one database do.
import { analyze, DEFAULT_OPTIONS } from '../core/analysis/analyze';
import { findSqlFiles, readSqlFile } from './sqlFiles';

const MAX_FILES = 5000;
const MAX_BYTES = 2 * 1024 * 1024;

export async function workspaceLanguages(folders: string[]): Promise<Map<string, string[]>> {
  const byFile = new Map<string, string[]>();
  const { files } = await findSqlFiles(folders);
  for (const path of files.slice(0, MAX_FILES)) {
    const file = await readSqlFile(path, MAX_BYTES).catch(() => null);
    // Only files that mention the statement are worth a full scan.
    if (!file || !/external\s+language/i.test(file.text)) continue;
    const languages = analyze(file.text, { ...DEFAULT_OPTIONS, maxChars: Infinity }).externalLanguages;
    if (languages.length > 0) byFile.set(path, languages);
  }
  return byFile;
}
