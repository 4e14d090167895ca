"""The session's TDS relay, so that a script reaches the instance the way SQL Server's tutorials do:
pyodbc or RODBC, a trusted connection, server "." (or localhost, (local), 127.0.0.1).

Started by the runner before the user's script, inside the sandbox, when the session has a loopback
channel (SQLML_LOOPBACK_FD); a warm satellite starts it while it waits for a session, and the relay
gets the channel when one claims it (Prestarted). It takes that channel over and then:
  * listens on 127.0.0.1:1433 of the session's own network namespace (nobody else's is the same) and
    carries each TCP connection's bytes as frames on the channel, where the instance serves them with
    the TDS endpoint's code and takes a trusted connection as the worker's implied authentication;
  * listens on an abstract Unix socket of that namespace (SQLML_LOOPBACK_SOCKET) for the runners'
    sqlml_query exchanges, which it forwards unchanged, answers in order;
  * writes a private driver configuration into a folder of its own in /tmp: unixODBC's driver names
    ("SQL Server", "ODBC Driver 17/18 for SQL Server", "FreeTDS") for FreeTDS, server names for the
    local instance, and, because FreeTDS sends a trusted login only with a Kerberos token, a Kerberos
    configuration and credential cache holding a made-up service ticket. The instance never looks at
    that token: the channel is the proof (only this session's processes hold it).

It refuses to start (exit status 3) where the sandbox shares the host's network (no isolation, or a
pool allowed network): there, 127.0.0.1:1433 would be open to every local user.

Frames on the channel: u32 big-endian body length | one byte kind | body (see loopbackFrames.ts).
'Q'/'A' are sqlml_query's; 'O' (open), 'D' (data), 'C' (close) carry a u32 connection id first.
"""
import errno
import glob
import os
import selectors
import socket
import struct
import sys
import time

KIND_QUERY, KIND_ANSWER = 0x51, 0x41
KIND_OPEN, KIND_DATA, KIND_CLOSE = 0x4F, 0x44, 0x43
TDS_PORT = 1433
SOCKET_NAME = "\0sqlml-loopback"
DATA_SLICE = 32 * 1024
# The names tutorials give the local server, and the instance's own (@@SERVERNAME, which the
# R clustering tutorial passes to its script); each reaches this relay.
LOCAL_SERVERS = tuple(dict.fromkeys((".", "(local)", "localhost", "127.0.0.1") + tuple(n for n in (os.environ.get("SQLML_SERVER_NAME", ""),) if n)))
DRIVER_NAMES = ("FreeTDS", "SQL Server", "ODBC Driver 17 for SQL Server", "ODBC Driver 18 for SQL Server")
REALM = b"SQLML.LOOPBACK"
# The target of the sandbox's /etc/hosts link (SANDBOX_HOSTS_FILE in sandbox.ts).
SANDBOX_HOSTS = "/tmp/.sqlml-hosts"


def isolated_network():
    """True when this network namespace has the loopback interface alone (the sandbox's own)."""
    try:
        with open("/proc/net/dev") as f:
            names = [line.split(":", 1)[0].strip() for line in f.readlines()[2:]]
    except OSError:
        return False
    return names == ["lo"]


# ---------------------------------------------------------------- the private driver configuration

def _der(tag, content):
    n = len(content)
    length = bytes([n]) if n < 0x80 else (bytes([0x81, n]) if n < 0x100 else bytes([0x82]) + struct.pack(">H", n))
    return bytes([tag]) + length + content


def _seq(*parts):
    return _der(0x30, b"".join(parts))


def _field(number, content):
    return _der(0xA0 + number, content)


def _int(value):
    return _der(0x02, bytes([value]))


def _text(value):
    return _der(0x1B, value)


def _made_up_ticket(components):
    """A Kerberos Ticket (RFC 4120 5.3) whose encrypted part is random bytes: the client library
    only carries it; no one decrypts it."""
    name = _seq(_field(0, _int(2)), _field(1, _seq(*[_text(c) for c in components])))
    sealed = _seq(_field(0, _int(18)), _field(1, _int(1)), _field(2, _der(0x04, os.urandom(64))))
    return _der(0x61, _seq(_field(0, _int(5)), _field(1, _text(REALM)), _field(2, name), _field(3, sealed)))


def _counted(data):
    return struct.pack(">I", len(data)) + data


def _principal(name_type, components):
    return struct.pack(">II", name_type, len(components)) + _counted(REALM) + b"".join(_counted(c) for c in components)


