// Walks the statements of each batch, keeping track of variables, procedure bodies and
// INSERT ... EXEC, and finds every call of sp_execute_external_script: with EXEC/EXECUTE or as
// the first statement of a batch, with or without sys./master.sys., and inside dynamic SQL
// (sp_executesql and EXEC(...)) whose text is known, at any depth.
import { makeProblem, type Problem } from '../diagnostics/problems';
import type { CallArgument, ExternalScriptCall, Range, ResultSetColumn, ResultSetsClause } from '../scriptCall/call';
import { parseParamsDeclaration } from '../scriptCall/paramsDeclaration';
import type { SourceMap } from '../text/sourceMap';
import { lex, lexBatch, TokenPool, type Token } from './lexer';
import { identifierName } from './literals';
import { add, Evaluator, Scope, SourceText, matchingParen, type Value } from './values';

export interface ScanResult {
  calls: ExternalScriptCall[];
  problems: Problem[];
  /** Names given to CREATE EXTERNAL LANGUAGE in this text. */
  externalLanguages: string[];
}

/** Dynamic SQL inside dynamic SQL inside ...: deeper than this is not followed. */
const MAX_DYNAMIC_DEPTH = 8;

export function scanDocument(text: string): ScanResult {
  const result: ScanResult = { calls: [], problems: [], externalLanguages: [] };
  const lexProblems: Problem[] = [];
  const src = new SourceText(text, null, 0);
  // Each batch is scanned whole before the next is lexed, and nothing found keeps a token.
  const pool = new TokenPool();
  for (let from = 0; from < text.length; ) {
    const batch = lexBatch(text, from, pool);
    for (const p of batch.problems) lexProblems.push(p);
    scanBatchTokens(src, batch.tokens, result);
    from = batch.next;
  }
  // The lexer's problems first, as when the whole text was lexed before any batch was scanned.
  result.problems = lexProblems.concat(result.problems);
  return result;
}

/**
 * Scans one batch of the document, lexed by lexBatch (from `from` to `next`): its calls and
 * problems in document offsets, the lexer's problems first. A batch is scanned on its own, with
 * its own variables, exactly as scanDocument scans it, and reads only the text lexBatch read
 * (up to `reach`). The pool lends its token objects, which are free again when this returns.
 */
export function scanBatch(text: string, from: number, pool: TokenPool): { next: number; reach: number; result: ScanResult } {
  const batch = lexBatch(text, from, pool);
  const result: ScanResult = { calls: [], problems: batch.problems, externalLanguages: [] };
  scanBatchTokens(new SourceText(text, null, 0), batch.tokens, result);
  return { next: batch.next, reach: batch.reach, result };
}

/** The batch's tokens, its closing GO token included when it has one. */
function scanBatchTokens(src: SourceText, tokens: Token[], out: ScanResult): void {
  if (tokens.length > 0 && tokens[tokens.length - 1]!.kind === 'go') tokens.pop();
  if (tokens.length > 0) new BatchScanner(src, tokens, out, new Scope()).scan();
}

class BatchScanner {
  private readonly evaluator: Evaluator;
  private procedure: string | null = null;

  constructor(
    private readonly src: SourceText,
    private readonly tokens: Token[],
    private readonly out: ScanResult,
    private readonly scope: Scope,
  ) {
    this.evaluator = new Evaluator(src, tokens, scope, (t) => this.undeclared(t));
  }

  scan(): void {
    const tokens = this.tokens;
    let i = 0;
    while (i < tokens.length) {
      // Most tokens of a batch begin nothing followed here; they are passed over without a call.
      if (i > 0 && !mayBeginFollowedStatement(this.src.text, tokens, i)) {
        i++;
        continue;
      }
      const next = this.statementAt(i);
      i = next > i ? next : i + 1;
    }
  }

