// Tokenizes T-SQL the way VS Code does for this extension: the real source.sql / source.python /
// source.r grammars from `tm-grammars`, our injection grammar registered through
// getInjections('source.sql'), and the embeddedLanguages map taken from package.json.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { INITIAL, Registry, parseRawGrammar, type IGrammar, type StateStack } from 'vscode-textmate';
import { createOnigScanner, createOnigString, loadWASM } from 'vscode-oniguruma';

const root = path.resolve(__dirname, '../..');
const tmGrammars = path.join(root, 'node_modules/tm-grammars/grammars');

interface GrammarContribution {
  scopeName: string;
  path: string;
  injectTo?: string[];
  embeddedLanguages?: Record<string, string>;
}

const contributions: GrammarContribution[] = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'))
  .contributes.grammars;
const injections = contributions.filter((c) => c.injectTo?.includes('source.sql'));

const grammarFiles: Record<string, string> = {
  'source.sql': path.join(tmGrammars, 'sql.json'),
  'source.python': path.join(tmGrammars, 'python.json'),
  'source.r': path.join(tmGrammars, 'r.json'),
};
for (const c of contributions) grammarFiles[c.scopeName] = path.join(root, c.path);

// Language ids as VS Code would number them; only their distinctness matters here.
const languageIds: Record<string, number> = { sql: 1, python: 2, r: 3 };
const languageNames = Object.fromEntries(Object.entries(languageIds).map(([name, id]) => [id, name]));

export interface Token {
  text: string;
  start: number;
  scopes: string[];
  /** The language VS Code sees at this token (drives comment toggling, snippets, etc.). */
  language: string;
}

let onigLoaded: Promise<void> | undefined;
const grammars = new Map<boolean, Promise<IGrammar>>();

function loadSqlGrammar(withInjection: boolean): Promise<IGrammar> {
  let grammar = grammars.get(withInjection);
  if (!grammar) {
    grammar = createSqlGrammar(withInjection);
    grammars.set(withInjection, grammar);
  }
  return grammar;
}

async function createSqlGrammar(withInjection: boolean): Promise<IGrammar> {
  onigLoaded ??= loadWASM(readFileSync(path.join(root, 'node_modules/vscode-oniguruma/release/onig.wasm')));
  await onigLoaded;
  const registry = new Registry({
    onigLib: Promise.resolve({ createOnigScanner, createOnigString }),
    loadGrammar: async (scopeName) => {
      const file = grammarFiles[scopeName];
      return file ? parseRawGrammar(readFileSync(file, 'utf8'), file) : null;
    },
    getInjections: (scopeName) =>
      withInjection && scopeName === 'source.sql' ? injections.map((c) => c.scopeName) : undefined,
  });
  // VS Code adds the embeddedLanguages of grammars injected into a scope to that scope's map.
  const embeddedLanguages: Record<string, number> = {};
  for (const c of withInjection ? injections : []) {
    for (const [scope, language] of Object.entries(c.embeddedLanguages ?? {})) {
      const id = languageIds[language];
      if (id === undefined) throw new Error(`package.json maps ${scope} to unknown language ${language}`);
      embeddedLanguages[scope] = id;
    }
  }
  const grammar = await registry.loadGrammarWithConfiguration('source.sql', languageIds.sql!, { embeddedLanguages });
  if (!grammar) throw new Error('source.sql did not load');
  return grammar;
}

/** One Token[] per line of `source`; `injection: false` gives the plain SQL grammar's tokens. */
export async function tokenize(source: string, { injection = true } = {}): Promise<Token[][]> {
  const grammar = await loadSqlGrammar(injection);
  let state: StateStack = INITIAL;
  return source.split(/\r?\n/).map((line) => {
    const { tokens, ruleStack } = grammar.tokenizeLine(line, state);
    // tokenizeLine2 packs [start, metadata] pairs; the low 8 bits of metadata are the language id.
    const binary = grammar.tokenizeLine2(line, state).tokens;
    state = ruleStack;
    return tokens.map((t) => {
      let metadata = 0;
      for (let i = 0; i < binary.length && binary[i]! <= t.startIndex; i += 2) metadata = binary[i + 1]!;
      return {
        text: line.slice(t.startIndex, t.endIndex),
        start: t.startIndex,
        scopes: t.scopes,
        language: languageNames[metadata & 0xff] ?? 'unknown',
      };
    });
  });
}

/** Reads a sample from test/grammar/samples. */
export function sample(name: string): string {
  return readFileSync(path.join(__dirname, 'samples', name), 'utf8');
}
