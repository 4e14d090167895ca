// What an embedded Python or R script does that the instance's security model cares about:
// connecting back to the instance (loopback), with a trusted connection or with a user name and
// password written in the script, and reaching the network, which the satellites' sandbox
// blocks. Offsets are in the decoded script text; the plan maps them to the document.
import { lexScript, valueRange, type ScriptLanguage, type ScriptToken } from './scriptLexer';

export type ScriptUsageKind = 'trusted-loopback' | 'credential' | 'network';

export interface ScriptUsage {
  kind: ScriptUsageKind;
  /** Offsets in the script text. */
  start: number;
  end: number;
  /** What was found, as the message names it: "sqlml_query", "Trusted_Connection=yes", "requests.get". */
  what: string;
  /** A loopback call with a literal query (sqlml_query("SELECT ...")): the query and its token. */
  query?: { text: string; token: ScriptToken };
  /** A connection string with a password: the same string with a trusted connection instead. */
  trusted?: { start: number; end: number; text: string };
}

/** Calls that go through the satellite's trusted loopback channel. */
const LOOPBACK_CALLS: Record<ScriptLanguage, RegExp> = {
  python: /^(?:sqlml_query|sqlml\.query|(?:revoscalepy\.)?rx_get_sql_loopback_connection_string)$/,
  r: /^(?:sqlml_query|(?:RevoScaleR::)?rxGetSqlLoopbackConnectionString)$/,
};

const PYTHON_NETWORK: readonly RegExp[] = [
  /^requests\.(?:get|post|put|patch|delete|head|options|request|Session|session)$/,
  /^(?:httpx|aiohttp)\.\w+$/,
  /^urllib3\.(?:PoolManager|ProxyManager|request|connection_from_url|HTTPConnectionPool|HTTPSConnectionPool)$/,
  /^urllib\.request\.(?:urlopen|urlretrieve|build_opener)$/,
  /^urllib2?\.(?:urlopen|urlretrieve)$/,
  /^socket\.create_connection$/,
  /^(?:http\.client|httplib)\.(?:HTTPConnection|HTTPSConnection)$/,
  /^ftplib\.FTP(?:_TLS)?$/,
  /^smtplib\.SMTP(?:_SSL)?$/,
  /^telnetlib\.Telnet$/,
];

const R_NETWORK: readonly RegExp[] = [
  /^(?:utils::)?download\.file$/,
  /^(?:base::)?(?:url|socketConnection|make\.socket)$/,
  /^(?:httr|httr2|curl|RCurl|crul)::\w+$/,
];

/** Functions that reach the network once their package is attached with library() or require(). */
const R_PACKAGE_NETWORK: Record<string, RegExp> = {
  httr: /^(?:GET|POST|PUT|PATCH|DELETE|HEAD|VERB|RETRY)$/,
  httr2: /^req_perform$/,
  curl: /^(?:curl|curl_download|curl_fetch_memory|curl_fetch_disk|curl_fetch_stream)$/,
  RCurl: /^(?:getURL|getURLContent|getForm|postForm|getBinaryURL)$/,
};

const URL_LITERAL = /^(?:https?|ftps?):\/\//i;
const URL_WITH_PASSWORD = /^[a-z][a-z0-9+.-]*:\/\/[^:@/\s]+:([^@/\s]+)@/i;

/** Keyword arguments (and, in Python, assignments) that carry a password. */
const PASSWORD_ARGUMENTS = new Set(['password', 'passwd', 'pwd']);
const PASSWORD_VARIABLES = new Set(['password', 'passwd']);