  /** Handles the statement beginning at token i if it matters to us; returns where to go on. */
  private statementAt(i: number): number {
    const t = this.tokens[i]!;
    if (t.kind !== 'word' && t.kind !== 'quotedIdent') return i + 1;
    switch (t.kind === 'word' ? followedKeyword(this.src, t) : '') {
      case 'DECLARE':
        return this.declare(i + 1);
      case 'SET':
        return this.tokens[i + 1]?.kind === 'variable' ? this.assignment(i + 1) : i + 1;
      case 'SELECT':
        return this.selectAssignments(i + 1);
      case 'EXEC':
      case 'EXECUTE':
        return this.execute(i, i + 1);
      case 'CREATE':
      case 'ALTER':
        return this.create(i + 1);
    }
    // A procedure named as the first statement of a batch runs without EXEC.
    if (i === 0 && !this.src.isStatementKeyword(t)) {
      return this.execute(i, i);
    }
    if (this.isBareExternalScriptCall(i)) {
      const [start, end] = this.docRange(t.start, t.end);
      this.out.problems.push(
        makeProblem(
          'SQLML123',
          "Incorrect syntax near 'sp_execute_external_script'. Without EXEC a procedure call must be the first statement of its batch: add EXEC.",
          start,
          end,
          { fixes: this.src.depth === 0 ? [{ title: 'Add EXEC', edits: [{ start, end: start, newText: 'EXEC ' }] }] : [] },
        ),
      );
      return this.execute(i, i);
    }
    return i + 1;
  }

  /**
   * sp_execute_external_script named later in a batch without EXEC: SQL Server refuses the batch
   * (Msg 102), but the call is still the user's code and its script is worth checking.
   */
  private isBareExternalScriptCall(i: number): boolean {
    const t = this.tokens[i]!;
    if (t.kind !== 'word' || this.tokens[i - 1]?.kind === 'dot') return false;
    if (!mayNameExternalScriptProcedure(this.tokens, i)) return false;
    const name = this.procedureName(i);
    if (!name || name.parts[name.parts.length - 1]!.toLowerCase() !== 'sp_execute_external_script') return false;
    const next = this.tokens[name.next];
    return !next || next.kind === 'variable' || next.kind === 'string' || next.kind === 'semicolon';
  }

  // ---- variables ----------------------------------------------------------------------------

  private declare(i: number): number {
    for (;;) {
      const nameToken = this.tokens[i];
      if (nameToken?.kind !== 'variable') return i;
      i++;
      if (this.src.isWord(this.tokens[i], 'AS')) i++;
      const typeStart = i;
      const typeWord = this.src.upper(this.tokens[i]);
      if (typeWord === 'TABLE' && this.tokens[i + 1]?.kind === 'lparen') {
        i = matchingParen(this.tokens, i + 1) + 1;
      } else {
        i = this.skipType(i);
      }
      const type = typeStart < i ? this.src.text.slice(this.tokens[typeStart]!.start, this.tokens[i - 1]!.end).toLowerCase() : null;
      let value: Value = { kind: 'null' };
      if (this.tokens[i]?.kind === 'operator' && this.src.slice(this.tokens[i]!) === '=') {
        const evaluated = this.evaluator.expression(i + 1);
        value = evaluated.value;
        i = evaluated.next;
      }
      if (typeWord === 'TABLE' || typeWord === 'CURSOR') value = { kind: 'unknown', why: `a ${typeWord.toLowerCase()} variable` };
      this.scope.declare(this.src.slice(nameToken), type, value);
      if (this.tokens[i]?.kind !== 'comma') return i;
      i++;
    }
  }

  /** Skips a data type: [schema.]name [(n [, m] | max)]. */
  private skipType(i: number): number {
    if (!this.tokens[i] || (this.tokens[i]!.kind !== 'word' && this.tokens[i]!.kind !== 'quotedIdent')) return i;
    i++;
    while (this.tokens[i]?.kind === 'dot') i += 2;
    if (this.tokens[i]?.kind === 'lparen') i = matchingParen(this.tokens, i) + 1;
    return i;
  }

  /** `@v = expr` or `@v += expr` (SET, and each item of SELECT @a = ..., @b = ...). */
  private assignment(i: number): number {
    const nameToken = this.tokens[i]!;
    const op = this.tokens[i + 1];
    const opText = op?.kind === 'operator' ? this.src.slice(op) : '';
    if (opText !== '=' && opText !== '+=') return i + 1;
    const variable = this.scope.lookup(this.src.slice(nameToken));
    if (!variable) this.undeclared(nameToken);
    const evaluated = this.evaluator.expression(i + 2);
    if (variable) variable.value = opText === '+=' ? add(variable.value, evaluated.value) : evaluated.value;
    return evaluated.next;
  }

