"""The sqlml Python satellite: runs one sp_execute_external_script session.

The launcher starts this file inside the session folder (the working directory) with
`python3 -I runner.py`, after writing there:
  request.txt     key=value lines: input_name, output_name, output_params, one `run=<chunks>` per run
  script.py       the user's script, compiled as is, so every line number is the user's own
  params.bin      one row, a column per @params value (the exchange format, see format.ts)
  input-<k>.bin   the input rows, one file per chunk, numbered across runs from 1
It writes result.bin: a status dataset, the output data set, the OUTPUT parameters.
Everything the script prints goes to stdout/stderr, which the launcher streams as messages.
"""

import builtins
import ctypes
import datetime
import math
import mmap
import os
import struct
import sys
import threading
import traceback

MAGIC = b"SQLMLX01"
F8, I4, I8, B1, STR, DT, BIN = 1, 2, 3, 4, 5, 6, 7
# Text sent coded (format.ts): codes into its distinct values, a layout of STR.
STR_CODED = 8
SCRIPT = "script.py"
RUNNER = os.path.abspath(__file__)
EPOCH = datetime.datetime(1970, 1, 1)
# CREATE EXTERNAL LIBRARY packages the caller sees in its database, bound read-only by the
# launcher and searched before the system's (public libraries first, then the caller's own).
sys.path[0:0] = [p for p in os.environ.get("SQLML_LIBRARY_PATHS", "").split(":") if p]


class Failure(Exception):
    """A failure to report as the session's status: a state, a message and a script line."""

    def __init__(self, state, message, line=None):
        super().__init__(message)
        self.state = state
        self.message = message
        self.line = line


# ---------------------------------------------------------------- reading the exchange format

def read_request():
    request = {"runs": []}
    with open("request.txt", encoding="utf-8") as f:
        for line in f.read().splitlines():
            key, _, value = line.partition("=")
            if key == "run":
                request["runs"].append(int(value))
            else:
                request[key] = value
    return request


def read_datasets(path):
    # A private, writable mapping: columns are views of the file (the format aligns them), pages
    # are read when touched, and a script that writes into its input changes only its own copy.
    with open(path, "rb") as f:
        size = os.fstat(f.fileno()).st_size
        buf = memoryview(mmap.mmap(f.fileno(), size, access=mmap.ACCESS_COPY)) if size else memoryview(b"")
    if bytes(buf[: len(MAGIC)]) != MAGIC:
        raise Failure("satellite-error", "%s is not an exchange file" % path)
    pos, out = len(MAGIC), []
    while pos < len(buf):
        rows, ncol = (int(x) for x in struct.unpack_from("<2d", buf, pos))
        pos += 16
        columns = []
        for _ in range(ncol):
            kind, has_nulls, nlen, tlen, dlen = (int(x) for x in struct.unpack_from("<5d", buf, pos))
            pos += 40
            name = bytes(buf[pos : pos + nlen]).decode("utf-8")
            pos += nlen
            sql_type = bytes(buf[pos : pos + tlen]).decode("utf-8")
            pos += tlen
            mask = None
            if has_nulls:
                mask = buf[pos : pos + rows]
                pos += rows
            pos += -pos % 8
            columns.append((name, sql_type, kind, mask, buf[pos : pos + dlen]))
            pos += dlen + (-dlen % 8)
        out.append((rows, columns))
    return out


