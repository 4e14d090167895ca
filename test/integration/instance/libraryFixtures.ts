// Packages built by the external-library tests: a pure-Python wheel zipped by Python's zipfile and
// an R source package tarball (DESCRIPTION, NAMESPACE, R/) as R CMD build lays one out.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** A wheel of one module `pkg` whose answer() returns `answer`. */
export function buildWheel(work: string, pkg: string, answer: number): string {
  const file = join(work, `${pkg}-${answer}-py3-none-any.whl`);
  const files: Record<string, string> = {
    [`${pkg}/__init__.py`]: `def answer():\n    return ${answer}\n`,
    [`${pkg}-1.0.dist-info/METADATA`]: `Metadata-Version: 2.1\nName: ${pkg}\nVersion: 1.0\n`,
    [`${pkg}-1.0.dist-info/WHEEL`]: 'Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\nTag: py3-none-any\n',
    [`${pkg}-1.0.dist-info/RECORD`]: '',
  };
  const zip = 'import json, sys, zipfile\nwith zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_DEFLATED) as z:\n    for name, text in json.loads(sys.argv[2]).items(): z.writestr(name, text)';
  execFileSync('/usr/bin/python3', ['-c', zip, file, JSON.stringify(files)]);
  return file;
}

/** An R source package `pkg` exporting greeting(), defined by `body` (R/greeting.R). */
export function buildRPackage(work: string, pkg: string, body: string): string {
  const dir = join(work, 'rsrc', pkg);
  mkdirSync(join(dir, 'R'), { recursive: true });
  writeFileSync(join(dir, 'DESCRIPTION'), `Package: ${pkg}\nVersion: 1.0\nTitle: Test\nDescription: A test package.\nLicense: MIT\nAuthor: sqlml\nMaintainer: sqlml <sqlml@example.org>\n`);
  writeFileSync(join(dir, 'NAMESPACE'), 'export(greeting)\n');
  writeFileSync(join(dir, 'R', 'greeting.R'), body);
  const file = join(work, `${pkg}_1.0.tar.gz`);
  execFileSync('/bin/tar', ['-czf', file, '-C', join(work, 'rsrc'), pkg]);
  return file;
}

/** A varbinary literal of the file's bytes. */
export const hexLiteral = (file: string) => `0x${readFileSync(file).toString('hex')}`;

export const pythonAnswer = (pkg: string) =>
  `EXEC sp_execute_external_script @language = N'Python', @script = N'import ${pkg}
OutputDataSet = pandas.DataFrame({"a": [${pkg}.answer()]})';`;

export const rGreeting = (pkg: string) => `EXEC sp_execute_external_script @language = N'R', @script = N'library(${pkg}); OutputDataSet <- data.frame(g = greeting())';`;
