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


def connect(login=None, password=None):
    text = 'DRIVER={FreeTDS};SERVER=127.0.0.1;PORT=%d;DATABASE=master;TDS_Version=7.4;ClientCharset=UTF-8;Encryption=%s;UID=%s;PWD=%s' % (
        settings['port'],
        'require' if settings['encrypt'] else 'off',
        login or settings['login'],
        password or settings['password'],
    )
    return pyodbc.connect(text, autocommit=True)


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
    if scenario == 'wrong_password':
        try:
            connect(password='not the password')
            return {'connected': True}
        except pyodbc.Error as e:
            return {'error': str(e)}
    raise SystemExit('unknown scenario ' + scenario)


print(json.dumps(main(), default=str))