export function scanScriptUsages(script: string, language: ScriptLanguage): ScriptUsage[] {
  const tokens = lexScript(script, language);
  const usages: ScriptUsage[] = [];
  const aliases = language === 'python' ? pythonImports(tokens) : new Map<string, string>();
  const attached = language === 'r' ? rAttachedPackages(tokens) : new Set<string>();
  const seenNetwork = new Set<string>();

  // Calls: loopback helpers and network functions.
  for (const callee of callees(tokens, language)) {
    const resolved = resolve(callee.name, aliases);
    const first = firstArgumentString(tokens, callee.open);
    if (LOOPBACK_CALLS[language].test(resolved)) {
      const usage: ScriptUsage = { kind: 'trusted-loopback', start: callee.start, end: callee.end, what: callee.name };
      if (first && /^(?:sqlml_query|sqlml\.query)$/.test(resolved)) usage.query = { text: first.value ?? '', token: first };
      usages.push(usage);
      continue;
    }
    const network = isNetworkCall(resolved, language, attached);
    const url = first && URL_LITERAL.test(first.value ?? '') ? first : null;
    if ((network || url) && !seenNetwork.has(resolved)) {
      seenNetwork.add(resolved);
      usages.push({ kind: 'network', start: callee.start, end: callee.end, what: network || !url ? callee.name : `${callee.name}("${shorten(url.value!)}")` });
    }
  }

  // String literals: connection strings and URLs with credentials.
  tokens.forEach((t) => {
    if (t.kind !== 'string' || t.value === undefined) return;
    const conn = parseConnectionString(t.value);
    if (conn) usages.push(...connectionStringUsages(t, conn));
    const withPassword = URL_WITH_PASSWORD.exec(t.value);
    if (withPassword) {
      const at = t.value.indexOf(`:${withPassword[1]!}@`) + 1;
      const [start, end] = valueRange(t, at, at + withPassword[1]!.length);
      usages.push({ kind: 'credential', start, end, what: 'a password in a URL' });
    }
  });

  // password = "..." as a keyword argument or an assignment.
  for (let k = 0; k + 2 < tokens.length; k++) {
    const name = tokens[k]!;
    const op = tokens[k + 1]!;
    const value = tokens[k + 2]!;
    if (name.kind !== 'name' || value.kind !== 'string' || !value.value) continue;
    const key = name.text.toLowerCase();
    const isArgument = op.text === '=' && isInsideCall(tokens, k);
    const isAssignment = (op.text === '=' || op.text === '<-') && !isArgument && PASSWORD_VARIABLES.has(key);
    if ((isArgument && PASSWORD_ARGUMENTS.has(key)) || isAssignment) {
      const [start, end] = valueRange(value, 0, value.value.length);
      usages.push({ kind: 'credential', start, end, what: `${name.text} = "…"` });
    }
  }

  return usages.sort((a, b) => a.start - b.start || a.end - b.end);
}

function shorten(text: string): string {
  return text.length > 40 ? `${text.slice(0, 39)}…` : text;
}

interface Callee {
  /** The dotted (Python) or pkg:: (R) name as written. */
  name: string;
  start: number;
  end: number;
  /** Index of the '(' token. */
  open: number;
}

function callees(tokens: ScriptToken[], language: ScriptLanguage): Callee[] {
  const out: Callee[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.kind !== 'name') continue;
    const prev = tokens[i - 1];
    if (prev && prev.kind === 'punct' && (prev.text === '.' || prev.text === '::' || prev.text === '$' || prev.text === '@')) continue; // not the start of a name
    if (prev && prev.kind === 'name' && (prev.text === 'def' || prev.text === 'class' || prev.text === 'function')) continue;
    let k = i;
    let name = t.text;
    const sep = language === 'python' ? ['.'] : ['::', ':::'];
    while (tokens[k + 1]?.kind === 'punct' && sep.includes(tokens[k + 1]!.text) && tokens[k + 2]?.kind === 'name') {
      name += `${language === 'python' ? '.' : '::'}${tokens[k + 2]!.text}`;
      k += 2;
    }
    if (tokens[k + 1]?.kind === 'punct' && tokens[k + 1]!.text === '(') {
      out.push({ name, start: t.start, end: tokens[k]!.end, open: k + 1 });
    }
    i = k;
  }
  return out;
}

/** The first argument of the call whose '(' is at `open`, when it is a string literal. */
function firstArgumentString(tokens: ScriptToken[], open: number): ScriptToken | null {
  let k = open + 1;
  while (tokens[k]?.kind === 'newline') k++;
  const t = tokens[k];
  if (t?.kind !== 'string') return null;
  let j = k + 1;
  while (tokens[j]?.kind === 'newline') j++;
  const after = tokens[j];
  return after?.kind === 'punct' && (after.text === ')' || after.text === ',') ? t : null;
}