def credential_cache():
    """An MIT credential cache (format 4) with a service ticket for MSSQLSvc/<name>:1433 for each
    local server name, so that FreeTDS's GSSAPI step finds one and sends its trusted login."""
    client = _principal(1, [b"sqlml-worker"])
    data = struct.pack(">HH", 0x0504, 0) + client
    now = int(time.time())
    for host in LOCAL_SERVERS:
        components = [b"MSSQLSvc", ("%s:%d" % (host, TDS_PORT)).encode()]
        data += client + _principal(2, components)
        data += struct.pack(">HI", 18, 32) + os.urandom(32)  # aes256-cts session key
        data += struct.pack(">IIII", now, now, now + 7 * 86400, now + 7 * 86400)
        data += b"\0" + struct.pack(">I", 0) + struct.pack(">II", 0, 0)
        data += _counted(_made_up_ticket(components)) + _counted(b"")
    return data


def driver_library():
    found = sorted(glob.glob("/usr/lib/*/odbc/libtdsodbc.so")) + sorted(glob.glob("/usr/lib/odbc/libtdsodbc.so"))
    return found[0] if found else "libtdsodbc.so"


def write_configuration(folder):
    """The files behind the environment the runner sets (see environment())."""
    library = driver_library()
    files = {
        "odbcinst.ini": "".join("[%s]\nDescription=FreeTDS for the sqlml instance\nDriver=%s\n\n" % (n, library) for n in DRIVER_NAMES),
        "odbc.ini": "",
        "freetds.conf": "[global]\n\ttds version = 7.4\n\tport = %d\n\tencryption = off\n\n" % TDS_PORT
        + "".join("[%s]\n\thost = 127.0.0.1\n\tport = %d\n\n" % (n, TDS_PORT) for n in LOCAL_SERVERS),
        "krb5.conf": "[libdefaults]\n\tdefault_realm = %s\n\tdns_lookup_realm = false\n\tdns_lookup_kdc = false\n"
        "\tdns_canonicalize_hostname = false\n\trdns = false\n" % REALM.decode(),
    }
    for name, text in files.items():
        write_private(os.path.join(folder, name), text.encode())
    write_private(os.path.join(folder, "krb5cc"), credential_cache())
    # The sandbox's /etc/hosts links here (sandbox.ts): the local server's names are this relay's.
    hosts = "127.0.0.1\t%s\n::1\tlocalhost\n" % " ".join(n for n in LOCAL_SERVERS if n != "127.0.0.1")
    try:
        write_private(SANDBOX_HOSTS, hosts.encode(), 0o644)
    except FileExistsError:
        pass


def write_private(path, data, mode=0o600):
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, mode)
    with os.fdopen(fd, "wb") as f:
        f.write(data)


def environment(folder):
    """What a script's drivers need to find the configuration (the runners set it)."""
    return {
        "ODBCSYSINI": folder,
        "ODBCINSTINI": "odbcinst.ini",
        "ODBCINI": os.path.join(folder, "odbc.ini"),
        "FREETDSCONF": os.path.join(folder, "freetds.conf"),
        # Server=<name> in a connection string skips freetds.conf's sections: these apply to it.
        "TDSPORT": str(TDS_PORT),
        "TDSVER": "7.4",
        "KRB5_CONFIG": os.path.join(folder, "krb5.conf"),
        "KRB5CCNAME": "FILE:" + os.path.join(folder, "krb5cc"),
        "SQLML_LOOPBACK_SOCKET": SOCKET_NAME[1:],
    }


# ---------------------------------------------------------------- the relay

class Frames:
    """Splits a byte stream into (kind, body) frames."""

    def __init__(self):
        self.pending = b""

    def push(self, data):
        self.pending += data
        frames = []
        while len(self.pending) >= 5:
            length, kind = struct.unpack_from(">IB", self.pending)
            if len(self.pending) < 5 + length:
                break
            frames.append((kind, self.pending[5:5 + length]))
            self.pending = self.pending[5 + length:]
        return frames


def frame(kind, body):
    return struct.pack(">IB", len(body), kind) + body