  private selectAssignments(i: number): number {
    let k = i;
    let assigned = false;
    while (this.tokens[k]?.kind === 'variable' && this.tokens[k + 1]?.kind === 'operator') {
      k = this.assignment(k);
      assigned = true;
      if (this.tokens[k]?.kind !== 'comma') break;
      k++;
    }
    if (!assigned) return i;
    // SELECT @v = expr FROM ...: the value depends on the rows, so it is not known.
    if (this.src.isWord(this.tokens[k], 'FROM')) {
      for (let j = i; j < k; j++) {
        const t = this.tokens[j]!;
        if (t.kind === 'variable' && this.tokens[j + 1]?.kind === 'operator') {
          this.scope.assign(this.src.slice(t), { kind: 'unknown', why: 'a value selected from a query' });
        }
      }
    }
    return k;
  }

  private undeclared(token: Token): void {
    const [start, end] = this.src.docRange(token.start, token.end);
    this.out.problems.push(makeProblem('SQLML118', `Must declare the scalar variable "${this.src.slice(token)}".`, start, end));
  }

  // ---- CREATE PROCEDURE / CREATE EXTERNAL LANGUAGE ------------------------------------------

  private create(i: number): number {
    if (this.src.isWord(this.tokens[i], 'OR') && this.src.isWord(this.tokens[i + 1], 'ALTER')) i += 2;
    const kind = this.src.upper(this.tokens[i]);
    if (kind === 'EXTERNAL' && this.src.isWord(this.tokens[i + 1], 'LANGUAGE') && this.tokens[i + 2]) {
      this.out.externalLanguages.push(identifierName(this.src.text, this.tokens[i + 2]!));
      return i + 3;
    }
    if (kind !== 'PROC' && kind !== 'PROCEDURE') return i;
    i++;
    const nameStart = i;
    // A name is parts joined by dots: after a part without a dot comes AS or the parameters.
    while (this.tokens[i]?.kind === 'word' || this.tokens[i]?.kind === 'quotedIdent') {
      i++;
      if (this.tokens[i]?.kind !== 'dot') break;
      i++;
    }
    this.procedure = this.tokens.slice(nameStart, i).map((t) => (t.kind === 'dot' ? '.' : identifierName(this.src.text, t))).join('');
    if (this.tokens[i]?.kind === 'semicolon' && this.tokens[i + 1]?.kind === 'number') i += 2; // ;number
    const parenthesised = this.tokens[i]?.kind === 'lparen';
    if (parenthesised) i++;
    // Parameters: @p type [VARYING] [= default] [OUT | OUTPUT] [READONLY], ...
    while (this.tokens[i]?.kind === 'variable') {
      const nameToken = this.tokens[i]!;
      i = this.skipType(this.src.isWord(this.tokens[i + 1], 'AS') ? i + 2 : i + 1);
      const name = this.src.slice(nameToken);
      this.scope.declare(name, null, { kind: 'unknown', why: `the procedure parameter ${name}` });
      while (this.tokens[i] && this.tokens[i]!.kind !== 'comma' && this.tokens[i]!.kind !== 'rparen' && !this.src.isWord(this.tokens[i], 'AS') && !this.src.isWord(this.tokens[i], 'WITH')) {
        i++;
      }
      if (this.tokens[i]?.kind === 'comma') i++;
    }
    if (parenthesised && this.tokens[i]?.kind === 'rparen') i++;
    return i;
  }

  // ---- EXEC -------------------------------------------------------------------------------

