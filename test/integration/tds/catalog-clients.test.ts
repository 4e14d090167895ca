// ODBC's catalog functions from clients nobody here wrote, through FreeTDS's ODBC driver against
// the TDS endpoint: pyodbc's cursor.tables() / cursor.columns() and RODBC's sqlTables() /
// sqlColumns(). FreeTDS calls sp_tables and sp_columns by RPC (sp_columns with @ODBCVer = 3, and
// `[catalog]..sp_tables` when a catalog is named) and gives the first columns ODBC 3's names
// (TABLE_CAT, TABLE_SCHEM, COLUMN_SIZE, ...); nothing else is asked of the instance first.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { skipReason } from '../../support/requireOrSkip';
import { pythonScenario, runWithInput, TdsBed, tdsSkip } from './harness';

const skip = tdsSkip({ python: 'pyodbc' });
const rSkip = skip ?? skipReason(spawnSync('/usr/bin/Rscript', ['-e', 'library(RODBC)']).status === 0 ? undefined : 'needs RODBC (apt-get install r-cran-rodbc tdsodbc)');

const at = ['master', 'dbo', 'cat_readings'];
const TABLES = [
  ['master', 'dbo', 'cat_readings', 'TABLE', null],
  ['master', 'dbo', 'cat_recent', 'VIEW', null],
];
/** sp_columns at ODBC 3: a datetime is SQL_TYPE_TIMESTAMP (93), a date its text form (SQL_WVARCHAR, -9), as SQL Server's sp_columns has them. */
const COLUMNS = [
  [...at, 'id', 4, 'int identity', 10, 4, 0, 10, 0, null, null, 4, null, null, 1, 'NO', 56],
  [...at, 'label', -9, 'nvarchar', 50, 100, null, null, 1, null, null, -9, null, 100, 2, 'YES', 39],
  [...at, 'taken', -9, 'date', 10, 20, null, null, 1, null, null, -9, null, 20, 3, 'YES', 0],
  [...at, 'amount', 3, 'decimal', 10, 12, 2, 10, 1, null, null, 3, null, null, 4, 'YES', 106],
  [...at, 'logged', 93, 'datetime', 23, 16, 3, null, 0, null, null, 9, 3, null, 5, 'NO', 61],
];
const COLUMN_NAMES = [
  'TABLE_CAT', 'TABLE_SCHEM', 'TABLE_NAME', 'COLUMN_NAME', 'DATA_TYPE', 'TYPE_NAME', 'COLUMN_SIZE', 'BUFFER_LENGTH', 'DECIMAL_DIGITS', 'NUM_PREC_RADIX',
  'NULLABLE', 'REMARKS', 'COLUMN_DEF', 'SQL_DATA_TYPE', 'SQL_DATETIME_SUB', 'CHAR_OCTET_LENGTH', 'ORDINAL_POSITION', 'IS_NULLABLE', 'SS_DATA_TYPE',
];

describe("ODBC's catalog functions through FreeTDS (pyodbc, RODBC)", { skip }, () => {
  const bed = new TdsBed('catalog', 'sqltdc');
  before(async () => {
    await bed.start();
    const owner = await bed.instance.connect();
    try {
      const setup = await owner.run(`CREATE TABLE dbo.cat_readings (id int IDENTITY(1, 1) NOT NULL, label nvarchar(50) NULL, taken date, amount decimal(10, 2), logged datetime NOT NULL);
GRANT SELECT ON dbo.cat_readings TO ${bed.user.name};
GO
CREATE VIEW dbo.cat_recent AS SELECT id, label FROM dbo.cat_readings;`);
      assert.deepEqual(setup.batches.flatMap((b) => b.messages).filter((m) => m.kind === 'error'), []);
    } finally {
      owner.close();
    }
  }, { timeout: 300_000 });
  after(() => bed.stop());

  const settings = { tables: 'cat%', columns: 'cat_readings' };

  test('pyodbc: cursor.tables() and cursor.columns(), in the current database and named as the catalog', async () => {
    const r = await pythonScenario('pyodbc_client.py', 'catalog', { port: bed.port, login: bed.admin, encrypt: true, ...settings, catalog: 'master' });
    assert.deepEqual(r.tables, TABLES);
    assert.deepEqual(r.inCatalog, TABLES);
    assert.deepEqual(r.columns, COLUMNS);
    assert.deepEqual(r.columnNames, COLUMN_NAMES.map((n) => n.toLowerCase()));
  });

  test('pyodbc: a login lists only what it may see', async () => {
    const r = await pythonScenario('pyodbc_client.py', 'catalog_as_user', { port: bed.port, login: bed.admin, encrypt: false, ...settings, user: bed.user.name, userPassword: bed.user.password });
    assert.deepEqual(r.tables, [TABLES[0]]);
    assert.deepEqual(r.columns, COLUMNS);
  });

  test('RODBC: sqlTables() and sqlColumns()', { skip: rSkip }, async () => {
    const r = await runWithInput('/usr/bin/Rscript', [join(__dirname, 'rodbc_client.R')], [bed.port, bed.admin.name, bed.admin.password, settings.tables, settings.columns].join('\n') + '\n');
    assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
    const frames = framesOf(r.stdout);
    const asText = (rows: unknown[][]) => rows.map((row) => row.map((v) => (v === null ? null : String(v))));
    assert.deepEqual(frames.tables, [['TABLE_CAT', 'TABLE_SCHEM', 'TABLE_NAME', 'TABLE_TYPE', 'REMARKS'], ...asText(TABLES)]);
    assert.deepEqual(frames.columns, [COLUMN_NAMES, ...asText(COLUMNS)]);
  });
});

/** rodbc_client.R's data frames by name: the header, then each row, NA as null. */
function framesOf(stdout: string): Record<string, (string | null)[][]> {
  const frames: Record<string, (string | null)[][]> = {};
  let current: (string | null)[][] | null = null;
  for (const line of stdout.split('\n')) {
    const named = /^== (\w+)\s*$/.exec(line);
    if (named) frames[named[1]!] = current = [];
    else if (current && line.trim() !== '') current.push(line.split('\t').map((v) => (v === 'NA' ? null : v)));
  }
  return frames;
}