def column_values(np, pd, rows, kind, mask, data):
    """A column as pandas holds it, following the SQL→Python map of mlservices-facts.md §1.5."""
    nulls = np.frombuffer(mask, dtype=np.uint8).astype(bool) if mask is not None else None
    if kind in (F8, DT):
        values = np.frombuffer(data, dtype="<f8", count=rows)
        if kind == DT:
            # Whole milliseconds as integers: a float conversion would leave nanosecond noise.
            values = pd.to_datetime(np.round(values).astype("int64"), unit="ms")
            return values.where(~nulls) if nulls is not None else values
        return np.where(nulls, np.nan, values) if nulls is not None else values
    if kind == I4:
        values = np.frombuffer(data, dtype="<i4", count=rows)
        # As in pandas generally, an integer column with NULLs becomes float64 with NaN.
        return np.where(nulls, np.nan, values.astype("float64")) if nulls is not None else values
    if kind == I8:
        values = np.frombuffer(data, dtype="<i8", count=rows)
        return np.where(nulls, np.nan, values.astype("float64")) if nulls is not None else values
    if kind == B1:
        values = np.frombuffer(data, dtype=np.uint8, count=rows).astype(bool)
        if nulls is None:
            return values
        out = values.astype(object)
        out[nulls] = None
        return out
    if kind == STR:
        values = bytes(data).decode("utf-8").split("\x00")[:-1]
        for i in np.flatnonzero(nulls) if nulls is not None else ():
            values[i] = None
        return np.array(values, dtype=object) if values else np.array([], dtype=object)
    if kind == STR_CODED:
        (count,) = struct.unpack_from("<i", data, 0)
        codes = np.frombuffer(data, dtype="<i4", count=rows, offset=4)
        distinct = bytes(data[4 + 4 * rows :]).decode("utf-8").split("\x00")[:-1]
        if len(distinct) != count:
            raise Failure("satellite-error", "a coded text column holds %d values for %d" % (len(distinct), count))
        # One string object per distinct value, shared by its rows (as read_csv leaves them); a
        # NULL row's code, -1, takes the None at the end.
        table = np.array(distinct + [None], dtype=object)
        coded_inputs.append(CodedInput(np, table, bytes(data[4 + 4 * rows :])))
        return table.take(codes)
    if kind == BIN:
        lengths = np.frombuffer(data, dtype="<i4", count=rows)
        values, pos = [], rows * 4
        for n in lengths.tolist():
            values.append(bytes(data[pos : pos + n]))
            pos += n
        for i in np.flatnonzero(nulls) if nulls is not None else ():
            values[i] = None
        return np.array(values, dtype=object)
    raise Failure("satellite-error", "unknown column kind %d" % kind)


class CodedInput:
    """The string objects of a text column read coded, and their UTF-8 as it came, so that an output
    column made of those very objects (passed through, filtered, reordered) goes back coded with
    the same distinct values, found from the objects' addresses (recode) instead of factorized."""

    def __init__(self, np, table, text):
        self.table = table
        self.text = text
        # CPython's id is an object's address; the table keeps its strings alive, so no other
        # object can have one of these addresses meanwhile.
        addresses = np.array([id(v) for v in table], dtype=np.intp)
        self.members = frozenset(addresses.tolist())
        order = np.argsort(addresses)
        self.addresses = addresses[order]
        # The code of each address in sorted order: its place in the table, -1 for the None.
        self.codes = order.astype("<i4")
        self.codes[self.codes == len(table) - 1] = -1


# Every text column read coded by this session, in the order read.
coded_inputs = []


def object_addresses(np, objects):
    """The addresses of a C-contiguous object array's elements, read in place: what map(id, ...)
    gives, without a Python call per row. Valid while `objects` lives."""
    cells = (ctypes.c_ssize_t * len(objects)).from_address(objects.__array_interface__["data"][0])
    return np.frombuffer(cells, dtype=np.intp)