  /** `EXEC ...` at token `execToken` (== i when the batch starts with a bare procedure name). */
  private execute(execToken: number, i: number): number {
    const first = this.tokens[i];
    if (!first) return i;
    if (first.kind === 'lparen') return this.executeString(i);
    if (this.src.isWord(first, 'AS')) return i + 1; // EXECUTE AS LOGIN/USER = ...
    let statusVariable: Token | null = null;
    if (first.kind === 'variable') {
      if (this.tokens[i + 1]?.kind === 'operator' && this.src.slice(this.tokens[i + 1]!) === '=') {
        if (!this.scope.lookup(this.src.slice(first))) this.undeclared(first);
        statusVariable = first;
        i += 2; // EXEC @status = procedure ...
      } else {
        return i + 1; // EXEC @procedureName: not knowable
      }
    }
    const name = this.procedureName(i);
    if (!name) return i;
    const procedure = name.parts[name.parts.length - 1]!.toLowerCase();
    const written = name.parts.join('.');
    if (statusVariable) this.scope.assign(this.src.slice(statusVariable), { kind: 'unknown', why: `the return status of ${written}` });
    const qualifier = name.parts.slice(0, -1).map((p) => p.toLowerCase());
    const isSystem = (qualifier.length === 0 || qualifier.join('.') === 'sys' || qualifier.join('.') === 'master.sys' || qualifier.join('.') === 'master.');
    if (isSystem && procedure === 'sp_execute_external_script') {
      const end = this.externalScriptCall(execToken, i, name.next);
      this.forgetOutputs(this.out.calls[this.out.calls.length - 1]!.args, written);
      return end;
    }
    const args = this.argumentList(name.next);
    if (isSystem && procedure === 'sp_executesql') this.executeSql(args.args);
    this.forgetOutputs(args.args, written);
    return args.next;
  }

  /** A variable passed as an OUTPUT argument holds whatever the procedure put there: unknown, not its old value. */
  private forgetOutputs(args: readonly CallArgument[], procedure: string): void {
    for (const arg of args) {
      if (arg.output && arg.variable) this.scope.assign(arg.variable, { kind: 'unknown', why: `an OUTPUT argument of ${procedure}` });
    }
  }

  private procedureName(i: number): { parts: string[]; next: number } | null {
    const parts: string[] = [];
    let expectName = true;
    while (this.tokens[i]) {
      const t = this.tokens[i]!;
      if (expectName && (t.kind === 'word' || t.kind === 'quotedIdent')) {
        parts.push(identifierName(this.src.text, t));
        expectName = false;
      } else if (t.kind === 'dot') {
        if (expectName) parts.push(''); // master..proc
        expectName = true;
      } else break;
      i++;
    }
    if (parts.length === 0 || expectName) return null;
    return { parts, next: i };
  }

  private externalScriptCall(execToken: number, nameToken: number, i: number): number {
    const { args, next, argsEndToken } = this.argumentList(i);
    let end = next;
    let resultSets: ResultSetsClause | null = null;
    if (this.src.isWord(this.tokens[end], 'WITH')) {
      const parsed = this.withOptions(end);
      resultSets = parsed.resultSets;
      end = parsed.next;
    }
    const lastToken = this.tokens[Math.max(end - 1, nameToken)]!;
    const nameTok = this.tokens[nameToken]!;
    const lastNameTok = this.tokens[i - 1]!;
    const call: ExternalScriptCall = {
      range: this.docRange(this.tokens[execToken]!.start, lastToken.end),
      nameRange: this.docRange(nameTok.start, lastNameTok.end),
      args,
      resultSets,
      insertTarget: this.insertTargetBefore(execToken),
      procedure: this.procedure,
      depth: this.src.depth,
      argsEnd: this.docRange(argsEndToken.end, argsEndToken.end)[0],
    };
    this.out.calls.push(call);
    return end;
  }

