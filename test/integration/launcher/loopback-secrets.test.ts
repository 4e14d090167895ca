// Loopback takeover (issue 10): while a session whose caller is the instance's sysadmin has a live
// loopback channel, nobody else may act through it. An unrelated unprivileged OS user scans every
// /proc/*/cmdline and /proc/*/environ it can read for loopback secrets, collects every Unix socket
// it can find (the instance folder, /run, /tmp, the sessions root, /proc/net/unix, paths on
// command lines) and tries to query through each, speaking both the framed protocol and the old
// token line protocol with every token-like string it found. A second session, of a caller with
// fewer rights, does the same from inside its own sandbox, and also tries every socket descriptor
// it holds: whatever answers it must answer as that second caller. Both in mode accounts (root
// owner, worker accounts) and in mode namespaces (an unprivileged owner, all satellites its uid).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { appendFileSync, chmodSync, chownSync, existsSync, mkdirSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deprovision } from '../../../server/src/node/launcher/accounts';
import { CLI, instanceSkip, type RunJson } from '../instance/harness';
import { PYTHON, sleep } from './harness';

const skip = instanceSkip();
const ATTACKER = 'sqlmlattacker';
/** The attack query: the computed number proves a query ran (no refusal text contains it). */
const QUERY = 'SELECT SUSER_SNAME() AS who, 1000000 + 6 * 7 AS m';
const MARKER = '1000042';

interface Account {
  name: string;
  uid: number;
  gid: number;
}

/** A system account for the test (no home, no shell), created when missing. */
function account(name: string): Account {
  if (spawnSync('/usr/bin/id', ['-u', name]).status !== 0) {
    execFileSync('/usr/sbin/useradd', ['--system', '--user-group', '--no-create-home', '--home-dir', '/nonexistent', '--shell', '/usr/sbin/nologin', '--comment', 'sqlml test account', name]);
  }
  const id = (flag: string) => Number(execFileSync('/usr/bin/id', [flag, name], { encoding: 'utf8' }).trim());
  return { name, uid: id('-u'), gid: id('-g') };
}

/**
 * The scan, in Python, for the attacker outside and for the second session inside its sandbox.
 * CONFIG: {roots: folders to walk, fds: whether to try this process's own socket descriptors}.
 * It prints (or, in a session, returns) a JSON report.
 */
