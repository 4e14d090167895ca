# One scenario against the instance's TDS endpoint with pyodbc on FreeTDS's ODBC driver (Debian's
# python3-pyodbc and tdsodbc, registered as "FreeTDS" in odbcinst.ini), for pyodbc.test.ts.
# Settings arrive as JSON on standard input; the outcome is printed as one line of JSON.
import json
import sys
import threading
import time

import pyodbc

settings = json.load(sys.stdin)
scenario = sys.argv[1]


def connect(login=None, password=None, autocommit=True):
    text = 'DRIVER={FreeTDS};SERVER=127.0.0.1;PORT=%d;DATABASE=master;TDS_Version=7.4;ClientCharset=UTF-8;Encryption=%s;UID=%s;PWD=%s' % (
        settings['port'],
        'require' if settings['encrypt'] else 'off',
        login or settings['login'],
        password or settings['password'],
    )
    return pyodbc.connect(text, autocommit=autocommit)


def rows(cursor):
    return [list(r) for r in cursor.fetchall()]


def everything(cursor):
    """Every result set, and the informational messages that came with them."""
    sets = []
    messages = list(cursor.messages)
    while True:
        if cursor.description is not None:
            sets.append(rows(cursor))
        if not cursor.nextset():
            break
        messages.extend(cursor.messages)
    return {'sets': sets, 'messages': [m[1] for m in messages]}


def run_batch(sql, **login):
    cursor = connect(**login).cursor()
    try:
        cursor.execute(sql)
        return everything(cursor)
    except pyodbc.Error as e:
        return {'error': str(e), 'messages': [m[1] for m in cursor.messages]}


def count(cursor, sql, *params):
    cursor.execute(sql, *params)
    return cursor.fetchone()[0]


def driver_transactions():
    """Microsoft's tutorial pattern: pyodbc's default autocommit=False (the driver begins and ends
    transactions with transaction manager requests), commit() and rollback(); what a second
    connection sees at each step."""
    table = settings['table']
    cnxn = connect(autocommit=False)
    cursor = cnxn.cursor()
    other = connect().cursor()
    seen = 'SELECT COUNT(*) FROM %s WHERE id = ?' % table
    outcome = {}
    cursor.execute('INSERT INTO %s VALUES (?, ?)' % table, 1, 'committed')
    outcome['trancount'] = count(cursor, 'SELECT @@TRANCOUNT')
    outcome['before_commit'] = count(other, seen, 1)
    cnxn.commit()
    outcome['after_commit'] = count(other, seen, 1)
    cursor.execute('INSERT INTO %s VALUES (?, ?)' % table, 2, 'rolled back')
    outcome['own_before_rollback'] = count(cursor, seen, 2)
    cnxn.rollback()
    outcome['after_rollback'] = count(other, seen, 2)
    # The driver began a new transaction with each commit and rollback: work goes on in it.
    cursor.execute('INSERT INTO %s VALUES (?, ?)' % table, 3, 'second commit')
    cnxn.commit()
    outcome['second_commit'] = count(other, seen, 3)
    cnxn.close()
    return outcome


def catalog(**login):
    """ODBC's catalog functions, as FreeTDS sends them (sp_tables and sp_columns by RPC): every
    field of each row, in the driver's order."""
    cursor = connect(**login).cursor()
    outcome = {'tables': [list(r) for r in cursor.tables(table=settings['tables'])]}
    outcome['columns'] = [list(r) for r in cursor.columns(table=settings['columns'])]
    outcome['columnNames'] = [d[0] for d in cursor.description]
    if settings.get('catalog'):
        outcome['inCatalog'] = [list(r) for r in cursor.tables(table=settings['tables'], catalog=settings['catalog'])]
    return outcome


def main():
    if scenario == 'who':
        cursor = connect().cursor()
        cursor.execute(settings['sql'])
        return {'rows': rows(cursor)}
    if scenario == 'batch':
        return run_batch(settings['sql'])
    if scenario == 'parameters':
        cursor = connect().cursor()
        cursor.execute('SELECT name FROM dbo.items WHERE id = ? AND name <> ?', 2, 'x')
        first = rows(cursor)
        # Prepared once, executed with another value (the driver's prepared statement path).
        cursor.execute('SELECT name FROM dbo.items WHERE id = ? AND name <> ?', 3, 'x')
        return {'rows': first + rows(cursor)}
    if scenario == 'procedure':
        cursor = connect().cursor()
        cursor.execute('SET NOCOUNT ON; DECLARE @y int; EXEC dbo.add_one ?, @y OUTPUT; SELECT @y AS y', 41)
        return everything(cursor)
    if scenario == 'as_user':
        return run_batch(settings['sql'], login=settings['user'], password=settings['userPassword'])
    if scenario == 'cancel':
        cursor = connect().cursor()
        timer = threading.Timer(0.5, cursor.cancel)
        timer.start()
        started = time.time()
        outcome = {}
        try:
            cursor.execute(settings['sql'])
            outcome['rows'] = rows(cursor)
        except pyodbc.Error as e:
            outcome['error'] = str(e)
        outcome['seconds'] = time.time() - started
        cursor.execute('SELECT 1 AS still')
        outcome['after'] = rows(cursor)
        return outcome
    if scenario == 'catalog':
        return catalog()
    if scenario == 'catalog_as_user':
        return catalog(login=settings['user'], password=settings['userPassword'])
    if scenario == 'driver_transactions':
        return driver_transactions()
    if scenario == 'wrong_password':
        try:
            connect(password='not the password')
            return {'connected': True}
        except pyodbc.Error as e:
            return {'error': str(e)}
    raise SystemExit('unknown scenario ' + scenario)


print(json.dumps(main(), default=str))
