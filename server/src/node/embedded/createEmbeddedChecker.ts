// Builds the embedded checker from the user's settings: one long-lived analyzer per language
// behind one content cache. The language server and the CLI both start here.
import type { EmbeddedChecker } from '../../core/embedded/ports';
import { CachingEmbeddedChecker } from './cachingChecker';
import { PythonChecker } from './pythonChecker';
import { RChecker } from './rChecker';

export interface EmbeddedCheckSettings {
  /** sqlml.python.path; default /usr/bin/python3. */
  pythonPath?: string;
  /** sqlml.r.path; default /usr/bin/Rscript. */
  rscriptPath?: string;
  /** Per-request limit for either analyzer; default 10 s. */
  timeoutMs?: number;
}

/** Nothing starts until the first check of each language. */
export function createEmbeddedChecker(settings: EmbeddedCheckSettings = {}): EmbeddedChecker {
  const { pythonPath, rscriptPath, timeoutMs } = settings;
  return new CachingEmbeddedChecker({
    python: new PythonChecker({ pythonPath, timeoutMs }),
    r: new RChecker({ rscriptPath, timeoutMs }),
  });
}