class Relay:
    def __init__(self, upstream, tds_listeners, query_listener):
        self.upstream = upstream
        self.selector = selectors.DefaultSelector()
        self.up_frames = Frames()
        self.connections = {}  # id -> [socket, bytes waiting to be written]
        self.next_id = 1
        self.waiting_answers = []  # sqlml_query clients, in the order their queries went up
        self.query_clients = {}  # socket -> Frames
        self.selector.register(upstream, selectors.EVENT_READ, self.from_upstream)
        for listener in tds_listeners:
            self.selector.register(listener, selectors.EVENT_READ, self.accept_tds)
        self.selector.register(query_listener, selectors.EVENT_READ, self.accept_query)

    def run(self):
        while True:
            for key, events in self.selector.select():
                key.data(key.fileobj, events)

    def send_up(self, kind, body):
        self.upstream.sendall(frame(kind, body))

    def from_upstream(self, sock, _events):
        data = sock.recv(1 << 16)
        if not data:
            # The session ended: the instance closed the channel.
            os._exit(0)
        for kind, body in self.up_frames.push(data):
            if kind == KIND_ANSWER:
                if self.waiting_answers:
                    client = self.waiting_answers.pop(0)
                    try:
                        client.sendall(frame(kind, body))
                    except OSError:
                        pass
                    self.drop_query_client(client)
            elif kind in (KIND_DATA, KIND_CLOSE) and len(body) >= 4:
                (cid,) = struct.unpack_from(">I", body)
                if kind == KIND_DATA:
                    self.write_tds(cid, body[4:])
                else:
                    self.close_tds(cid, tell=False)

    # -- TDS connections

    def accept_tds(self, listener, _events):
        try:
            conn, _ = listener.accept()
        except OSError:
            return
        conn.setblocking(False)
        cid = self.next_id
        self.next_id += 1
        self.connections[cid] = [conn, b""]
        self.selector.register(conn, selectors.EVENT_READ, lambda s, ev, cid=cid: self.tds_event(cid, ev))
        self.send_up(KIND_OPEN, struct.pack(">I", cid))

    def tds_event(self, cid, events):
        entry = self.connections.get(cid)
        if entry is None:
            return
        conn = entry[0]
        if events & selectors.EVENT_WRITE:
            self.flush_tds(cid)
        if events & selectors.EVENT_READ and cid in self.connections:
            try:
                data = conn.recv(DATA_SLICE)
            except BlockingIOError:
                return
            except OSError:
                data = b""
            if data:
                self.send_up(KIND_DATA, struct.pack(">I", cid) + data)
            else:
                self.close_tds(cid, tell=True)

    def write_tds(self, cid, data):
        entry = self.connections.get(cid)
        if entry is None:
            return
        entry[1] += data
        self.flush_tds(cid)

    def flush_tds(self, cid):
        conn, pending = self.connections[cid]
        try:
            while pending:
                pending = pending[conn.send(pending):]
        except BlockingIOError:
            pass
        except OSError:
            self.close_tds(cid, tell=True)
            return
        self.connections[cid][1] = pending
        # The script is slow to read: keep its bytes here rather than stall the whole channel.
        wanted = selectors.EVENT_READ | (selectors.EVENT_WRITE if pending else 0)
        self.selector.modify(conn, wanted, self.selector.get_key(conn).data)

    def close_tds(self, cid, tell):
        entry = self.connections.pop(cid, None)
        if entry is None:
            return
        conn, pending = entry
        self.selector.unregister(conn)
        if pending and not tell:
            # The instance ended the connection after its last answer: deliver that first.
            conn.setblocking(True)
            try:
                conn.sendall(pending)
            except OSError:
                pass
        conn.close()
        if tell:
            self.send_up(KIND_CLOSE, struct.pack(">I", cid))

    # -- sqlml_query exchanges

    def accept_query(self, listener, _events):
        try:
            client, _ = listener.accept()
        except OSError:
            return
        self.query_clients[client] = Frames()
        self.selector.register(client, selectors.EVENT_READ, self.from_query_client)

    def from_query_client(self, client, _events):
        try:
            data = client.recv(1 << 16)
        except OSError:
            data = b""
        if not data:
            if client not in self.waiting_answers:
                self.drop_query_client(client)
            return
        for kind, body in self.query_clients[client].push(data):
            if kind == KIND_QUERY:
                self.waiting_answers.append(client)
                self.send_up(kind, body)

    def drop_query_client(self, client):
        if client in self.query_clients:
            del self.query_clients[client]
            self.selector.unregister(client)
            client.close()


