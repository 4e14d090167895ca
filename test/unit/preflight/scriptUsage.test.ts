import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lexScript } from '../../../server/src/core/preflight/scriptLexer';
import { parseConnectionString, scanScriptUsages } from '../../../server/src/core/preflight/scriptUsage';

const py = (script: string) => scanScriptUsages(script, 'python').map((u) => `${u.kind} ${u.what} @${script.slice(u.start, u.end)}`);
const r = (script: string) => scanScriptUsages(script, 'r').map((u) => `${u.kind} ${u.what} @${script.slice(u.start, u.end)}`);

test('Python: sqlml_query and sqlml.query are trusted loopback, with their literal query', () => {
  const script = 'df = sqlml_query("SELECT id FROM dbo.iris")\nx = sqlml.query(\'SELECT 1\')\n';
  assert.deepEqual(py(script), ['trusted-loopback sqlml_query @sqlml_query', 'trusted-loopback sqlml.query @sqlml.query']);
  const [first] = scanScriptUsages(script, 'python');
  assert.equal(first!.query?.text, 'SELECT id FROM dbo.iris');
  assert.equal(script.slice(first!.query!.token.contentStart, first!.query!.token.contentEnd), 'SELECT id FROM dbo.iris');
  assert.deepEqual(py('from revoscalepy import rx_get_sql_loopback_connection_string\ncs = rx_get_sql_loopback_connection_string()'), [
    'trusted-loopback rx_get_sql_loopback_connection_string @rx_get_sql_loopback_connection_string',
  ]);
});

test('Python: pyodbc and revoscalepy connection strings: trusted, with a password, or to another server', () => {
  assert.deepEqual(py('import pyodbc\nc = pyodbc.connect("Driver={ODBC Driver 18 for SQL Server};Server=.;Database=ml;Trusted_Connection=yes")'), [
    'trusted-loopback Trusted_Connection=yes @Trusted_Connection=yes',
  ]);
  assert.deepEqual(py("ds = RxSqlServerData(connection_string='Server=localhost;Database=ml;Integrated Security=SSPI', table='t')"), [
    'trusted-loopback Integrated Security=SSPI @Integrated Security=SSPI',
  ]);
  const withPassword = 'c = pyodbc.connect("Driver={ODBC Driver 18};Server=(local);UID=sa;PWD=S3cret!;Database=ml")';
  const usages = scanScriptUsages(withPassword, 'python');
  assert.deepEqual(py(withPassword), ['credential PWD=… @PWD=S3cret!']);
  assert.equal(usages[0]!.trusted?.text, 'Driver={ODBC Driver 18};Server=(local);Database=ml;Trusted_Connection=yes');
  assert.deepEqual(py('c = pyodbc.connect("Server=db.example.com;Database=ml;Trusted_Connection=yes")'), ['network a connection to db.example.com @Server=db.example.com']);
  assert.deepEqual(py('x = "a=1;b=2"  # not a connection string'), []);
});

test('Python: written passwords as arguments, assignments and in URLs', () => {
  assert.deepEqual(py('import pymssql\nc = pymssql.connect(server=".", user="sa", password="hunter2")'), ['credential password = "…" @hunter2']);
  assert.deepEqual(py('password = "hunter2"\npwd = "/tmp"\npassword = os.environ["X"]'), ['credential password = "…" @hunter2']);
  assert.deepEqual(py('e = create_engine("mssql+pyodbc://sa:Pa55@localhost/ml?driver=ODBC")'), ['credential a password in a URL @Pa55']);
  assert.deepEqual(py('# password = "in a comment"\ns = "password = not code"'), []);
});

test('Python: network modules, through imports and aliases, and URLs handed to readers', () => {
  const script = [
    'import requests as rq',
    'from urllib.request import urlopen',
    'import socket, http.client',
    'rq.get("https://example.com")',
    'urlopen(u)',
    'socket.create_connection(("example.com", 80))',
    'http.client.HTTPSConnection("example.com")',
    'socket.gethostname()',
    'df = pandas.read_csv("https://example.com/iris.csv")',
  ].join('\n');
  assert.deepEqual(py(script), [
    'network rq.get @rq.get',
    'network urlopen @urlopen',
    'network socket.create_connection @socket.create_connection',
    'network http.client.HTTPSConnection @http.client.HTTPSConnection',
    'network pandas.read_csv("https://example.com/iris.csv") @pandas.read_csv',
  ]);
  assert.deepEqual(py('def get(x):\n    return x\nrequests = None\nprint(get(1))'), []);
});

test('R: sqlml_query, RODBC and RxSqlServerData; network functions and packages', () => {
  assert.deepEqual(r('df <- sqlml_query("SELECT * FROM dbo.iris")'), ['trusted-loopback sqlml_query @sqlml_query']);
  assert.deepEqual(r('library(RODBC)\nch <- odbcDriverConnect("Driver={ODBC Driver 18};Server=.;Trusted_Connection=yes")'), [
    'trusted-loopback Trusted_Connection=yes @Trusted_Connection=yes',
  ]);
  assert.deepEqual(r("ds <- RxSqlServerData(connectionString = 'Server=.;Database=ml;UID=u;PWD=p4ss', table = 't')"), ['credential PWD=… @PWD=p4ss']);
  assert.deepEqual(r('ch <- odbcConnect("dsn", uid = "sa", pwd = "p4ss")'), ['credential pwd = "…" @p4ss']);
  assert.deepEqual(r('download.file("https://x/y.csv", "y.csv")\ncon <- url("http://x")\nlibrary(httr)\nr <- GET("https://x")\ncurl::curl_fetch_memory("https://x")'), [
    'network download.file @download.file',
    'network url @url',
    'network GET @GET',
    'network curl::curl_fetch_memory @curl::curl_fetch_memory',
  ]);
  assert.deepEqual(r('GET <- function(x) x\nGET(1)\nx <- "url(\'http://x\')"'), [], 'GET without httr, and text in a string');
  assert.deepEqual(r('s <- r"(PWD=x;Server=.;UID=y)"'), ['credential PWD=… @PWD=x']);
});

test('the script lexer keeps decoded values and where verbatim content lies', () => {
  const tokens = lexScript(`a = 'x\\ty' + r"raw\\n" + """tri'ple"""  # c`, 'python').filter((t) => t.kind === 'string');
  assert.deepEqual(tokens.map((t) => [t.value, t.verbatim]), [['x\ty', false], ['raw\\n', true], ["tri'ple", true]]);
  const rTokens = lexScript('x <- `my var` + "a\\"b"', 'r');
  assert.deepEqual(rTokens.map((t) => t.kind === 'string' ? `s:${t.value}` : t.text), ['x', '<-', 'my var', '+', 's:a"b']);
});

test('connection strings: braces, spaces and what does not look like one', () => {
  const pairs = parseConnectionString('Driver={ODBC Driver 18; for SQL};Server = . ; PWD={a;b}')!;
  assert.deepEqual(pairs.map((p) => [p.key, p.value]), [['driver', 'ODBC Driver 18; for SQL'], ['server', '.'], ['pwd', 'a;b']]);
  assert.equal(parseConnectionString('x=1'), null);
  assert.equal(parseConnectionString('SELECT a = 1; b = 2'), null);
});