const SCAN = String.raw`
import json, os, re, socket, stat, struct, time
CFG = json.loads(CONFIG_JSON)
QUERY, MARKER = CFG["query"], CFG["marker"].encode()
report = {"readable": 0, "names": [], "tokens": 0, "sockets": [], "connected": [], "answers": [], "fds": []}
tokens, paths = [], set()
for pid in os.listdir("/proc"):
    if not pid.isdigit():
        continue
    for part in ("cmdline", "environ"):
        try:
            with open("/proc/%s/%s" % (pid, part), "rb") as f:
                data = f.read()
        except OSError:
            continue
        if not data:
            continue
        report["readable"] += 1
        for name in re.findall(rb"SQLML_LOOPBACK_\w+", data):
            report["names"].append(name.decode())
        after_token = re.findall(rb"TOKEN[=\x00]([^\x00]+)", data)
        for t in after_token + re.findall(rb"[0-9a-fA-F]{32,}", data):
            t = t.decode("utf-8", "replace")
            if t not in tokens:
                tokens.append(t)
        if part == "cmdline":
            for arg in data.split(b"\x00"):
                if arg.startswith(b"/"):
                    paths.add(arg.decode("utf-8", "replace"))
report["names"] = sorted(set(report["names"]))
tokens = tokens[:40]
report["tokens"] = len(tokens)

def walk(root, depth):
    try:
        entries = list(os.scandir(root))
    except OSError:
        return
    for e in entries:
        try:
            st = os.lstat(e.path)
        except OSError:
            continue
        if stat.S_ISSOCK(st.st_mode):
            paths.add(e.path)
        elif stat.S_ISDIR(st.st_mode) and depth < 8:
            walk(e.path, depth + 1)

for root in CFG["roots"]:
    walk(root, 0)
try:
    with open("/proc/net/unix") as f:
        for line in f.read().splitlines()[1:]:
            fields = line.split()
            if len(fields) >= 8 and fields[7].startswith("/"):
                paths.add(fields[7])
except OSError:
    pass

def is_socket(path):
    try:
        return stat.S_ISSOCK(os.stat(path).st_mode)
    except OSError:
        return False

def frame():
    body = json.dumps({"query": QUERY}).encode()
    return struct.pack(">IB", len(body), 0x51) + body

def converse(s, payload):
    s.settimeout(1.5)
    data = b""
    try:
        s.sendall(payload)
        while len(data) < (1 << 20):
            part = s.recv(65536)
            if not part:
                break
            data += part
            if b"\n" in data or (len(data) >= 5 and len(data) >= 5 + struct.unpack(">I", data[:4])[0]):
                break
    except OSError:
        pass
    return data

def attempt(where, payload):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(1.5)
    try:
        s.connect(where)
    except OSError:
        s.close()
        return None
    try:
        return converse(s, payload)
    finally:
        s.close()

deadline = time.time() + 90
for path in sorted(p for p in paths if is_socket(p)):
    report["sockets"].append(path)
    if time.time() > deadline:
        continue
    first = attempt(path, frame())
    if first is None:
        continue
    report["connected"].append(path)
    payloads = [json.dumps({"token": t, "query": QUERY}).encode() + b"\n" for t in [""] + tokens]
    answered = [first]
    for payload in payloads:
        if time.time() > deadline:
            break
        data = attempt(path, payload)
        answered.append(data)
        if len(answered) == 3 and not any(answered):
            break  # silent twice: it speaks neither protocol
    for data in answered:
        if data and MARKER in data:
            report["answers"].append({"via": path, "data": data.decode("utf-8", "replace")[:400]})

if CFG["fds"]:
    for name in os.listdir("/proc/self/fd"):
        fd = int(name)
        if fd <= 2:
            continue  # the printed streams, which the launcher only reads
        try:
            if not stat.S_ISSOCK(os.fstat(fd).st_mode):
                continue
            s = socket.socket(fileno=os.dup(fd))
        except OSError:
            continue
        report["fds"].append(fd)
        try:
            data = converse(s, frame())
        finally:
            s.close()
        if MARKER in data:
            report["answers"].append({"via": "fd %d" % fd, "data": data.decode("utf-8", "replace")[:400]})
`;

interface ScanReport {
  readable: number;
  names: string[];
  tokens: number;
  sockets: string[];
  connected: string[];
  answers: { via: string; data: string }[];
  fds: number[];
}

function scanSource(roots: string[], fds: boolean): string {
  return SCAN.replace('CONFIG_JSON', JSON.stringify(JSON.stringify({ roots, fds, query: QUERY, marker: MARKER })));
}