  /** Arguments of a procedure call: `[@name =] value [OUTPUT]`, separated by commas. */
  private argumentList(i: number): { args: CallArgument[]; next: number; argsEndToken: Token } {
    const args: CallArgument[] = [];
    let argsEndToken = this.tokens[i - 1]!;
    const first = this.tokens[i];
    if (!first || first.kind === 'semicolon' || first.kind === 'go' || (first.kind === 'word' && this.src.isStatementKeyword(first))) {
      return { args, next: i, argsEndToken };
    }
    for (;;) {
      const argStart = this.tokens[i];
      if (!argStart || argStart.kind === 'semicolon' || argStart.kind === 'go' || argStart.kind === 'comma' ||
        (argStart.kind === 'word' && this.src.isStatementKeyword(argStart) && !this.src.isWord(argStart, 'OUTPUT'))) {
        const at = argStart ?? this.tokens[i - 1]!;
        this.syntaxError(at, argStart ? `Incorrect syntax near '${this.src.slice(argStart)}': an argument is missing.` : 'An argument is missing after the comma.');
        if (argStart?.kind === 'comma') {
          i++;
          continue;
        }
        return { args, next: i, argsEndToken };
      }
      let name: string | null = null;
      let nameRange: Range | null = null;
      if (argStart.kind === 'variable' && this.tokens[i + 1]?.kind === 'operator' && this.src.slice(this.tokens[i + 1]!) === '=') {
        name = this.src.slice(argStart);
        nameRange = this.docRange(argStart.start, argStart.end);
        i += 2;
      }
      const valueToken = this.tokens[i];
      const startsStatement = valueToken?.kind === 'word' && this.src.isStatementKeyword(valueToken);
      if (!valueToken || valueToken.kind === 'comma' || valueToken.kind === 'semicolon' || valueToken.kind === 'go' || startsStatement) {
        // Reported on what is there (the name and its '='), and the next statement stays a statement.
        const missingAt = nameRange ? this.docRange(argStart.start, this.tokens[i - 1]!.end) : null;
        const message = `The argument ${name ?? ''} has no value.`.replace('  ', ' ');
        if (missingAt) this.out.problems.push(makeProblem('SQLML120', message, missingAt[0], missingAt[1]));
        else this.syntaxError(valueToken ?? this.tokens[i - 1]!, message);
        if (name && nameRange) {
          // Bound as present, so the call is not also said to lack the parameter.
          args.push({ index: args.length, name, nameRange, valueKind: 'missing', valueRange: missingAt!, value: { kind: 'unknown', why: 'a missing value' }, variable: null, output: false, range: missingAt! });
        }
        if (valueToken?.kind === 'comma') {
          i++;
          continue;
        }
        return { args, next: i, argsEndToken };
      }
      const parsed = this.argumentValue(i);
      i = parsed.next;
      // A procedure argument is a constant or a variable: an expression is Msg 102 in T-SQL.
      const after = this.tokens[i];
      let valueEndToken = this.tokens[i - 1]!;
      let valueKind = parsed.kind;
      let value = parsed.value;
      if (after && (after.kind === 'operator' || after.kind === 'lparen')) {
        this.syntaxError(after, `Incorrect syntax near '${this.src.slice(after)}'. A procedure argument must be a constant or a variable: build the value in a variable first.`);
        const expr = this.evaluator.expression(parsed.start);
        i = Math.max(expr.next, i + 1);
        valueEndToken = this.tokens[i - 1]!;
        valueKind = 'expression';
        value = { kind: 'unknown', why: 'an expression' };
      }
      let output = false;
      if (this.src.isWord(this.tokens[i], 'OUTPUT') || this.src.isWord(this.tokens[i], 'OUT')) {
        output = true;
        i++;
      }
      const lastToken = this.tokens[i - 1]!;
      args.push({
        index: args.length,
        name,
        nameRange,
        valueKind,
        valueRange: this.docRange(this.tokens[parsed.start]!.start, valueEndToken.end),
        value,
        variable: parsed.variable,
        output,
        range: this.docRange(argStart.start, lastToken.end),
      });
      argsEndToken = lastToken;
      if (this.tokens[i]?.kind !== 'comma') return { args, next: i, argsEndToken };
      i++;
    }
  }

  private argumentValue(i: number): { kind: CallArgument['valueKind']; value: Value; variable: string | null; start: number; next: number } {
    const t = this.tokens[i]!;
    switch (t.kind) {
      case 'string':
        return { kind: 'string', value: { kind: 'text', text: this.src.stringValue(t) }, variable: null, start: i, next: i + 1 };
      case 'variable': {
        const variable = this.scope.lookup(this.src.slice(t));
        if (!variable) this.undeclared(t);
        const value: Value = variable ? variable.value : { kind: 'unknown', why: `the undeclared variable ${this.src.slice(t)}` };
        return { kind: 'variable', value, variable: this.src.slice(t), start: i, next: i + 1 };
      }
      case 'number':
        return { kind: 'number', value: { kind: 'number', value: Number(this.src.slice(t)) }, variable: null, start: i, next: i + 1 };
      case 'operator': {
        const signed = this.evaluator.expression(i);
        return { kind: signed.value.kind === 'number' ? 'number' : 'expression', value: signed.value, variable: null, start: i, next: Math.max(signed.next, i + 1) };
      }
      case 'binary':
        return { kind: 'binary', value: { kind: 'unknown', why: 'a binary constant' }, variable: null, start: i, next: i + 1 };
      default:
        if (this.src.isWord(t, 'NULL')) return { kind: 'null', value: { kind: 'null' }, variable: null, start: i, next: i + 1 };
        if (this.src.isWord(t, 'DEFAULT')) return { kind: 'default', value: { kind: 'unknown', why: 'DEFAULT' }, variable: null, start: i, next: i + 1 };
        // T-SQL accepts an unquoted name as a character-string argument.
        return { kind: 'name', value: { kind: 'text', text: this.src.rawText(t) }, variable: null, start: i, next: i + 1 };
    }
  }