def recode(np, series):
    """(codes, the CodedInput) when every row of an object column is one of a coded input's strings
    or its None, else None. Factorizing a million labels again costs about 70 ms and finding their
    NULLs 17 more; the addresses take about 8."""
    objects = np.ascontiguousarray(series.to_numpy(dtype=object))
    if len(objects) == 0:
        return None
    # A few rows spread over the column say which input, if any, it could be made of.
    sample = [id(v) for v in objects[:: max(1, len(objects) // 16)]]
    for coded in coded_inputs:
        # Coded only while the distinct values are at most half the rows, as a factorized column.
        if (len(coded.table) - 1) * 2 > len(objects) or not coded.members.issuperset(sample):
            continue
        addresses = object_addresses(np, objects)
        at = np.searchsorted(coded.addresses, addresses)
        np.minimum(at, len(coded.addresses) - 1, out=at)
        if np.array_equal(coded.addresses[at], addresses):
            return coded.codes.take(at), coded
    return None


def read_frame(np, pd, path):
    rows, columns = read_datasets(path)[0]
    if not columns:
        return pd.DataFrame(index=range(rows))
    # Built by position, then named, because SQL allows two columns of the same name; without a
    # copy, each column stays the array it was read as.
    frame = pd.DataFrame({i: column_values(np, pd, rows, kind, mask, data) for i, (_, _, kind, mask, data) in enumerate(columns)}, copy=False)
    frame.columns = [name for name, *_ in columns]
    return frame


def scalar(kind, mask, data):
    if mask is not None and mask[0]:
        return None
    if kind == F8:
        return struct.unpack_from("<d", data)[0]
    if kind == I4:
        return struct.unpack_from("<i", data)[0]
    if kind == I8:
        return struct.unpack_from("<q", data)[0]
    if kind == B1:
        return data[0] != 0
    if kind == STR:
        return bytes(data[:-1]).decode("utf-8")
    if kind == DT:
        return EPOCH + datetime.timedelta(milliseconds=struct.unpack_from("<d", data)[0])
    if kind == BIN:
        return bytes(data[4:])
    raise Failure("satellite-error", "unknown parameter kind %d" % kind)


def read_params():
    _, columns = read_datasets("params.bin")[0]
    values = {name: scalar(kind, mask, data) for name, _, kind, mask, data in columns}
    kinds = {name: (kind, sql_type) for name, sql_type, kind, _, _ in columns}
    return values, kinds


# ---------------------------------------------------------------- writing the exchange format

def dataset(columns, rows):
    """columns: (name, sql type, kind, null mask, data); masks and data are bytes or byte views."""
    parts = [struct.pack("<2d", rows, len(columns))]
    for name, sql_type, kind, mask, data in columns:
        name_b, type_b = name.encode("utf-8", "replace"), sql_type.encode("utf-8")
        parts.append(struct.pack("<5d", kind, 1 if mask is not None else 0, len(name_b), len(type_b), len(data)))
        parts += [name_b, type_b]
        if mask is not None:
            parts.append(mask)
        # Zero bytes up to a multiple of 8 after the description and after the data (format.ts).
        parts.append(b"\0" * (-(len(name_b) + len(type_b) + (len(mask) if mask is not None else 0)) % 8))
        parts += [data, b"\0" * (-len(data) % 8)]
    return parts


def text_data(values, what):
    joined = "\x00".join(values)
    if joined.count("\x00") != max(len(values) - 1, 0):
        raise Failure("output-error", "%s contains a NUL character, which cannot be returned to SQL Server" % what)
    return (joined + "\x00").encode("utf-8", "replace") if values else b""


def raw(np, array):
    """An array's bytes as a view, not a copy (writelines writes straight from it): a million rows
    of a column are 8 MB of fresh memory to fault in when copied."""
    return memoryview(np.ascontiguousarray(array)).cast("B")


def encode_column(np, pd, name, series):
    """A pandas column as (name, sql type, kind, mask, data), the Python→SQL map of the facts file."""
    what = "Column '%s' of the output data set" % name
    recoded = recode(np, series) if series.dtype == object and coded_inputs else None
    if recoded is not None:
        codes, coded = recoded
        nulls = codes == -1
        mask = raw(np, nulls.view(np.uint8)) if nulls.any() else None
        data = struct.pack("<i", len(coded.table) - 1) + codes.tobytes() + coded.text
        return (name, "nvarchar(max)", STR_CODED, mask, data)
    isna = series.isna().to_numpy()
    mask = raw(np, isna.view(np.uint8)) if isna.any() else None
    dtype = series.dtype
    if pd.api.types.is_datetime64_any_dtype(dtype):
        values = series.dt.tz_convert("UTC").dt.tz_localize(None) if series.dt.tz is not None else series
        ms = values.to_numpy(dtype="datetime64[ms]").astype("<i8").astype("<f8")
        return (name, "datetime", DT, mask, raw(np, ms))
    if pd.api.types.is_extension_array_dtype(dtype):
        # Nullable integers, categoricals, pandas strings: judged by their values, as objects are.
        series = series.astype(object)
        dtype = series.dtype
    if dtype.kind == "f":
        values = series.to_numpy(dtype="<f8")
        finite = np.isfinite(values)
        if not finite.all():
            mask = raw(np, (~finite).view(np.uint8))
        return (name, "real" if dtype.itemsize == 4 else "float", F8, mask, raw(np, values))
    if dtype.kind in "iu":
        if dtype.itemsize <= 2 or (dtype.kind == "i" and dtype.itemsize == 4):
            return (name, "int", I4, mask, raw(np, series.to_numpy(dtype="<i4")))
        return (name, "bigint", I8, mask, raw(np, series.to_numpy(dtype="<i8")))
    if dtype.kind == "b":
        return (name, "bit", B1, mask, raw(np, series.to_numpy(dtype=np.uint8)))
    return encode_objects(np, pd, name, series, isna, mask, what)


# A text column this long is sampled before it is factorized (see mostly_distinct).
SAMPLED_ROWS = 4096


def mostly_distinct(pd, series):
    """A long text column whose evenly spread sample is nine tenths distinct goes plain unfactorized:
    factorizing a million distinct strings costs about 270 ms, only to find the column cannot be
    coded. A misjudged column is merely sent plain."""
    if len(series) < 8 * SAMPLED_ROWS:
        return False
    sample = series.iloc[:: len(series) // SAMPLED_ROWS].dropna()
    return len(sample) > 0 and len(pd.unique(sample)) * 10 > len(sample) * 9


def encode_objects(np, pd, name, series, isna, mask, what):
    inferred = pd.api.types.infer_dtype(series, skipna=True)
    if inferred == "boolean":
        return (name, "bit", B1, mask, raw(np, series.where(~isna, False).to_numpy(dtype=np.uint8)))
    if inferred == "integer":
        return (name, "bigint", I8, mask, raw(np, series.where(~isna, 0).to_numpy(dtype="<i8")))
    if inferred in ("floating", "mixed-integer-float", "decimal"):
        values = series.where(~isna, np.nan).to_numpy(dtype="<f8")
        finite = np.isfinite(values)
        return (name, "float", F8, None if finite.all() else raw(np, (~finite).view(np.uint8)), raw(np, values))
    if inferred in ("datetime", "datetime64", "date"):
        return encode_column(np, pd, name, pd.to_datetime(series))
    if inferred == "bytes":
        values = [b"" if v is None or (isinstance(v, float) and math.isnan(v)) else bytes(v) for v in series.tolist()]
        lengths = np.array([len(v) for v in values], dtype="<i4").tobytes()
        return (name, "varbinary(max)", BIN, mask, lengths + b"".join(values))
    # Text, and anything else through str(): SQL Server returns what it cannot map as text or NULL.
    if inferred == "string":
        # Labels and categories go coded (format.ts): -1, factorize's code for a missing value, is NULL.
        codes, distinct = (None, ()) if mostly_distinct(pd, series) else pd.factorize(series)
        if 0 < len(distinct) * 2 <= len(series):
            data = struct.pack("<i", len(distinct)) + codes.astype("<i4").tobytes() + text_data(list(distinct), what)
            return (name, "nvarchar(max)", STR_CODED, mask, data)
        values = (series.where(~isna, "") if mask is not None else series).tolist()
    else:
        values = ["" if missing else str(v) for v, missing in zip(series.tolist(), isna.tolist())]
    return (name, "nvarchar(max)", STR, mask, text_data(values, what))


def encode_param(name, kind, sql_type, value):
    what = "The OUTPUT parameter @%s (%s)" % (name, sql_type)
    if hasattr(value, "item") and not isinstance(value, (bytes, str)):
        value = value.item()  # numpy scalars
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return (name, sql_type, kind, b"\x01", empty_value(kind))
    try:
        if kind == F8:
            data = struct.pack("<d", float(value))
        elif kind == I4:
            data = struct.pack("<i", int(value))
        elif kind == I8:
            data = struct.pack("<q", int(value))
        elif kind == B1:
            data = bytes([1 if bool(value) else 0])
        elif kind == STR:
            data = text_data([str(value)], what)
        elif kind == DT:
            data = struct.pack("<d", (value - EPOCH).total_seconds() * 1000.0)
        else:
            if not isinstance(value, (bytes, bytearray, memoryview)):
                raise TypeError("needs bytes")
            data = struct.pack("<i", len(value)) + bytes(value)
    except (TypeError, ValueError, OverflowError, struct.error):
        raise Failure("output-error", "%s cannot hold the value the script set: %r (%s)." % (what, value, type(value).__name__))
    return (name, sql_type, kind, None, data)


def empty_value(kind):
    return {F8: b"\0" * 8, I4: b"\0" * 4, I8: b"\0" * 8, B1: b"\0", STR: b"\0", DT: b"\0" * 8, BIN: b"\0" * 4}[kind]


def write_result(status, output_columns, output_rows, param_columns):
    state, message, line = status
    line_data = struct.pack("<d", line if line is not None else math.nan)
    status_columns = [
        ("state", "varchar(20)", STR, None, text_data([state], "state")),
        ("message", "nvarchar(max)", STR, None, text_data([message.replace("\x00", "\\0")], "message")),
        ("line", "int", F8, None if line is not None else b"\x01", line_data),
    ]
    parts = [MAGIC] + dataset(status_columns, 1) + dataset(output_columns, output_rows) + dataset(param_columns, 1)
    if os.path.lexists("result.bin"):
        os.unlink("result.bin")
    fd = os.open("result.bin", os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.writelines(parts)


# ---------------------------------------------------------------- the loopback to the instance

class LoopbackError(Exception):
    """The instance refused or failed a loopback query; the message is SQL Server's."""


# The channel is a descriptor the launcher handed this process (SQLML_LOOPBACK_FD names it), the
# other end of which only the instance holds: there is no socket file to find and no token to show.
# Frames: u32 big-endian body length, one kind byte, the body ('Q' query JSON out, 'A' answer JSON back).
LOOPBACK_QUERY, LOOPBACK_ANSWER = 0x51, 0x41
_loopback_lock = threading.Lock()


def _loopback_fd():
    fd = os.environ.get("SQLML_LOOPBACK_FD", "")
    if not fd.isdigit():
        raise LoopbackError("sqlml_query: this session has no loopback channel to the instance.")
    return int(fd)


def _read_exactly(fd, n):
    parts = []
    while n > 0:
        part = os.read(fd, min(n, 1 << 20))
        if not part:
            raise LoopbackError("sqlml_query: the instance closed the loopback channel.")
        parts.append(part)
        n -= len(part)
    return b"".join(parts)


def loopback_exchange(query):
    """Sends one query frame and returns the decoded answer (one exchange at a time per process)."""
    import json
    body = json.dumps({"query": str(query)}).encode("utf-8")
    with _loopback_lock:
        relayed = None
        try:
            # Once the session's TDS relay (tds_relay.py) owns the channel, it forwards the exchange.
            name = os.environ.get("SQLML_LOOPBACK_SOCKET")
            if name:
                import socket
                relayed = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                relayed.connect("\0" + name)
            fd = relayed.fileno() if relayed else _loopback_fd()
            # The descriptor is shared with the script: a socket object it wrapped around it may
            # have made it non-blocking (settimeout), which would turn a wait into EAGAIN.
            os.set_blocking(fd, True)
            frame = struct.pack(">IB", len(body), LOOPBACK_QUERY) + body
            while frame:
                frame = frame[os.write(fd, frame):]
            length, kind = struct.unpack(">IB", _read_exactly(fd, 5))
            answer = _read_exactly(fd, length)
        except OSError as e:
            raise LoopbackError("sqlml_query: the loopback channel failed (%s)." % e.strerror)
        finally:
            if relayed:
                relayed.close()
    if kind != LOOPBACK_ANSWER:
        raise LoopbackError("sqlml_query: the loopback channel sent a frame of unknown kind %d." % kind)
    return json.loads(answer.decode("utf-8"))


def sqlml_query(query):
    """Runs `query` on the instance, as the caller of sp_execute_external_script, and returns the
    first result set as a pandas DataFrame. The connection is the trusted loopback the launcher
    gives this session: it works when the instance has a login for the worker group."""
    import pandas as pd
    answer = loopback_exchange(query)
    if "error" in answer:
        e = answer["error"]
        raise LoopbackError("Msg %d, Level %d, State %d: %s" % (e["number"], e["severity"], e["state"], e["text"]))
    return pd.DataFrame(answer["rows"], columns=[c["name"] for c in answer["columns"]])


# ---------------------------------------------------------------- running the user's script

# Microsoft's proprietary packages of SQL Server Machine Learning Services are not here; a script
# that imports one learns which it is and what does the same job, instead of a bare
# ModuleNotFoundError. The finder goes last, so a package of that name installed with CREATE
# EXTERNAL LIBRARY still wins.
PROPRIETARY = {
    "revoscalepy": "use pandas, scikit-learn (sklearn) or statsmodels for the models, and @input_data_1 "
    "or sqlml_query() to read data in place of RxSqlServerData / rx_import",
    "microsoftml": "use scikit-learn (sklearn) for the learners and featurizers",
}


class ProprietaryPackageFinder:
    @staticmethod
    def find_spec(name, path=None, target=None):
        top = name.split(".")[0]
        advice = PROPRIETARY.get(top.lower())
        if advice is None:
            return None
        raise ModuleNotFoundError(
            "No module named '%s': %s is one of Microsoft's proprietary packages of SQL Server Machine "
            "Learning Services, which this instance does not have; %s." % (name, top, advice),
            name=name,
        )



def script_traceback(error):
    """The traceback without this runner's frames; the line is the innermost line of script.py."""
    te = traceback.TracebackException.from_exception(error)
    te.stack = traceback.StackSummary.from_list([f for f in te.stack if f.filename != RUNNER])
    lines = [f.lineno for f in te.stack if f.filename == SCRIPT]
    line = lines[-1] if lines else None
    if line is None and isinstance(error, SyntaxError) and error.filename == SCRIPT:
        line = error.lineno
    return "".join(te.format()).rstrip("\n"), line


def run_script(code, namespace):
    # A script may change the working directory (os.chdir to save a plot): the session's files
    # are relative to the session folder, so the runner goes back to it after each run.
    home = os.getcwd()
    try:
        exec(code, namespace)
    except SystemExit as e:
        if e.code not in (None, 0):
            raise Failure("script-error", "The script called sys.exit(%r)." % (e.code,))
    except BaseException as e:  # the user's script may raise anything, KeyboardInterrupt included
        text, line = script_traceback(e)
        raise Failure("script-error", text, line)
    finally:
        os.chdir(home)


def output_frame(pd, namespace, output_name):
    frame = namespace.get(output_name)
    if frame is None:
        return None
    if not isinstance(frame, pd.DataFrame):
        raise Failure("output-error", "%s must be a pandas DataFrame, but the script set it to a %s." % (output_name, type(frame).__name__))
    return frame if len(frame.columns) > 0 else None


def run_session():
    request = read_request()
    try:
        import numpy as np
        import pandas as pd
    except ImportError as e:
        raise Failure("runtime-error", "%s cannot import pandas (%s)." % (sys.executable, e))
    params, param_kinds = read_params()
    with open(SCRIPT, encoding="utf-8") as f:
        source = f.read()
    try:
        code = compile(source, SCRIPT, "exec", dont_inherit=True)
    except (SyntaxError, ValueError) as e:
        text, line = script_traceback(e)
        raise Failure("script-error", text, line)

    input_name, output_name = request["input_name"], request["output_name"]
    frames, namespace, chunk = [], {}, 0
    for chunks in request["runs"]:
        # Each partition runs with fresh variables; chunks of one run share them (@r_rowsPerRead).
        namespace = {"__name__": "__main__", "__builtins__": builtins, "pandas": pd, "sqlml_query": sqlml_query}
        namespace.update(params)
        for _ in range(chunks):
            chunk += 1
            namespace[input_name] = read_frame(np, pd, "input-%d.bin" % chunk)
            namespace[output_name] = pd.DataFrame()
            run_script(code, namespace)
            frame = output_frame(pd, namespace, output_name)
            if frame is not None:
                frames.append(frame)

    output_columns, output_rows = [], 0
    if frames:
        frame = frames[0] if len(frames) == 1 else pd.concat(frames, ignore_index=True)
        output_columns = [encode_column(np, pd, str(name), frame.iloc[:, i]) for i, name in enumerate(frame.columns)]
        output_rows = len(frame)
    wanted = [p for p in request.get("output_params", "").split(",") if p]
    param_columns = [encode_param(p, *param_kinds[p], namespace.get(p)) for p in wanted]
    return output_columns, output_rows, param_columns


def outcome():
    try:
        output_columns, output_rows, param_columns = run_session()
        return ("ok", "", None), output_columns, output_rows, param_columns
    except Failure as f:
        return (f.state, f.message, f.line), [], 0, []
    except Exception:
        return ("satellite-error", "The satellite failed:\n" + traceback.format_exc(), None), [], 0, []


# ---------------------------------------------------------------- a warm start

CLAIM_MAGIC = b"SQLMLC01"
READY = b"W"


def await_claim(fd=3):
    """A warm satellite (claimMessage.ts): its folder holds the runner alone. It loads pandas and
    numpy, says it is ready on descriptor 3 and waits there for one session's files; afterwards the
    descriptor is the session's loopback channel, or is closed when the session has none."""
    try:
        import numpy  # noqa: F401 -- loaded ahead of the session, which is the point
        import pandas  # noqa: F401
    except ImportError:
        pass  # run_session reports it to the session that claims this satellite
    os.write(fd, READY)
    try:
        head = _read_exactly(fd, 24)
        if head[:8] != CLAIM_MAGIC:
            os._exit(2)
        loopback, count = (int(x) for x in struct.unpack_from("<2d", head, 8))
        # One buffer for every part: a fresh 4 MB object per read cost a page fault per 4 KB.
        buffer = memoryview(bytearray(1 << 22))
        for _ in range(count):
            name = _read_exactly(fd, int(struct.unpack("<d", _read_exactly(fd, 8))[0])).decode("utf-8")
            size = int(struct.unpack("<d", _read_exactly(fd, 8))[0])
            out = os.open(os.path.basename(name), os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o400)
            while size > 0:
                got = os.readv(fd, [buffer[: min(size, len(buffer))]])
                if not got:
                    raise LoopbackError("claim cut short")
                written = buffer[:got]
                while written:
                    written = written[os.write(out, written):]
                size -= got
            os.close(out)
    except LoopbackError:
        os._exit(0)  # the launcher let this satellite go unclaimed (it is closing)
    except OSError as e:
        sys.stderr.write("The session's files do not fit its storage: %s\n" % e)
        os._exit(1)
    if loopback:
        os.environ["SQLML_LOOPBACK_FD"] = str(fd)
    else:
        os.close(fd)


def load_tds_relay():
    """tds_relay.py as a module (isolated mode keeps the folder off sys.path), or None without it."""
    if not os.path.exists("tds_relay.py"):
        return None
    import importlib.util
    # A bytecode cache would be left in the session folder, which holds only the session's files.
    sys.dont_write_bytecode = True
    spec = importlib.util.spec_from_file_location("tds_relay", "tds_relay.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def start_tds_relay(prestarted=None):
    """Starts the session's TDS relay (tds_relay.py), or hands the channel to the one a warm
    satellite started ahead (prestarted), and takes the environment it gives the script's ODBC
    drivers; without a loopback channel or an isolated network there is none."""
    channel = os.environ.get("SQLML_LOOPBACK_FD", "")
    if not channel.isdigit():
        if prestarted is not None:
            prestarted.let_go()
        return
    if prestarted is not None:
        environment = prestarted.hand_over(int(channel))
    else:
        relay = load_tds_relay()
        environment = relay.start(int(channel)) if relay else None
    if not environment:
        return
    os.environ.update(environment)
    # The channel is the relay's now: a byte written on it by the script (or a child it starts)
    # would cut into the relay's frames, so neither keeps the descriptor.
    os.close(int(os.environ.pop("SQLML_LOOPBACK_FD")))


def main():
    warm = not os.path.exists("request.txt")
    prestarted = None
    if warm:
        relay = load_tds_relay()
        prestarted = relay.Prestarted() if relay else None
        await_claim()
    start_tds_relay(prestarted)
    sys.meta_path.append(ProprietaryPackageFinder)
    sys.stdout.reconfigure(line_buffering=True)
    sys.stderr.reconfigure(line_buffering=True)
    result = outcome()
    try:
        write_result(*result)
    except OSError as e:
        # A full session folder: no partial result may be mistaken for one; say why on stderr.
        if os.path.lexists("result.bin"):
            os.unlink("result.bin")
        sys.stderr.write("The satellite could not write its results: %s\n" % e)
        sys.exit(1)
    if warm:
        # Its whole life was this one session: skip the interpreter's teardown (pandas makes it
        # slow), with the output flushed first.
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(0)


if __name__ == "__main__":
    main()