/** Runs the scan as the unrelated user; resolves with its report. */
function scanAsAttacker(attacker: Account, roots: string[]): Promise<ScanReport> {
  const child = spawn(PYTHON, ['-I', '-c', `${scanSource(roots, false)}\nprint(json.dumps(report))`], {
    uid: attacker.uid,
    gid: attacker.gid,
    cwd: '/',
    env: { PATH: '/usr/bin:/bin', LANG: 'C.UTF-8' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return printedJson<ScanReport>(child, (code, _out, err) => `the attacker's scan failed (exit ${code}): ${err}`);
}

/** What a child prints on stdout, parsed as JSON once it ends; `failure` words the error otherwise. */
function printedJson<T>(child: ChildProcess, failure: (code: number | null, out: string, err: string) => string): Promise<T> {
  let out = '';
  let err = '';
  child.stdout!.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr!.on('data', (b: Buffer) => (err += b.toString()));
  return new Promise((resolve, reject) =>
    child.on('close', (code) => {
      try {
        resolve(JSON.parse(out) as T);
      } catch {
        reject(new Error(failure(code, out, err)));
      }
    }),
  );
}

/** `sqlml run` as `who`, in the background. */
function runCli(path: string, file: string, who: Account, env: NodeJS.ProcessEnv, extra: string[] = []): Promise<RunJson> {
  const child = spawn(process.execPath, [CLI, 'run', '--path', path, '--format', 'json', '--idle-stop', '120', ...extra, file], {
    uid: who.uid,
    gid: who.gid,
    env,
    cwd: '/',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return printedJson<RunJson>(child, (code, out, err) => `sqlml run ${file} printed no JSON (exit ${code}):\n${out}\n${err}`);
}

function errorsOf(json: RunJson): string[] {
  return json.batches.flatMap((b) => b.messages.filter((m) => m.kind === 'error').map((m) => `${m.number}: ${m.text}`));
}

/**
 * The folder of the first session that wrote `ready` (the first query succeeded), reached through its
 * satellite's working directory: while a session runs, its folder is its own storage, private to its
 * mount namespace (server/src/node/launcher/storage.ts).
 */
async function readySession(sessionsRoot: string, timeoutMs: number): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
      const cwd = `/proc/${pid}/cwd`;
      try {
        if (readlinkSync(cwd).startsWith(`${sessionsRoot}/`) && existsSync(join(cwd, 'ready'))) return cwd;
      } catch {
        // Gone meanwhile.
      }
    }
    await sleep(100);
  }
  throw new Error('the first session never reported its first successful query');
}

/** T-SQL's N'...' literal of a text. */
const nliteral = (text: string) => `N'${text.replace(/'/g, "''")}'`;

interface Scenario {
  /** The instance folder; the owner's CLI runs with `env`. */
  path: string;
  owner: Account;
  env: NodeJS.ProcessEnv;
  /** The worker group's login name (the implied-authentication login). */
  group: string;
  /** Where the test may write its SQL files (readable by the owner). */
  files: string;
  /** Folders the attacker walks besides /run and /tmp. */
  roots: string[];
}

async function attack(s: Scenario, attacker: Account): Promise<void> {
  const file = (name: string, text: string) => {
    const p = join(s.files, name);
    writeFileSync(p, text, { mode: 0o644 });
    return p;
  };
  const setup = await runCli(
    s.path,
    file(
      'setup.sql',
      `EXEC sp_configure 'external scripts enabled', 1;
RECONFIGURE;
GO
CREATE DATABASE lbdb;
GO
CREATE LOGIN [${s.group}] FROM OS;
CREATE LOGIN looper WITH PASSWORD = N'Looper-Pass-1';
GO
USE lbdb;
CREATE USER looper FOR LOGIN looper;
GRANT EXECUTE ANY EXTERNAL SCRIPT TO looper;`,
    ),
    s.owner,
    s.env,
  );
  assert.deepEqual(errorsOf(setup), []);

  // The sysadmin's session: one successful query, then it holds its channel open until released.
  const first = runCli(
    s.path,
    file(
      'first.sql',
      `EXEC sp_execute_external_script @language = N'Python', @script = ${nliteral(`import os, time
first = sqlml_query("SELECT SUSER_SNAME() AS who")
open("ready", "w").write(str(first["who"][0]))
deadline = time.time() + 180
while not open("ready").read().endswith("release") and time.time() < deadline:
    time.sleep(0.1)
OutputDataSet = first`)}
WITH RESULT SETS ((who nvarchar(128)));`,
    ),
    s.owner,
    s.env,
    ['--database', 'lbdb'],
  );
  const folder = await readySession(join(s.path, 'sessions'), 60_000);
  try {
    // The second session: a caller with fewer rights, scanning from inside its own sandbox.
    const second = runCli(
      s.path,
      file(
        'second.sql',
        `EXEC sp_execute_external_script @language = N'Python', @script = ${nliteral(`${scanSource(['/run', '/tmp', '/var', s.path], true)}
mine = sqlml_query("SELECT SUSER_SNAME() AS who")["who"][0]
report["mine"] = str(mine)
OutputDataSet = pandas.DataFrame({"report": [json.dumps(report)]})`)}
WITH RESULT SETS ((report nvarchar(max)));`,
      ),
      s.owner,
      s.env,
      ['--database', 'lbdb', '--login', 'looper'],
    );
    const outside = await scanAsAttacker(attacker, ['/run', '/tmp', ...s.roots]);
    const inside = await second;

    // Outside: the scan did see the running session's processes, yet nothing it found works.
    assert.deepEqual(outside.answers, [], `the attacker queried the instance through: ${JSON.stringify(outside.answers)}`);
    assert.ok(outside.names.length > 0, "the attacker did read the running session's sandbox command line");
    assert.deepEqual(
      outside.names.filter((n) => n !== 'SQLML_LOOPBACK_FD'),
      [],
      'no loopback socket path or token is readable from another user (only the descriptor number)',
    );

    // Inside the second session: only its own channel answers, and it answers as its own caller.
    assert.deepEqual(errorsOf(inside), []);
    const report = JSON.parse(String(inside.batches.flatMap((b) => b.resultSets)[0]!.rows[0]![0])) as ScanReport & { mine: string };
    assert.equal(report.mine, 'looper', "the second session's sqlml_query is its own caller's");
    // The channel belongs to the session's relay (tds_relay.py); the script holds no descriptor of it.
    assert.deepEqual(report.fds, [], 'a script holds no socket descriptor of the channel: its relay does');
    for (const answer of report.answers) {
      assert.match(answer.data, /"rows":\[\["looper",1000042\]\]/, `the second session reached a channel other than its own (${answer.via}): its channel acts for its own caller, never the first session's`);
    }
  } finally {
    // Root cannot create a file in a session's storage (its uid is not mapped there): it appends.
    appendFileSync(join(folder, 'ready'), 'release');
  }
  const done = await first;
  assert.deepEqual(errorsOf(done), []);
  assert.deepEqual(done.batches.flatMap((b) => b.resultSets)[0]!.rows, [[s.owner.name]], 'the first session kept its channel, as its caller');
}

let attacker: Account;
before(() => {
  if (!skip) attacker = account(ATTACKER);
});
after(() => {
  if (!skip) spawnSync('/usr/sbin/userdel', [ATTACKER]);
});

describe('mode accounts (root owns the instance)', () => {
  const base = '/var/lib/sqlml-test-lbsecrets-acc';
  const prefix = 'sqlmltx';
  const path = join(base, 'instance');

  before(() => {
    if (skip) return;
    rmSync(base, { recursive: true, force: true });
    mkdirSync(join(base, 'files'), { recursive: true, mode: 0o755 });
    const r = spawnSync(process.execPath, [CLI, 'instance', 'create', '--path', path, '--prefix', prefix, '--workers', '2'], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
  });

  after(async () => {
    if (skip) return;
    spawnSync(process.execPath, [CLI, 'instance', 'stop', '--path', path]);
    rmSync(base, { recursive: true, force: true });
    await deprovision(prefix);
  });

  test('#41 #42 [accounts] an unrelated user and another session find no secret and no channel that answers them', { skip }, async () => {
    await attack(
      { path, owner: { name: 'root', uid: 0, gid: 0 }, env: process.env, group: `${prefix}users`, files: join(base, 'files'), roots: [base] },
      attacker,
    );
  });
});

describe('mode namespaces (an unprivileged owner; every satellite runs as its uid)', () => {
  const base = '/var/lib/sqlml-test-lbsecrets-ns';
  const home = join(base, 'home');
  const path = join(home, 'instance');
  let owner: Account;
  const env = () => ({ PATH: '/usr/bin:/bin', HOME: home, LANG: 'C.UTF-8' });

  before(() => {
    if (skip) return;
    owner = account('sqlmltnsowner');
    rmSync(base, { recursive: true, force: true });
    mkdirSync(join(base, 'files'), { recursive: true, mode: 0o755 });
    // A home others may pass through (as many are): the attacker can walk into the instance folder.
    mkdirSync(home, { mode: 0o755 });
    chmodSync(home, 0o755);
    chownSync(home, owner.uid, owner.gid);
    const r = spawnSync(process.execPath, [CLI, 'instance', 'create', '--path', path, '--isolation', 'namespaces', '--prefix', 'sqlmltz', '--workers', '2'], {
      encoding: 'utf8',
      uid: owner.uid,
      gid: owner.gid,
      env: env(),
      cwd: '/',
    });
    assert.equal(r.status, 0, r.stderr);
  });

  after(async () => {
    if (skip) return;
    spawnSync(process.execPath, [CLI, 'instance', 'stop', '--path', path], { uid: owner.uid, gid: owner.gid, env: env(), cwd: '/' });
    // A daemon that did not stop is ended by its own pid, from its lock file.
    const pid = existsSync(join(path, 'daemon.lock')) ? Number(readFileSync(join(path, 'daemon.lock'), 'utf8').trim()) : 0;
    if (pid > 0) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
      await sleep(200);
    }
    rmSync(base, { recursive: true, force: true });
    spawnSync('/usr/sbin/userdel', [owner.name]);
  });

  test('#41 #42 [namespaces] an unrelated user and another session of the same uid find no secret and no channel that answers them', { skip }, async () => {
    await attack({ path, owner, env: env(), group: 'sqlmltzusers', files: join(base, 'files'), roots: [base] }, attacker);
  });
});
