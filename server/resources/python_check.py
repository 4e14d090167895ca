"""Long-lived static checker for the Python embedded in sp_execute_external_script.

Protocol: one JSON request per line on stdin, {"id": N, "script": "...", "names": ["InputDataSet", ...]},
and one JSON response per line on stdout:

  {"id": N, "pyflakes": true, "pyflakesError": null,
   "findings": [{"kind": "syntax", "message": "...", "line": 1, "col": 0, "endLine": 1, "endCol": 1}]}

Lines are 1-based; columns are 0-based and counted in code points of the line (lines split on
\\r\\n, \\r or \\n, as Python's tokenizer does). The TypeScript side turns them into UTF-16 columns.
endLine/endCol may be null when nothing better than "one character" is known.

The script is only parsed and compiled, never executed. Every failure is caught: the process
answers each request with whatever it found and keeps running until stdin closes.
"""

import ast
import json
import re
import sys
import warnings

try:
    from pyflakes import checker as pyflakes_checker
    from pyflakes import messages as pyflakes_messages
except Exception:  # any import failure just means pyflakes checks are off
    pyflakes_checker = None
    pyflakes_messages = None

FILENAME = '<script>'
LINE_BREAK = re.compile(r'\r\n|\r|\n')


def utf8(text):
    # Lone surrogates can arrive through JSON; keep them countable instead of failing.
    return text.encode('utf-8', 'surrogatepass')


def byte_to_column(line, byte_offset):
    """Code points of `line` before a UTF-8 byte offset (ast and the compiler count bytes)."""
    return len(utf8(line)[:max(byte_offset, 0)].decode('utf-8', 'ignore'))


def finding(kind, message, line, col, end_line=None, end_col=None):
    return {'kind': kind, 'message': message, 'line': line, 'col': col, 'endLine': end_line, 'endCol': end_col}


class Script:
    def __init__(self, source):
        self.source = source
        self.lines = LINE_BREAK.split(source)

    def line(self, lineno):
        if 1 <= lineno <= len(self.lines):
            return self.lines[lineno - 1]
        return ''

    def clamp_line(self, lineno):
        return min(max(lineno or 1, 1), len(self.lines))

    def position_of_index(self, index):
        """1-based line and code-point column of a character index into the source."""
        before = LINE_BREAK.split(self.source[:index])
        return len(before), len(before[-1])

    def whole_line(self, kind, message, lineno):
        """A finding that covers a line's text when the tool only names the line."""
        lineno = self.clamp_line(lineno)
        text = self.line(lineno)
        start = len(text) - len(text.lstrip())
        return finding(kind, message, lineno, start, lineno, max(len(text), start + 1))


def parser_column(script, err, lineno, offset):
    """Column of a parse-stage SyntaxError offset.

    CPython 3.11 counts the offset in characters of err.text. That is the error line itself,
    except when the error sits on a later line of a multi-line statement: then err.text starts
    at the statement's first line, and the byte offset was converted with the wrong line. Undo
    that by finding the byte offsets that could have produced `offset` and mapping them onto the
    real line, preferring the first one where a token can start.
    """
    text = err.text
    real = script.line(lineno)
    if not text or LINE_BREAK.split(text)[0] == real:
        return offset - 1
    k = offset - 1
    low = len(utf8(text[:k]))
    high = max(len(utf8(text[:k + 1])), low + 1)
    raw = utf8(real)
    starts = [b for b in range(low, high) if b >= len(raw) or (raw[b] & 0xC0) != 0x80]
    if not starts:
        return byte_to_column(real, low)
    token = [b for b in starts if b < len(raw) and raw[b] not in b' \t\f']
    return byte_to_column(real, (token or starts)[0])


