// sqlml check: the editor's diagnostics for files and folders, as compiler-style text or JSON.
import { relative } from 'node:path';
import { analyze, checkDocument, DEFAULT_OPTIONS, type AnalysisOptions } from '../core/analysis/analyze';
import type { Problem } from '../core/diagnostics/problems';
import type { SqlServerVersion } from '../core/scriptCall/parameters';
import { LineIndex, type Range } from '../core/text/lineIndex';
import { createEmbeddedChecker } from '../node/embedded/createEmbeddedChecker';
import { findSqlFiles, readSqlFile } from '../node/sqlFiles';
import { oneOf, parseArgs, positiveNumber } from './args';
import { UsageError, type Command } from './usage';
import { SERVER_HELP, SERVER_OPTIONS, serverTargetFrom } from './serverOptions';
import { serverPreflight, type ServerPreflight } from './serverPreflight';
import { plural } from '../core/text/plural';

const HELP = `usage: sqlml check [options] <files or folders>

Checks every sp_execute_external_script call, and the R or Python inside it, in .sql files
(folders are searched for *.sql). Exit 0 without errors, 1 with errors, 2 for bad usage.

options:
  --format text|json          output format (default text)
  --sql-server-version N      2016, 2017, 2019 or 2022 (default 2019)
  --language NAME             an external language besides R and Python (repeatable)
  --python PATH               Python used for checks (default /usr/bin/python3)
  --rscript PATH              Rscript used for checks (default /usr/bin/Rscript)
  --max-file-size-mb N        larger files are not analysed (default 10)
  -d, --database DB           with -S: the database calls run in before any USE (default: the login's)

With -S, each call is also checked against that server: whether external scripts are enabled, the
login's EXECUTE ANY EXTERNAL SCRIPT and per-language permission, SELECT on what @input_data_1
reads, Always Encrypted columns and TDE, the worker group's login for loopback connections.

${SERVER_HELP}
`;

interface FileReport {
  path: string;
  diagnostics: { code: string; severity: string; message: string; source: string; range: Range }[];
  calls: { range: Range; language: string | null; script: 'resolved' | 'unknown' }[];
}

export const checkCommand: Command = async (args) => {
  const { options, positional } = parseArgs(args, {
    format: { value: true },
    'sql-server-version': { value: true },
    language: { value: true, repeat: true },
    python: { value: true },
    rscript: { value: true },
    'max-file-size-mb': { value: true },
    database: { value: true, short: 'd' },
    ...SERVER_OPTIONS,
    help: { value: false },
  });
  if (options.has('help')) {
    process.stdout.write(HELP);
    return 0;
  }
  const format = oneOf('format', options.get('format')?.[0], ['text', 'json'] as const, 'text');
  const version = Number(oneOf('sql-server-version', options.get('sql-server-version')?.[0], ['2016', '2017', '2019', '2022'] as const, '2019')) as SqlServerVersion;
  const maxBytes = positiveNumber('max-file-size-mb', options.get('max-file-size-mb')?.[0], 10) * 1024 * 1024;
  if (positional.length === 0) throw new UsageError(`no files or folders to check\n\n${HELP}`);
  const database = options.get('database')?.[0];
  const server = serverTargetFrom({ options, positional }, process.env, (line) => process.stderr.write(`sqlml: warning: ${line}\n`), database);
  if (database !== undefined && !server) throw new UsageError('-d (--database) needs -S: without a server nothing runs in a database');

  const { files, missing } = await findSqlFiles(positional);
  if (missing.length > 0) throw new UsageError(`no such file or folder: ${missing.join(', ')}`);

  let preflight: ServerPreflight | undefined;
  if (server) {
    const opened = await serverPreflight(server, version);
    if ('error' in opened) {
      process.stderr.write(`sqlml: ${opened.error}\n`);
      return 1;
    }
    preflight = opened;
  }

  const checker = createEmbeddedChecker({ pythonPath: options.get('python')?.[0], rscriptPath: options.get('rscript')?.[0] });
  try {
    const sources = await Promise.all(files.map((f) => readSqlFile(f, maxBytes)));
    // Languages created anywhere among the files count for all of them, as in one database.
    const workspaceLanguages = sources.flatMap((s) => analyze(s.text, { ...DEFAULT_OPTIONS, maxChars: Infinity }).externalLanguages);
    const analysisOptions: AnalysisOptions = {
      sqlServerVersion: version,
      extraLanguages: [...(options.get('language') ?? []), ...workspaceLanguages],
      maxChars: Infinity, // the size limit was applied to the bytes
    };
    const reports: FileReport[] = [];
    for (const source of sources) {
      const { analysis, problems } = await checkDocument(source.text, analysisOptions, checker);
      const lines = new LineIndex(source.text);
      const all: Problem[] = [...source.problems, ...problems, ...(preflight ? await preflight.problems(source.text, analysis) : [])];
      reports.push({
        path: source.path,
        diagnostics: all.map((p) => ({ code: p.code, severity: p.severity, message: p.message, source: p.source, range: lines.rangeAt(p.start, p.end) })),
        calls: analysis.calls.map((c) => ({
          range: lines.rangeAt(c.call.range[0], c.call.range[1]),
          language: c.bound.languageKind === 'other' ? c.bound.language : c.bound.languageKind,
          script: c.bound.script ? 'resolved' : 'unknown',
        })),
      });
    }
    const count = (severity: string) => reports.reduce((n, r) => n + r.diagnostics.filter((d) => d.severity === severity).length, 0);
    const summary = { files: reports.length, calls: reports.reduce((n, r) => n + r.calls.length, 0), errors: count('error'), warnings: count('warning') };
    if (format === 'json') {
      process.stdout.write(`${JSON.stringify({ version: 1, files: reports, summary })}\n`);
    } else {
      for (const r of reports) {
        const shown = relative(process.cwd(), r.path) || r.path;
        for (const d of r.diagnostics) {
          process.stdout.write(`${shown}:${d.range.start.line + 1}:${d.range.start.character + 1}: ${d.severity} ${d.code} ${d.message}\n`);
        }
      }
      process.stdout.write(
        `${plural(summary.files, 'file')}, ${plural(summary.calls, 'call')}: ${plural(summary.errors, 'error')}, ${plural(summary.warnings, 'warning')}\n`,
      );
    }
    return summary.errors > 0 ? 1 : 0;
  } finally {
    checker.dispose();
    await preflight?.close();
  }
};
