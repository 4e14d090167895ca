// The one embedded checker the language server and the CLI use: sends each request to the
// checker for its language and remembers answers by content, because the same scripts are
// re-checked on every keystroke elsewhere in the file and on every CLI run over a workspace.
import type {
  EmbeddedCheckRequest,
  EmbeddedCheckResult,
  EmbeddedChecker,
  EmbeddedLanguage,
} from '../../core/embedded/ports';

export interface CacheLimits {
  /** Most answers kept; the least recently used go first. */
  maxEntries?: number;
  /** Most script characters kept across all entries, so a few huge scripts cannot hog memory. */
  maxScriptChars?: number;
}

const DEFAULT_MAX_ENTRIES = 1000;
const DEFAULT_MAX_SCRIPT_CHARS = 16 * 1024 * 1024;

interface Entry {
  result: EmbeddedCheckResult;
  chars: number;
}

/** Answers are shared between callers (and with the cache): treat them as read-only. */
export class CachingEmbeddedChecker implements EmbeddedChecker {
  /** A Map iterates in insertion order; a hit is re-inserted, so the first key is the oldest. */
  private readonly cache = new Map<string, Entry>();
  private readonly inFlight = new Map<string, Promise<EmbeddedCheckResult>>();
  private cachedChars = 0;
  private disposed = false;
  private readonly maxEntries: number;
  private readonly maxScriptChars: number;

  constructor(
    private readonly checkers: Partial<Record<EmbeddedLanguage, EmbeddedChecker>>,
    limits: CacheLimits = {},
  ) {
    this.maxEntries = limits.maxEntries ?? DEFAULT_MAX_ENTRIES;
    this.maxScriptChars = limits.maxScriptChars ?? DEFAULT_MAX_SCRIPT_CHARS;
  }

  check(request: EmbeddedCheckRequest): Promise<EmbeddedCheckResult> {
    try {
      return this.lookup(request);
    } catch {
      // Only a malformed request (no script, no language) gets here; it has nothing to check.
      return Promise.resolve({ findings: [] });
    }
  }

  dispose(): void {
    this.disposed = true;
    this.cache.clear();
    this.cachedChars = 0;
    for (const checker of Object.values(this.checkers)) checker?.dispose();
  }

  private lookup(request: EmbeddedCheckRequest): Promise<EmbeddedCheckResult> {
    const checker = this.disposed ? undefined : this.checkers[request.language];
    if (!checker || typeof request.script !== 'string') return Promise.resolve({ findings: [] });
    const key = cacheKey(request);
    const entry = this.cache.get(key);
    if (entry) {
      this.cache.delete(key);
      this.cache.set(key, entry);
      return Promise.resolve(entry.result);
    }
    // Identical requests while the first is still running share its answer.
    const running = this.inFlight.get(key);
    if (running) return running;
    const promise = this.run(checker, request, key);
    this.inFlight.set(key, promise);
    return promise;
  }

  private async run(checker: EmbeddedChecker, request: EmbeddedCheckRequest, key: string): Promise<EmbeddedCheckResult> {
    let result: EmbeddedCheckResult;
    try {
      result = await checker.check(request);
    } catch (error) {
      // Checkers are written not to reject; if one does anyway, the caller still gets an answer.
      const tool = request.language === 'r' ? 'r' : 'python';
      result = { findings: [], unavailable: [{ tool, message: `The ${tool} check failed: ${String(error)}` }] };
    } finally {
      this.inFlight.delete(key);
    }
    // When the runtime itself did not answer (not installed, crashed, timed out) the answer says
    // nothing about the script, and installing the runtime should not wait for a restart.
    const runtimeAnswered = !result.unavailable?.some((u) => u.tool === request.language);
    if (runtimeAnswered && !this.disposed) this.remember(key, result, request.script.length);
    return result;
  }

  private remember(key: string, result: EmbeddedCheckResult, chars: number): void {
    if (chars > this.maxScriptChars || this.cache.has(key)) return;
    this.cache.set(key, { result, chars });
    this.cachedChars += chars;
    for (const [oldKey, old] of this.cache) {
      if (this.cache.size <= this.maxEntries && this.cachedChars <= this.maxScriptChars) break;
      this.cache.delete(oldKey);
      this.cachedChars -= old.chars;
    }
  }
}

/** Language, the set of known names, and the exact script: everything an answer depends on. */
function cacheKey(request: EmbeddedCheckRequest): string {
  const names = [...new Set(Array.isArray(request.knownNames) ? request.knownNames : [])].sort();
  return JSON.stringify([request.language, names, request.script]);
}