def syntax_finding(script, err, from_compiler):
    """Turn a SyntaxError (or subclass) into a finding with code-point columns.

    Errors raised by compile() on the tree (e.g. 'return' outside function) carry UTF-8 byte
    offsets; errors raised by the parser carry character offsets (see parser_column).
    """
    lineno = script.clamp_line(err.lineno)
    message = '%s: %s' % (type(err).__name__, err.msg or 'invalid syntax')

    def column(line_number, offset):
        if from_compiler:
            return byte_to_column(script.line(line_number), offset - 1)
        return parser_column(script, err, line_number, offset)

    if isinstance(err, IndentationError) and not (isinstance(getattr(err, 'end_offset', None), int) and err.end_offset > 0):
        # 'unexpected indent', 'unindent does not match', TabError: the offsets land a column
        # before or after the culprit; what is wrong is the line's first token and its indentation.
        return first_token_finding(script, message, lineno)
    offset = err.offset if isinstance(err.offset, int) and err.offset > 0 else 1
    col = column(lineno, offset)
    end_line = getattr(err, 'end_lineno', None)
    end_offset = getattr(err, 'end_offset', None)
    if isinstance(end_line, int) and isinstance(end_offset, int) and end_offset > 0:
        end_line = script.clamp_line(end_line)
        end_col = column(end_line, end_offset)
        if (end_line, end_col) > (lineno, col):
            return finding('syntax', message, lineno, col, end_line, end_col)
    return finding('syntax', message, lineno, col)


FIRST_TOKEN = re.compile(r'[ \t\f]*(\w+|\S)')


def first_token_finding(script, message, lineno):
    text = script.line(lineno)
    match = FIRST_TOKEN.match(text)
    if not match:
        return script.whole_line('syntax', message, lineno)
    return finding('syntax', message, lineno, match.start(1), lineno, match.end(1))


def value_error_finding(script, err):
    """compile() refuses NUL characters and lone surrogates before parsing; point at the culprit."""
    index = -1
    if isinstance(err, UnicodeError) and isinstance(getattr(err, 'start', None), int):
        index = err.start
    elif '\x00' in script.source:
        index = script.source.index('\x00')
    message = 'SyntaxError: %s' % err
    if index < 0:
        return finding('syntax', message, 1, 0)
    line, col = script.position_of_index(index)
    return finding('syntax', message, line, col)


def warning_findings(script, caught):
    """SyntaxWarning/DeprecationWarning raised while compiling (invalid escape, 'is' with a literal)."""
    found = []
    for w in caught:
        if getattr(w, 'filename', None) != FILENAME or not isinstance(getattr(w, 'lineno', None), int):
            continue
        message = '%s: %s' % (w.category.__name__, w.message)
        found.append(escape_finding(script, message, w.lineno) or script.whole_line('warning', message, w.lineno))
    return found


ESCAPE_IN_MESSAGE = re.compile(r"invalid escape sequence '(\\.+?)'")


def escape_finding(script, message, lineno):
    """An invalid-escape warning sits on the escape itself: the first one at or after the line named."""
    match = ESCAPE_IN_MESSAGE.search(message)
    if not match:
        return None
    escape = match.group(1)
    for number in range(script.clamp_line(lineno), len(script.lines) + 1):
        col = script.line(number).find(escape)
        if col >= 0:
            return finding('warning', message, number, col, number, col + len(escape))
    return None


def pyflakes_findings(script, tree, names, skip):
    found = []
    check = pyflakes_checker.Checker(tree, filename=FILENAME, builtins=set(names))
    for message in sorted(check.messages, key=lambda m: (m.lineno, m.col)):
        text = message.message % message.message_args
        lineno = script.clamp_line(message.lineno)
        if (lineno, text) in skip:
            continue
        col = byte_to_column(script.line(lineno), message.col)
        if isinstance(message, pyflakes_messages.UndefinedName):
            name = str(message.message_args[0])
            found.append(finding('undefined-name', text, lineno, col, lineno, col + len(name)))
        elif isinstance(message, pyflakes_messages.UnusedImport):
            found.append(import_name_finding(script, text, lineno, col, str(message.message_args[0])))
        else:
            found.append(named_finding(script, text, lineno, col, message.message_args))
    return found


