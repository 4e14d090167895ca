// The pre-flight plan of a document: for each sp_execute_external_script call, the facts the
// instance must confirm before it can run — the database it runs in, its language, the tables
// @input_data_1 reads, the INSERT ... EXEC target, and what its script does (loopback, written
// credentials, network) — all positioned in the document.
import type { Analysis, CallAnalysis } from '../analysis/analyze';
import type { Range } from '../scriptCall/call';
import type { SqlServerVersion } from '../scriptCall/parameters';
import type { MappedText } from '../text/sourceMap';
import { BatchCache } from '../tsql/batchCache';
import { batchFacts, documentContext, shiftBatchFacts, type BatchFacts, type DocumentContext } from './documentContext';
import { scanScriptUsages, type ScriptUsageKind } from './scriptUsage';
import { tablesIn, type TablePermission } from './tables';

export interface PreflightOptions {
  sqlServerVersion: SqlServerVersion;
  /**
   * The OS groups of the launcher's workers (SQL Server's SQLRUserGroup): a trusted loopback
   * connection is let in only through a login for one of them. sqlml's default is sqlmlusers.
   */
  workerGroups: readonly string[];
}

export const DEFAULT_WORKER_GROUP = 'sqlmlusers';

/** Why the call needs a permission on a table. */
export type TableVia = 'input' | 'insert-target' | 'loopback';

export interface TableRef {
  /** The database named by a three-part name; null: the call's own database. */
  database: string | null;
  schema: string | null;
  name: string;
  permission: TablePermission;
  via: TableVia;
  /** Document range of the name. */
  range: Range;
}

export interface UsageRef {
  kind: ScriptUsageKind;
  what: string;
  range: Range;
  /** For a written password: an edit that turns the connection string into a trusted one. */
  trusted?: { range: Range; text: string };
}

export interface CallPlan {
  call: CallAnalysis;
  /** The database of the last USE before the call; null: the login's default database. */
  database: string | null;
  /** @language as written, when known. */
  language: string | null;
  tables: TableRef[];
  usages: UsageRef[];
  /** The @input_data_1 query, when its text is known: what the instance is asked to describe. */
  input: { query: string; params: string | null } | null;
  /** Where a DBA statement for this call goes: the start of its batch. */
  insertAt: number;
  /** Edits inside the call's own text are certain (it is not inside dynamic SQL). */
  canEditCall: boolean;
}

export interface PreflightPlan {
  calls: CallPlan[];
  options: PreflightOptions;
  eol: string;
}

export function planPreflight(text: string, analysis: Analysis, options: PreflightOptions): PreflightPlan {
  const context = documentContext(text);
  const calls = analysis.calls.map((call) => placeCall(callFacts(call, context), context));
  return { calls, options, eol: context.eol };
}

/**
 * The plan of a document being edited, redone only where the edit reached: the context's batches
 * are kept as the analysis keeps its own, and a call the analysis kept (the same CallAnalysis) is
 * not planned again while the tables the document creates stay the same. The result is exactly
 * what planPreflight gives.
 */
export class IncrementalPreflightPlanner {
  private readonly batches = new BatchCache<BatchFacts>(batchFacts, shiftBatchFacts);
  private readonly planned = new WeakMap<CallAnalysis, { created: string; facts: CallFacts }>();

  plan(text: string, analysis: Analysis, options: PreflightOptions): PreflightPlan {
    const context = documentContext(text, this.batches.update(text).map((b) => b.value));
    const calls = analysis.calls.map((call) => {
      const known = this.planned.get(call);
      let facts = known?.created === context.createdKey ? known.facts : undefined;
      if (!facts) {
        facts = callFacts(call, context);
        this.planned.set(call, { created: context.createdKey, facts });
      }
      return placeCall(facts, context);
    });
    return { calls, options, eol: context.eol };
  }
}

/** What a call's plan says that depends on the call alone (and the tables the document creates). */
type CallFacts = Omit<CallPlan, 'database' | 'insertAt'>;

/** The plan of a call whose facts are known: the database it runs in and where its batch begins. */
function placeCall(facts: CallFacts, context: DocumentContext): CallPlan {
  const start = facts.call.call.range[0];
  return {
    call: facts.call,
    database: context.databaseAt(start),
    language: facts.language,
    tables: facts.tables,
    usages: facts.usages,
    input: facts.input,
    insertAt: context.batchInsertPoint(start),
    canEditCall: facts.canEditCall,
  };
}

function callFacts(analysis: CallAnalysis, context: DocumentContext): CallFacts {
  const { call, bound } = analysis;
  const tables: TableRef[] = [];
  const keep = (t: { schema: string | null; name: string; database: string | null }) => t.database !== null || !context.creates(t.schema, t.name);

  const inputArg = bound.byParam.get('@input_data_1');
  let input: CallPlan['input'] = null;
  if (inputArg?.value.kind === 'text' && inputArg.value.text.text.trim() !== '') {
    const query = inputArg.value.text;
    for (const t of tablesIn(query.text)) {
      if (t.permission === 'SELECT' && keep(t)) tables.push({ database: t.database, schema: t.schema, name: t.name, permission: 'SELECT', via: 'input', range: query.map.toSourceRange(t.start, t.end) });
    }
    const paramsArg = bound.byParam.get('@params');
    const params = paramsArg?.value.kind === 'text' && /@/.test(query.text) ? paramsArg.value.text.text : null;
    input = { query: query.text, params };
  }

  const target = call.insertTarget;
  if (target && !target.name.startsWith('@')) {
    const [t] = tablesIn(`INSERT INTO ${target.name}`);
    if (t && t.permission === 'INSERT' && keep(t)) tables.push({ database: t.database, schema: t.schema, name: t.name, permission: 'INSERT', via: 'insert-target', range: target.range });
  }

  const usages: UsageRef[] = [];
  const script = bound.script;
  const kind = bound.languageKind;
  if (script && (kind === 'python' || kind === 'r')) {
    for (const u of scanScriptUsages(script.text, kind)) {
      const ref: UsageRef = { kind: u.kind, what: u.what, range: script.map.toSourceRange(u.start, u.end) };
      if (u.trusted && call.depth === 0) {
        const range = contiguous(script, u.trusted.start, u.trusted.end);
        if (range) ref.trusted = { range, text: u.trusted.text.replace(/'/g, "''") };
      }
      usages.push(ref);
      // The loopback connection acts for the caller: its query needs the caller's permissions.
      if (u.query && u.query.token.verbatim && u.query.token.contentStart !== undefined) {
        const base = u.query.token.contentStart;
        for (const t of tablesIn(u.query.text)) {
          if (!keep(t)) continue;
          tables.push({ database: t.database, schema: t.schema, name: t.name, permission: t.permission, via: 'loopback', range: script.map.toSourceRange(base + t.start, base + t.end) });
        }
      }
    }
  }

  return { call: analysis, language: bound.language, tables, usages, input, canEditCall: call.depth === 0 };
}

/** The document range of script text [start, end) when it is one unbroken run of the document. */
function contiguous(script: MappedText, start: number, end: number): Range | null {
  if (end <= start) return null;
  const [s, e] = script.map.toSourceRange(start, end);
  return e - s === end - start ? [s, e] : null;
}
