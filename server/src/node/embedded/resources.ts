// Finds server/resources, where the analyzer scripts live. The code runs from source
// (server/src/node/embedded/*.ts under tsx) and bundled (server/dist/*.js), so the folder is
// found by walking up from this file's directory rather than by a fixed relative path.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The path of an analyzer script in the resources folder, or undefined if it cannot be found. */
export function findResource(file: string, from: string = __dirname): string | undefined {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, 'resources', file);
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) return undefined;
  }
}