  private withOptions(i: number): { resultSets: ResultSetsClause | null; next: number } {
    const start = this.tokens[i]!;
    i++;
    let resultSets: ResultSetsClause | null = null;
    for (;;) {
      const word = this.src.upper(this.tokens[i]);
      if (word === 'RECOMPILE') i++;
      else if (word === 'RESULT' && this.src.isWord(this.tokens[i + 1], 'SETS')) {
        const kindWord = this.src.upper(this.tokens[i + 2]);
        if (kindWord === 'NONE' || kindWord === 'UNDEFINED') {
          const end = this.tokens[i + 2]!;
          resultSets = { kind: kindWord === 'NONE' ? 'none' : 'undefined', range: this.docRange(start.start, end.end) };
          i += 3;
        } else if (this.tokens[i + 2]?.kind === 'lparen') {
          const clause = this.resultSetsExtent(i + 2);
          const sets = this.resultSetDefinitions(i + 3, clause.close);
          resultSets = { kind: 'definition', sets, range: this.docRange(start.start, this.tokens[clause.close - (clause.closed ? 0 : 1)]!.end) };
          if (!clause.closed) {
            // One error for the unclosed list; what follows is the next statement, not more columns.
            this.syntaxError(this.tokens[clause.close - 1]!, "Incorrect syntax: WITH RESULT SETS is missing a ')'.");
            return { resultSets, next: clause.close };
          }
          i = clause.close + 1;
        } else {
          this.syntaxError(this.tokens[i + 2] ?? this.tokens[i + 1]!, 'Expected NONE, UNDEFINED or a parenthesised list of result set definitions after WITH RESULT SETS.');
          return { resultSets, next: i + 2 };
        }
      } else {
        this.syntaxError(this.tokens[i] ?? start, `Incorrect syntax near '${this.tokens[i] ? this.src.slice(this.tokens[i]!) : 'WITH'}': expected RESULT SETS or RECOMPILE.`);
        return { resultSets, next: i };
      }
      if (this.tokens[i]?.kind !== 'comma') return { resultSets, next: i };
      i++;
    }
  }

  /**
   * Where the parenthesised list of WITH RESULT SETS ends. Column definitions never hold a ';' or
   * a statement keyword (AS aside: AS OBJECT / TYPE / FOR XML), so one of those at any depth
   * means a ')' is missing: the list is cut there (closed: false) instead of swallowing the batch.
   */
  private resultSetsExtent(open: number): { close: number; closed: boolean } {
    let depth = 0;
    for (let k = open; k < this.tokens.length; k++) {
      const t = this.tokens[k]!;
      if (t.kind === 'lparen') depth++;
      else if (t.kind === 'rparen' && --depth === 0) return { close: k, closed: true };
      else if (t.kind === 'semicolon' || t.kind === 'go' || (t.kind === 'word' && this.src.isStatementKeyword(t) && !this.src.isWord(t, 'AS'))) {
        return { close: k, closed: false };
      }
    }
    return { close: this.tokens.length, closed: false };
  }

  /** `(col type [NULL | NOT NULL] [, ...]) [, (...)]` or `AS OBJECT|TYPE|FOR XML` forms. */
  private resultSetDefinitions(i: number, close: number): ResultSetColumn[][] {
    const sets: ResultSetColumn[][] = [];
    while (i < close) {
      const t = this.tokens[i]!;
      if (t.kind === 'comma') {
        i++;
        continue;
      }
      if (t.kind === 'lparen') {
        const end = Math.min(matchingParen(this.tokens, i), close);
        sets.push(this.columnDefinitions(i + 1, end));
        i = end + 1;
      } else if (this.src.isWord(t, 'AS')) {
        sets.push([]);
        while (i < close && this.tokens[i]!.kind !== 'comma') i++;
      } else {
        // One error for the whole misshapen list (columns without their own parentheses, say).
        this.syntaxError(t, `Incorrect syntax near '${this.src.slice(t)}' in WITH RESULT SETS: each result set is a parenthesised column list.`);
        return sets;
      }
    }
    return sets;
  }

