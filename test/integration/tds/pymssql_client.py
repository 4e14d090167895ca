# One scenario against the instance's TDS endpoint with pymssql (FreeTDS's DB-Library), for
# pymssql.test.ts. Settings (port, login, password, encrypt) arrive as JSON on standard input;
# the outcome is printed as one line of JSON. FreeTDS takes its encryption setting from a
# freetds.conf, so one is written for the run and named by FREETDSCONF.
import json
import os
import sys
import tempfile
import threading
import time

settings = json.load(sys.stdin)
scenario = sys.argv[1]

conf = tempfile.NamedTemporaryFile('w', suffix='.conf', delete=False)
conf.write('[global]\n\ttds version = 7.4\n\tencryption = %s\n' % ('require' if settings['encrypt'] else 'off'))
conf.close()
os.environ['FREETDSCONF'] = conf.name

import pymssql  # noqa: E402 (FREETDSCONF must be set first)

messages = []


def connect(login=None, password=None, database='master'):
    conn = pymssql.connect(server='127.0.0.1', port=settings['port'], user=login or settings['login'], password=password or settings['password'], database=database, autocommit=True)
    conn._conn.set_msghandler(lambda state, severity, server, procedure, line, text: messages.append({'number': None, 'severity': severity, 'text': text.decode('utf-8', 'replace') if isinstance(text, bytes) else text, 'line': line}))
    return conn


def result_sets(cursor):
    sets = []
    while True:
        if cursor.description is not None:
            sets.append([list(row) for row in cursor.fetchall()])
        if not cursor.nextset():
            return sets


def error_of(e):
    number = e.args[0] if e.args and isinstance(e.args[0], int) else None
    text = e.args[1].decode('utf-8', 'replace') if len(e.args) > 1 and isinstance(e.args[1], bytes) else str(e)
    return {'number': number, 'text': text}


def run_batch(sql, **login):
    conn = connect(**login)
    cursor = conn.cursor()
    try:
        cursor.execute(sql)
        return {'sets': result_sets(cursor), 'messages': messages}
    except pymssql.Error as e:
        return {'error': error_of(e), 'messages': messages}


def main():
    if scenario == 'who':
        cursor = connect().cursor()
        cursor.execute(settings['sql'])
        return {'rows': [list(r) for r in cursor.fetchall()]}
    if scenario == 'batch':
        return run_batch(settings['sql'])
    if scenario == 'parameters':
        cursor = connect().cursor()
        cursor.execute('SELECT name FROM dbo.items WHERE id = %d AND name <> %s', (2, 'x'))
        return {'rows': [list(r) for r in cursor.fetchall()]}
    if scenario == 'procedure':
        cursor = connect().cursor()
        out = cursor.callproc('dbo.add_two', (40, pymssql.output(int)))
        return {'output': list(out)}
    if scenario == 'as_user':
        return run_batch(settings['sql'], login=settings['user'], password=settings['userPassword'])
    if scenario == 'cancel':
        conn = connect()
        cursor = conn.cursor()
        timer = threading.Timer(0.5, conn._conn.cancel)
        timer.start()
        started = time.time()
        outcome = {}
        try:
            cursor.execute(settings['sql'])
            outcome['rows'] = [list(r) for r in cursor.fetchall()]
        except pymssql.Error as e:
            outcome['error'] = error_of(e)
        outcome['seconds'] = time.time() - started
        cursor.execute('SELECT 1 AS still')
        outcome['after'] = [list(r) for r in cursor.fetchall()]
        return outcome
    if scenario == 'wrong_password':
        try:
            connect(password='not the password')
            return {'connected': True}
        except pymssql.Error as e:
            return {'error': str(e)}
    raise SystemExit('unknown scenario ' + scenario)


try:
    print(json.dumps(main(), default=str))
finally:
    os.unlink(conf.name)