def listen():
    """The listeners, or None when port 1433 cannot be had."""
    tds = []
    for family, address in ((socket.AF_INET, ("127.0.0.1", TDS_PORT)), (socket.AF_INET6, ("::1", TDS_PORT))):
        try:
            s = socket.socket(family, socket.SOCK_STREAM)
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.bind(address)
            s.listen(16)
            s.setblocking(False)
            tds.append(s)
        except OSError as e:
            if family == socket.AF_INET or e.errno not in (errno.EADDRNOTAVAIL, errno.EAFNOSUPPORT):
                return None
    query = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    query.bind(SOCKET_NAME)
    query.listen(16)
    query.setblocking(False)
    return tds, query


def detach_output():
    """The relay's standard descriptors go to /dev/null: whoever reads its output sees the end of it."""
    null = os.open(os.devnull, os.O_RDWR)
    for std in (0, 1, 2):
        os.dup2(null, std)


def received_channel(handoff_fd):
    """The session's channel, sent on the handoff socket (Prestarted.hand_over), or None when the
    socket closes without one: the session has no channel, or the satellite went unclaimed."""
    with socket.socket(fileno=handoff_fd) as handoff:
        try:
            _, fds, _, _ = socket.recv_fds(handoff, 1, 1)
        except OSError:
            fds = []
    return fds[0] if fds else None


def main():
    # tds_relay.py (the channel in SQLML_LOOPBACK_FD), or tds_relay.py --await-channel FD: started
    # ahead of a warm satellite's session (Prestarted), it gets the channel on FD.
    awaiting = len(sys.argv) == 3 and sys.argv[1] == "--await-channel" and sys.argv[2].isdigit()
    fd = os.environ.get("SQLML_LOOPBACK_FD", "")
    if not awaiting and (not fd.isdigit() or len(sys.argv) != 1):
        sys.exit(2)
    if not isolated_network():
        sys.exit(3)
    listeners = listen()
    if listeners is None:
        sys.exit(4)
    if awaiting:
        # Nothing is written before a session brings its channel: a session without one finds no
        # trace of the relay (its listeners close as it exits, and the runner waits for that).
        channel = received_channel(int(sys.argv[2]))
        if channel is None:
            os._exit(0)
    else:
        channel = int(fd)
    import tempfile
    folder = tempfile.mkdtemp(prefix="sqlml-odbc-")
    write_configuration(folder)
    # Ready: the runner reads the environment its script needs.
    sys.stdout.write("".join("%s=%s\n" % kv for kv in environment(folder).items()))
    sys.stdout.flush()
    # A cold runner goes on when this process exits; the relay lives on in a child until the
    # channel closes. A prestarted one is the runner's child already.
    if not awaiting and os.fork() != 0:
        os._exit(0)
    detach_output()
    upstream = socket.socket(fileno=channel)
    upstream.setblocking(True)
    Relay(upstream, *listeners).run()


# ---------------------------------------------------------------- how the runners start it

def environment_of(printed):
    """The environment a relay printed when it was ready (name=value lines)."""
    return dict(line.partition("=")[::2] for line in printed.decode("utf-8").splitlines())


def start(channel):
    """A cold satellite's relay, started now with the session's channel: the environment for the
    script's drivers, or None when the relay cannot run here (the channel stays the caller's)."""
    import subprocess
    started = subprocess.run([sys.executable, "-I", __file__], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, pass_fds=(channel,))
    return environment_of(started.stdout) if started.returncode == 0 else None


class Prestarted:
    """A warm satellite's relay, started before any session claims the satellite, so that the
    relay's own start (a Python process and its listeners: about 75 ms) is not on the session's
    path. It waits for the session's channel on a socket pair."""

    def __init__(self):
        import subprocess
        self.handoff, theirs = socket.socketpair()
        with theirs:
            self.process = subprocess.Popen([sys.executable, "-I", __file__, "--await-channel", str(theirs.fileno())],
                                            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, pass_fds=(theirs.fileno(),))

    def hand_over(self, channel):
        """Gives the relay the session's channel (a descriptor the caller then closes): the
        environment for the script's drivers, or None when the relay could not start here."""
        with self.handoff, self.process.stdout:
            try:
                socket.send_fds(self.handoff, [b"C"], [channel])
            except OSError:
                pass  # it exited: it could not listen here, and prints nothing
            printed = self.process.stdout.read()
        return environment_of(printed) if printed else None

    def let_go(self):
        """A session without a channel: the relay sees its handoff socket close and exits; this
        waits for that, so the session's script finds neither the process nor its port."""
        self.handoff.close()
        self.process.stdout.close()
        self.process.wait()


if __name__ == "__main__":
    main()