  private columnDefinitions(i: number, close: number): ResultSetColumn[] {
    const columns: ResultSetColumn[] = [];
    while (i < close) {
      const nameToken = this.tokens[i]!;
      if (nameToken.kind !== 'word' && nameToken.kind !== 'quotedIdent') {
        this.syntaxError(nameToken, `Incorrect syntax near '${this.src.slice(nameToken)}': expected a column name.`);
        return columns;
      }
      const typeStart = i + 1;
      let k = this.skipType(typeStart);
      if (k === typeStart) {
        this.syntaxError(this.tokens[typeStart] ?? nameToken, `The result set column ${identifierName(this.src.text, nameToken)} has no data type.`);
        return columns;
      }
      const type = this.src.text.slice(this.tokens[typeStart]!.start, this.tokens[k - 1]!.end);
      while (k < close && this.tokens[k]!.kind !== 'comma') k++; // COLLATE, NULL, NOT NULL
      columns.push({ name: identifierName(this.src.text, nameToken), type, range: this.docRange(nameToken.start, this.tokens[k - 1]!.end) });
      i = k + 1;
    }
    return columns;
  }

  /** INSERT [INTO] target [(columns)] EXEC ...: the target, when execToken is such an EXEC. */
  private insertTargetBefore(execToken: number): { name: string; range: Range } | null {
    let k = execToken - 1;
    if (this.tokens[k]?.kind === 'rparen') {
      let depth = 0;
      for (; k >= 0; k--) {
        const kind = this.tokens[k]!.kind;
        if (kind === 'rparen') depth++;
        else if (kind === 'lparen' && --depth === 0) break;
      }
      k--;
    }
    const nameEnd = k;
    while (k >= 0 && ['word', 'quotedIdent', 'dot', 'variable'].includes(this.tokens[k]!.kind) && !this.src.isWord(this.tokens[k], 'INTO') && !this.src.isWord(this.tokens[k], 'INSERT')) k--;
    const nameStart = k + 1;
    if (nameStart > nameEnd) return null;
    if (this.src.isWord(this.tokens[k], 'INTO')) k--;
    if (!this.src.isWord(this.tokens[k], 'INSERT')) return null;
    const parts = this.tokens.slice(nameStart, nameEnd + 1);
    const name = parts.map((t) => (t.kind === 'dot' ? '.' : t.kind === 'variable' ? this.src.slice(t) : identifierName(this.src.text, t))).join('');
    return { name, range: this.docRange(parts[0]!.start, parts[parts.length - 1]!.end) };
  }

  // ---- dynamic SQL ------------------------------------------------------------------------

  /** EXEC ( expr [+ expr ...] ): the concatenated text is a batch of its own. */
  private executeString(open: number): number {
    const close = matchingParen(this.tokens, open);
    const evaluated = this.evaluator.expression(open + 1);
    if (evaluated.value.kind === 'text') this.scanDynamic(evaluated.value.text.text, evaluated.value.text.map, new Scope());
    return close + 1;
  }

  /** sp_executesql [@stmt =] stmt [, [@params =] N'@p type, ...', values...] */
  private executeSql(args: CallArgument[]): void {
    const stmt = args.find((a) => a.name?.toLowerCase() === '@stmt') ?? args.find((a) => a.name === null && a.index === 0);
    if (!stmt || stmt.value.kind !== 'text') return;
    const scope = new Scope();
    const params = args.find((a) => a.name?.toLowerCase() === '@params') ?? args.find((a) => a.name === null && a.index === 1);
    if (params && params.value.kind === 'text') {
      for (const d of parseParamsDeclaration(params.value.text.text).declarations) {
        scope.declare(d.name, d.type, { kind: 'unknown', why: `the sp_executesql parameter ${d.name}` });
      }
    }
    this.scanDynamic(stmt.value.text.text, stmt.value.text.map, scope);
  }

