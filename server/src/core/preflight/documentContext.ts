// What the pre-flight needs to know about the document around a call: the database it runs in
// (the last USE before it), where its batch begins (where a DBA statement can be written, in a
// batch of its own), and the tables the document itself creates (which need not exist yet).
import { lexBatch, TokenPool } from '../tsql/lexer';
import { identifierName } from '../tsql/literals';
import { SourceText } from '../tsql/values';

export interface DocumentContext {
  /** The database of the last USE before `offset`; null when there is none (the login's default). */
  databaseAt(offset: number): string | null;
  /** Where a statement can be inserted so that it runs in its own batch before `offset`'s batch. */
  batchInsertPoint(offset: number): number;
  /** Does the document create this table (CREATE TABLE, SELECT ... INTO, CREATE VIEW/SYNONYM)? */
  creates(schema: string | null, name: string): boolean;
  /** The document's line break: \r\n when it uses them, else \n. */
  eol: string;
  /** Equal keys: the document creates the same tables (creates() answers alike). */
  createdKey: string;
}

/** What one batch adds to the context, in document offsets (see tsql/batchCache.ts). */
export interface BatchFacts {
  uses: { at: number; database: string }[];
  /** The start of the line of the batch's first token; null for a batch without one. */
  batchStart: number | null;
  created: { schema: string | null; name: string }[];
}

export function documentContext(text: string, batches: readonly BatchFacts[] = allBatchFacts(text)): DocumentContext {
  const uses = batches.flatMap((b) => b.uses);
  const batchStarts = batches.flatMap((b) => (b.batchStart === null ? [] : [b.batchStart]));
  const created = batches.flatMap((b) => b.created);
  return {
    databaseAt(offset) {
      let found: string | null = null;
      for (const u of uses) if (u.at < offset) found = u.database;
      return found;
    },
    batchInsertPoint(offset) {
      let point = 0;
      for (const s of batchStarts) if (s <= offset) point = s;
      return point;
    },
    creates(schema, name) {
      const lower = name.toLowerCase();
      return created.some((c) => c.name.toLowerCase() === lower && (schema === null || c.schema === null || c.schema.toLowerCase() === schema.toLowerCase()));
    },
    eol: text.includes('\r\n') ? '\r\n' : '\n',
    createdKey: JSON.stringify(created),
  };
}

function allBatchFacts(text: string): BatchFacts[] {
  const facts: BatchFacts[] = [];
  const pool = new TokenPool();
  for (let from = 0; from < text.length; ) {
    const batch = batchFacts(text, from, pool);
    facts.push(batch.value);
    from = batch.next;
  }
  return facts;
}

/**
 * The facts of the batch that begins at `from`: its USE statements, where it starts, the tables it
 * creates. The pool lends its token objects (the facts keep none of them).
 */
export function batchFacts(text: string, from: number, pool: TokenPool): { next: number; reach: number; value: BatchFacts } {
  const { tokens, next, reach } = lexBatch(text, from, pool);
  // Keywords compared in place: upper-casing every word of the batch to find the few cost more than lexing it.
  const src = new SourceText(text, null, 0);
  const facts: BatchFacts = { uses: [], batchStart: null, created: [] };

  const nameAt = (i: number): { schema: string | null; name: string } | null => {
    const parts: string[] = [];
    let k = i;
    while (tokens[k] && (tokens[k]!.kind === 'word' || tokens[k]!.kind === 'quotedIdent')) {
      parts.push(identifierName(text, tokens[k]!));
      if (tokens[k + 1]?.kind !== 'dot') break;
      k += 2;
    }
    if (parts.length === 0) return null;
    return { schema: parts.length >= 2 ? parts[parts.length - 2]! : null, name: parts[parts.length - 1]! };
  };

  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.kind === 'go') continue;
    if (facts.batchStart === null) facts.batchStart = lineStart(text, t.start);
    if (t.kind !== 'word') continue;
    if (src.isWord(t, 'USE') && (tokens[i + 1]?.kind === 'word' || tokens[i + 1]?.kind === 'quotedIdent')) {
      facts.uses.push({ at: t.start, database: identifierName(text, tokens[i + 1]!) });
    } else if (src.isWord(t, 'CREATE') || src.isWord(t, 'ALTER')) {
      let k = i + 1;
      if (src.isWord(tokens[k], 'OR') && src.isWord(tokens[k + 1], 'ALTER')) k += 2;
      if (src.isWord(tokens[k], 'TABLE') || src.isWord(tokens[k], 'VIEW') || src.isWord(tokens[k], 'SYNONYM')) {
        const name = nameAt(k + 1);
        if (name) facts.created.push(name);
      }
    } else if (src.isWord(t, 'INTO') && !src.isWord(tokens[i - 1], 'INSERT') && !src.isWord(tokens[i - 1], 'MERGE')) {
      const name = nameAt(i + 1); // SELECT ... INTO name
      if (name) facts.created.push(name);
    }
  }
  return { next, reach, value: facts };
}

/** The facts of a batch whose text moved by `delta`. */
export function shiftBatchFacts(facts: BatchFacts, delta: number): BatchFacts {
  return {
    uses: facts.uses.map((u) => ({ ...u, at: u.at + delta })),
    batchStart: facts.batchStart === null ? null : facts.batchStart + delta,
    created: facts.created,
  };
}

function lineStart(text: string, offset: number): number {
  let k = offset;
  while (k > 0 && text[k - 1] !== '\n' && text[k - 1] !== '\r') k--;
  return k;
}