def named_finding(script, text, lineno, col, args):
    """A warning about a name (a redefinition, an unused variable) sits on that name where pyflakes points."""
    name = args[0] if args and isinstance(args[0], str) else None
    if name and re.fullmatch(r'\w+', name):
        match = re.compile(r'(?<![\w.])%s(?!\w)' % re.escape(name)).search(script.line(lineno), col)
        if match:
            return finding('warning', text, lineno, match.start(), lineno, match.end())
    return finding('warning', text, lineno, col)


def import_name_finding(script, text, lineno, col, imported):
    """An unused import sits on its own name: `import os, sys` gives one finding on `os`, one on `sys`.

    pyflakes names the import as written ('os', 'a.b', 'pkg.mod as alias') and places it at the
    statement; the name is searched for after the `import` keyword, across continuation lines.
    """
    if ' as ' in imported:
        name = imported.split(' as ', 1)[1]
    elif '.' in imported and script.line(lineno)[col:].lstrip().startswith('from'):
        name = imported.rsplit('.', 1)[1]
    else:
        name = imported
    pattern = re.compile(r'(?<![\w.])%s(?![\w.])' % re.escape(name))
    for number in range(lineno, min(lineno + 50, len(script.lines)) + 1):
        line = script.line(number)
        start = col if number == lineno else 0
        keyword = line.find('import', start) if number == lineno else -1
        match = pattern.search(line, keyword + len('import') if keyword >= 0 else start)
        if match:
            return finding('warning', text, number, match.start(), number, match.end())
    return finding('warning', text, lineno, col)


def check(source, names):
    """Returns (findings, pyflakes error text or None). Never raises for any script."""
    script = Script(source)
    findings = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter('always')
        try:
            tree = compile(source, FILENAME, 'exec', ast.PyCF_ONLY_AST, dont_inherit=True)
        except SyntaxError as err:
            return [syntax_finding(script, err, from_compiler=False)] + warning_findings(script, caught), None
        except ValueError as err:
            return [value_error_finding(script, err)], None
        except (RecursionError, MemoryError) as err:
            # The parser gives up on very deep nesting; the runtime would refuse the script too.
            return [finding('syntax', 'SyntaxError: %s' % (str(err) or type(err).__name__), 1, 0)], None
        # The compiler finds what the parser accepts but Python still rejects
        # ('return' outside function, nonlocal at module level, ...). Compiling does not run anything.
        compiler_error = None
        try:
            compile(tree, FILENAME, 'exec', dont_inherit=True)
        except SyntaxError as err:
            compiler_error = err
            findings.append(syntax_finding(script, err, from_compiler=True))
        except Exception:
            pass  # e.g. RecursionError on a deep tree: the parse succeeded, keep going
        findings.extend(warning_findings(script, caught))

    if pyflakes_checker is None:
        return findings, None
    # pyflakes repeats some compiler errors ('return' outside function); report those once.
    skip = set()
    if compiler_error is not None:
        skip.add((script.clamp_line(compiler_error.lineno), compiler_error.msg))
    try:
        findings.extend(pyflakes_findings(script, tree, names, skip))
    except Exception as err:
        return findings, '%s: %s' % (type(err).__name__, err)
    return findings, None


def answer(line):
    request_id = None
    try:
        request = json.loads(line.decode('utf-8', 'surrogateescape'))
        request_id = request.get('id')
        source = request.get('script')
        names = [n for n in request.get('names') or [] if isinstance(n, str)]
        if not isinstance(source, str):
            raise ValueError('request has no script')
        findings, pyflakes_error = check(source, names)
        return {'id': request_id, 'pyflakes': pyflakes_checker is not None,
                'pyflakesError': pyflakes_error, 'findings': findings}
    except Exception as err:
        return {'id': request_id, 'error': '%s: %s' % (type(err).__name__, err)}


def main():
    stdin = sys.stdin.buffer
    stdout = sys.stdout
    while True:
        line = stdin.readline()
        if not line:
            return  # stdin closed: the editor or CLI is done with us
        if not line.strip():
            continue
        # ensure_ascii keeps the output independent of the locale's encoding.
        stdout.write(json.dumps(answer(line), ensure_ascii=True) + '\n')
        stdout.flush()


if __name__ == '__main__':
    main()
