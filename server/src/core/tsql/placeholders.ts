// Templates are not code. SQLCMD variables ($(name)) and commands (:setvar, :r, !!), SSMS template
// parameters (<name, type, default>), ${name} placeholders and syntax diagrams pasted from the
// documentation ([ , @input_data_1 = ] N'...') are replaced, before anything is lexed, by neutral
// text of the same length: an SSMS default where one is given, an identifier otherwise, a comment
// for a command line, blanks for a diagram. Every offset stays what it was in the document, so
// problems, hovers and fixes need no translation, and the call is checked as far as the
// placeholders allow.

export type PlaceholderKind = 'sqlcmd-variable' | 'sqlcmd-command' | 'ssms-parameter' | 'dollar-brace' | 'syntax-diagram';

export interface Placeholder {
  kind: PlaceholderKind;
  /** Document offsets of the placeholder as written. */
  start: number;
  end: number;
  /** As written, for messages ($(RowCount), <rows, int, 10>). */
  written: string;
  /** An identifier put in its place, which the script checkers must treat as defined; null otherwise. */
  standIn: string | null;
}

export interface NeutralText {
  text: string;
  placeholders: Placeholder[];
}

/** Where an SSMS template parameter could begin: `<` and two commas before the line ends or another bracket. */
const SSMS_HEAD = /<[^<>\r\n]*,[^<>\r\n]*,/y;
/** After a `[` that begins a line: the comma of a diagram's `[ ,`. */
const DIAGRAM_COMMA = /[ \t]*,/y;