/** Is token k inside the parentheses of a call (so `name = value` is a keyword argument)? */
function isInsideCall(tokens: ScriptToken[], k: number): boolean {
  let depth = 0;
  for (let j = k - 1; j >= 0; j--) {
    const t = tokens[j]!;
    if (t.kind !== 'punct') continue;
    if (t.text === ')' || t.text === ']' || t.text === '}') depth++;
    else if (t.text === '(' || t.text === '[' || t.text === '{') {
      if (depth === 0) return t.text === '(';
      depth--;
    }
  }
  return false;
}

/** import a.b [as c]; from a.b import c [as d]: local name -> what it stands for. */
function pythonImports(tokens: ScriptToken[]): Map<string, string> {
  const aliases = new Map<string, string>();
  const dotted = (k: number): { name: string; next: number } | null => {
    if (tokens[k]?.kind !== 'name') return null;
    let name = tokens[k]!.text;
    k++;
    while (tokens[k]?.text === '.' && tokens[k + 1]?.kind === 'name') {
      name += `.${tokens[k + 1]!.text}`;
      k += 2;
    }
    return { name, next: k };
  };
  for (let i = 0; i < tokens.length; i++) {
    const atLineStart = i === 0 || tokens[i - 1]!.kind === 'newline' || tokens[i - 1]!.text === ';';
    if (!atLineStart || tokens[i]!.kind !== 'name') continue;
    if (tokens[i]!.text === 'import') {
      let k = i + 1;
      for (;;) {
        const m = dotted(k);
        if (!m) break;
        k = m.next;
        if (tokens[k]?.text === 'as' && tokens[k + 1]?.kind === 'name') {
          aliases.set(tokens[k + 1]!.text, m.name);
          k += 2;
        } else {
          const top = m.name.split('.')[0]!;
          aliases.set(top, top);
        }
        if (tokens[k]?.text !== ',') break;
        k++;
      }
    } else if (tokens[i]!.text === 'from') {
      const m = dotted(i + 1);
      if (!m || tokens[m.next]?.text !== 'import') continue;
      let k = m.next + 1;
      if (tokens[k]?.text === '(') k++;
      for (;;) {
        while (tokens[k]?.kind === 'newline') k++;
        const t = tokens[k];
        if (t?.kind !== 'name') break;
        let local = t.text;
        k++;
        if (tokens[k]?.text === 'as' && tokens[k + 1]?.kind === 'name') {
          local = tokens[k + 1]!.text;
          k += 2;
        }
        aliases.set(local, `${m.name}.${t.text}`);
        if (tokens[k]?.text !== ',') break;
        k++;
      }
    }
  }
  return aliases;
}

/** library(httr), require(curl), requireNamespace with a quoted name: the packages the script attaches. */
function rAttachedPackages(tokens: ScriptToken[]): Set<string> {
  const attached = new Set<string>();
  for (let i = 0; i + 2 < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.kind !== 'name' || !/^(?:library|require|requireNamespace)$/.test(t.text) || tokens[i + 1]!.text !== '(') continue;
    const arg = tokens[i + 2]!;
    const name = arg.kind === 'string' ? arg.value : arg.kind === 'name' ? arg.text : undefined;
    if (name) attached.add(name);
  }
  return attached;
}

function resolve(name: string, aliases: Map<string, string>): string {
  const [first, ...rest] = name.split('.');
  const target = aliases.get(first!);
  return target ? [target, ...rest].join('.') : name;
}

function isNetworkCall(name: string, language: ScriptLanguage, attached: Set<string>): boolean {
  if (language === 'python') return PYTHON_NETWORK.some((re) => re.test(name));
  if (R_NETWORK.some((re) => re.test(name))) return true;
  return Object.entries(R_PACKAGE_NETWORK).some(([pkg, re]) => attached.has(pkg) && re.test(name));
}

// ---- connection strings -------------------------------------------------------------------

export interface ConnectionPair {
  key: string;
  value: string;
  /** Offsets of the whole `key=value` in the string. */
  start: number;
  end: number;
  /** Offsets of the value. */
  valueStart: number;
  valueEnd: number;
}