  private scanDynamic(text: string, toDoc: SourceMap, scope: Scope): void {
    if (this.src.depth >= MAX_DYNAMIC_DEPTH) return;
    const inner = new SourceText(text, toDoc, this.src.depth + 1);
    const { tokens, problems } = lex(text);
    for (const p of problems) {
      const [start, end] = inner.docRange(p.start, p.end);
      this.out.problems.push({ ...p, start, end, message: `${p.message} (in dynamic SQL)` });
    }
    // Dynamic SQL is one batch with its own variables; GO is not a separator there.
    const body = tokens.filter((t) => t.kind !== 'go');
    new BatchScanner(inner, body, this.out, scope).scan();
  }

  // ---- helpers ----------------------------------------------------------------------------

  private docRange(start: number, end: number): Range {
    return this.src.docRange(start, end);
  }

  private syntaxError(at: Token, message: string): void {
    const [start, end] = this.docRange(at.start, at.end);
    this.out.problems.push(makeProblem('SQLML120', message, start, end));
  }
}

/**
 * The statement keyword statementAt follows that this word is (SET, EXEC, ALTER, SELECT, CREATE,
 * DECLARE, EXECUTE), or '': compared in place (SourceText.isWord) instead of upper-cased, as most
 * words of a batch are none of them ('ſet' still reads as SET); no character outside ASCII
 * changes the length of one of these keywords, so the word's length picks the candidates.
 */
function followedKeyword(src: SourceText, t: Token): string {
  switch (t.end - t.start) {
    case 3:
      return src.isWord(t, 'SET') ? 'SET' : '';
    case 4:
      return src.isWord(t, 'EXEC') ? 'EXEC' : '';
    case 5:
      return src.isWord(t, 'ALTER') ? 'ALTER' : '';
    case 6:
      return src.isWord(t, 'SELECT') ? 'SELECT' : src.isWord(t, 'CREATE') ? 'CREATE' : '';
    case 7:
      return src.isWord(t, 'DECLARE') ? 'DECLARE' : src.isWord(t, 'EXECUTE') ? 'EXECUTE' : '';
    default:
      return '';
  }
}

/**
 * Could token i (not the first of its batch) begin a statement statementAt follows: a word of the
 * length of one of those keywords that begins with its first letter (or with a character outside
 * ASCII, which followedKeyword upper-cases), or a procedure name that may be a bare
 * sp_execute_external_script (a word of 26 characters, or the first part of a dotted name)?
 * A cheap test of length and first character, as the statement scan asks it of every token.
 */
function mayBeginFollowedStatement(text: string, tokens: readonly Token[], i: number): boolean {
  const t = tokens[i]!;
  if (t.kind !== 'word') return false;
  const length = t.end - t.start;
  const first = text.charCodeAt(t.start) | 32;
  if (first > 127) return true;
  switch (length) {
    case 3:
      if (first === S) return true;
      break;
    case 4:
      if (first === E) return true;
      break;
    case 5:
      if (first === A) return true;
      break;
    case 6:
      if (first === S || first === C) return true;
      break;
    case 7:
      if (first === D || first === E) return true;
      break;
    case 26:
      return true;
  }
  return tokens[i + 1]?.kind === 'dot';
}

/** Lower-case first letters of the followed keywords. */
const A = 97;
const C = 99;
const D = 100;
const E = 101;
const S = 115;

/**
 * Could the name at token i (read as procedureName reads it) end in sp_execute_external_script?
 * Its last part is then a word of 26 characters or a quoted name of 27 or 28 (with its
 * delimiters): any other length spares building the name.
 */
function mayNameExternalScriptProcedure(tokens: readonly Token[], i: number): boolean {
  let last: Token | null = null;
  let expectName = true;
  for (let k = i; k < tokens.length; k++) {
    const t = tokens[k]!;
    if (expectName && (t.kind === 'word' || t.kind === 'quotedIdent')) {
      last = t;
      expectName = false;
    } else if (t.kind === 'dot') expectName = true;
    else break;
  }
  if (!last || expectName) return false;
  const length = last.end - last.start;
  return length >= 26 && length <= 28;
}