const SQLCMD_VARIABLE = /\$\(([A-Za-z_][\w-]*)\)/g;
const DOLLAR_BRACE = /\$\{([A-Za-z_][\w.-]*)\}/g;
const SSMS_PARAMETER = /<[ \t]*([A-Za-z_][\w ]*?)[ \t]*,[^<>,\r\n]*,([^<>\r\n]*)>/g;
const SQLCMD_COMMAND = /^[ \t]*(?::(?:setvar|r|on|connect|out|error|exit|quit|list|listvar|reset|serverlist|help|xml|perftrace|ed)\b|!!)/gim;
const DIAGRAM_LINE = /^[ \t]*\[[ \t]*,/;
const DIAGRAM_CONTINUATION = /^[ \t]*[[{|]/;
const CALL_WORD = /\b(?:sp_execute_external_script|EXEC(?:UTE)?)\b/i;
/** How far above the first `[ ,` line the diagram's procedure name may be. */
const DIAGRAM_HEAD_LINES = 15;

export function neutralizePlaceholders(text: string): NeutralText {
  if (!mayHoldPlaceholders(text)) return { text, placeholders: [] };
  const chars = text.split('');
  const placeholders: Placeholder[] = [];
  const put = (start: number, replacement: string) => {
    for (let k = 0; k < replacement.length; k++) chars[start + k] = replacement[k]!;
  };

  for (const diagram of syntaxDiagrams(text)) {
    for (let k = diagram.start; k < diagram.end; k++) if (chars[k] !== '\n' && chars[k] !== '\r') chars[k] = ' ';
    placeholders.push({ kind: 'syntax-diagram', start: diagram.start, end: diagram.end, written: text.slice(diagram.start, diagram.end), standIn: null });
  }
  const blanked = (at: number) => placeholders.some((p) => p.kind === 'syntax-diagram' && at >= p.start && at < p.end);

  for (const m of text.matchAll(SQLCMD_COMMAND)) {
    const at = m.index! + m[0].length - (m[0].trimStart().length);
    if (blanked(at)) continue;
    put(at, '--');
    const lineEnd = endOfLine(text, at);
    placeholders.push({ kind: 'sqlcmd-command', start: at, end: lineEnd, written: text.slice(at, lineEnd), standIn: null });
  }
  for (const [pattern, kind] of [[SQLCMD_VARIABLE, 'sqlcmd-variable'], [DOLLAR_BRACE, 'dollar-brace']] as const) {
    for (const m of text.matchAll(pattern)) {
      if (blanked(m.index!)) continue;
      // $( + name + ) and ${ + name + } are the name plus three characters: so is v + name + __.
      const standIn = `v${m[1]!.replace(/\W/g, '_')}__`;
      put(m.index!, standIn);
      placeholders.push({ kind, start: m.index!, end: m.index! + m[0].length, written: m[0], standIn });
    }
  }
  for (const m of text.matchAll(SSMS_PARAMETER)) {
    if (blanked(m.index!)) continue;
    const value = m[2]!.trim();
    // The default, padded with blanks (harmless in T-SQL, R and Python alike); without one, an
    // identifier made from the parameter's name.
    const standIn = value !== '' ? null : `t${m[1]!.replace(/\W/g, '_')}`.slice(0, m[0].length);
    const replacement = (standIn ?? value).padEnd(m[0].length, ' ');
    put(m.index!, replacement);
    placeholders.push({ kind: 'ssms-parameter', start: m.index!, end: m.index! + m[0].length, written: m[0], standIn });
  }
  placeholders.sort((a, b) => a.start - b.start);
  return { text: chars.join(''), placeholders };
}

/**
 * The cheap test first, as most documents hold no placeholder: is there a `$(` or `${`, a `<`
 * with two commas after it on its line, or a line beginning (after blanks) with `:` and a letter,
 * `!!` or `[ ,`? Each is looked for where its rare first character is, not at every offset of the
 * text (a single regular expression tried at every offset cost a sixth of the lexing time).
 */
function mayHoldPlaceholders(text: string): boolean {
  if (text.includes('$(') || text.includes('${')) return true;
  for (let at = text.indexOf('<'); at >= 0; at = text.indexOf('<', at + 1)) {
    SSMS_HEAD.lastIndex = at;
    if (SSMS_HEAD.test(text)) return true;
  }
  const beginsLine = (at: number) => {
    let k = at;
    while (k > 0 && (text.charCodeAt(k - 1) === 32 || text.charCodeAt(k - 1) === 9)) k--;
    // As ^ matches in a multiline regular expression: after any line terminator.
    return k === 0 || /[\n\r\u2028\u2029]/.test(text[k - 1]!);
  };
  for (let at = text.indexOf(':'); at >= 0; at = text.indexOf(':', at + 1)) {
    if (/[A-Za-z]/.test(text[at + 1] ?? '') && beginsLine(at)) return true;
  }
  for (let at = text.indexOf('!!'); at >= 0; at = text.indexOf('!!', at + 1)) {
    if (beginsLine(at)) return true;
  }
  for (let at = text.indexOf('['); at >= 0; at = text.indexOf('[', at + 1)) {
    DIAGRAM_COMMA.lastIndex = at + 1;
    if (DIAGRAM_COMMA.test(text) && beginsLine(at)) return true;
  }
  return false;
}

/** Each run of `[ , @name = ...]` lines with the statement head above it. */
function syntaxDiagrams(text: string): { start: number; end: number }[] {
  const lines: { start: number; end: number; text: string }[] = [];
  let at = 0;
  for (const line of text.split('\n')) {
    lines.push({ start: at, end: at + line.length, text: line });
    at += line.length + 1;
  }
  const found: { start: number; end: number }[] = [];
  for (let k = 0; k < lines.length; k++) {
    if (!DIAGRAM_LINE.test(lines[k]!.text)) continue;
    let head = k;
    for (let up = k - 1; up >= Math.max(0, k - DIAGRAM_HEAD_LINES); up--) {
      if (lines[up]!.text.trim() === '') break;
      head = up;
      if (CALL_WORD.test(lines[up]!.text)) break;
    }
    let last = k;
    while (last + 1 < lines.length && (DIAGRAM_LINE.test(lines[last + 1]!.text) || DIAGRAM_CONTINUATION.test(lines[last + 1]!.text))) last++;
    found.push({ start: lines[head]!.start, end: lines[last]!.end });
    k = last;
  }
  return found;
}

function endOfLine(text: string, at: number): number {
  const lf = text.indexOf('\n', at);
  const end = lf < 0 ? text.length : lf;
  return text[end - 1] === '\r' ? end - 1 : end;
}