const CONNECTION_KEYS = new Set([
  'driver', 'server', 'data source', 'address', 'addr', 'network address', 'database', 'initial catalog', 'uid', 'user id',
  'user', 'pwd', 'password', 'trusted_connection', 'integrated security', 'dsn', 'encrypt', 'trustservercertificate', 'app', 'wsid',
]);
const USER_KEYS = new Set(['uid', 'user id', 'user']);
const PASSWORD_KEYS = new Set(['pwd', 'password']);
const SERVER_KEYS = new Set(['server', 'data source', 'address', 'addr', 'network address']);

/** key=value;key={va;lue};... when it looks like an ODBC/ADO connection string; null otherwise. */
export function parseConnectionString(text: string): ConnectionPair[] | null {
  if (!text.includes('=')) return null;
  const pairs: ConnectionPair[] = [];
  let i = 0;
  const n = text.length;
  while (i < n) {
    while (i < n && (text[i] === ';' || text[i] === ' ' || text[i] === '\t')) i++;
    if (i >= n) break;
    const start = i;
    while (i < n && text[i] !== '=' && text[i] !== ';') i++;
    if (text[i] !== '=') return null;
    const key = text.slice(start, i).trim().toLowerCase();
    i++;
    let valueStart = i;
    while (valueStart < n && text[valueStart] === ' ') valueStart++;
    let valueEnd: number;
    if (text[valueStart] === '{') {
      const close = text.indexOf('}', valueStart);
      valueEnd = close < 0 ? n : close + 1;
      i = valueEnd;
      while (i < n && text[i] !== ';') i++;
    } else {
      while (i < n && text[i] !== ';') i++;
      valueEnd = i;
      while (valueEnd > valueStart && text[valueEnd - 1] === ' ') valueEnd--;
    }
    pairs.push({ key, value: text.slice(valueStart, valueEnd).replace(/^\{(.*)\}$/, '$1'), start, end: valueEnd, valueStart, valueEnd });
  }
  const known = pairs.filter((p) => CONNECTION_KEYS.has(p.key)).length;
  return pairs.length >= 2 && known >= 2 ? pairs : null;
}

function isLocalServer(server: string): boolean {
  const host = server.replace(/^(?:tcp|np|lpc|admin):/i, '').split(/[,\\]/)[0]!.trim().toLowerCase();
  return ['', '.', '(local)', 'localhost', '127.0.0.1', '::1', '[::1]'].includes(host) || host.startsWith('(localdb)');
}

function connectionStringUsages(token: ScriptToken, pairs: ConnectionPair[]): ScriptUsage[] {
  const out: ScriptUsage[] = [];
  const get = (keys: Set<string>) => pairs.find((p) => keys.has(p.key));
  const server = get(SERVER_KEYS);
  const remote = server !== undefined && !isLocalServer(server.value);
  const trusted = pairs.find(
    (p) => (p.key === 'trusted_connection' && /^(?:yes|true)$/i.test(p.value)) || (p.key === 'integrated security' && /^(?:sspi|true|yes)$/i.test(p.value)),
  );
  const password = pairs.find((p) => PASSWORD_KEYS.has(p.key) && p.value !== '');
  const value = token.value!;
  if (remote) {
    const [start, end] = valueRange(token, server.start, server.end);
    out.push({ kind: 'network', start, end, what: `a connection to ${server.value}` });
  } else if (trusted) {
    const [start, end] = valueRange(token, trusted.start, trusted.end);
    out.push({ kind: 'trusted-loopback', start, end, what: value.slice(trusted.start, trusted.end) });
  }
  if (password) {
    const [start, end] = valueRange(token, password.start, password.end);
    const usage: ScriptUsage = { kind: 'credential', start, end, what: `${value.slice(password.start, password.valueStart).replace(/\s*=\s*$/, '')}=…` };
    if (token.verbatim && token.contentStart !== undefined && !remote) {
      const kept = pairs.filter((p) => !USER_KEYS.has(p.key) && !PASSWORD_KEYS.has(p.key) && p.key !== 'trusted_connection' && p.key !== 'integrated security');
      const text = [...kept.map((p) => value.slice(p.start, p.end)), 'Trusted_Connection=yes'].join(';');
      usage.trusted = { start: token.contentStart, end: token.contentEnd!, text };
    }
    out.push(usage);
  }
  return out;
}
