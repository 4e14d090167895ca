// Creating an instance from the editor: through the CLI (`sqlml instance create`) in a child
// process, so that the language server never loads the engine (DuckDB) itself.
import { execFile } from 'node:child_process';
import { cliEntry } from '../../node/instance/instanceClient';

/** Creates the instance at `path` (undefined: the embedded default) with sqlml's defaults. */
export function createInstanceWithCli(path: string | undefined): Promise<string> {
  const args = [cliEntry(), 'instance', 'create', ...(path !== undefined ? ['--path', path] : [])];
  return new Promise((resolve, reject) => {
    execFile(process.execPath, args, { timeout: 120_000, encoding: 'utf8' }, (err, stdout, stderr) => {
      if (err) reject(new Error(`cannot create the instance: ${(stderr || err.message).trim().replace(/^sqlml: /, '')}`));
      else resolve(stdout.trim());
    });
  });
}
