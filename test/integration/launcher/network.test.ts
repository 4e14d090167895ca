// No network from the sandbox, unless the pool allows it (#30, #31), and the data channel works
// regardless (#32). Following isolation.md §6's rule, the only non-loopback address ever used is
// 198.51.100.1 (TEST-NET-2), a fake host in a network namespace this test makes, reached through a
// veth pair from a second namespace the test makes, where the launcher under test runs — so even
// a broken sandbox could reach nothing but the fake host.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { LaunchRequest } from '../../../server/src/core/launcher/request';
import type { Launcher } from '../../../server/src/node/launcher/launcher';
import { encodeFrame, FrameKind, FrameReader } from '../../../server/src/node/instance/loopbackFrames';
import { skipReason } from '../../support/requireOrSkip';
import { accountsSkip, errors, pool, PYTHON, run, TestBed } from './harness';

const NS_LAUNCHER = 'sqlmlt-launcher';
const NS_HOST = 'sqlmlt-fakehost';
const FAKE_HOST = '198.51.100.1';
const PORT = 8080;

function ip(...args: string[]): { ok: boolean; text: string } {
  const r = spawnSync('/usr/sbin/ip', args, { encoding: 'utf8' });
  return { ok: r.status === 0, text: `${r.stdout}${r.stderr}` };
}

const baseSkip = accountsSkip();
const skip = baseSkip ?? skipReason(ip('netns', 'list').ok ? undefined : 'needs ip netns (iproute2)');
const bed = new TestBed('network');
let fakeHost: ChildProcess | undefined;
let launcher: Launcher;

before(async () => {
  if (baseSkip) return;
  await bed.provision('sqlmltn', 2);
  // The launcher in the test's namespace needs workers of its own: a pool's workers belong to one launcher.
  await bed.provision('sqlmltp', 1);
  launcher = await bed.start({ pools: [pool('sqlmltn', 2)] });
  if (skip) return;
  // A run that was killed leaves its namespaces (they outlive processes) and links behind: start clean.
  for (const ns of [NS_LAUNCHER, NS_HOST]) ip('netns', 'del', ns);
  ip('link', 'del', 'sqlmlt-va');
  for (const ns of [NS_LAUNCHER, NS_HOST]) ip('netns', 'add', ns);
  const steps: string[][] = [
    ['link', 'add', 'sqlmlt-va', 'type', 'veth', 'peer', 'name', 'sqlmlt-vb'],
    ['link', 'set', 'sqlmlt-va', 'netns', NS_LAUNCHER],
    ['link', 'set', 'sqlmlt-vb', 'netns', NS_HOST],
    ['-n', NS_LAUNCHER, 'addr', 'add', '198.51.100.2/24', 'dev', 'sqlmlt-va'],
    ['-n', NS_HOST, 'addr', 'add', `${FAKE_HOST}/24`, 'dev', 'sqlmlt-vb'],
    ['-n', NS_LAUNCHER, 'link', 'set', 'sqlmlt-va', 'up'],
    ['-n', NS_HOST, 'link', 'set', 'sqlmlt-vb', 'up'],
    ['-n', NS_LAUNCHER, 'link', 'set', 'lo', 'up'],
    ['-n', NS_HOST, 'link', 'set', 'lo', 'up'],
    // Everything from the launcher's namespace goes to the fake host: there is no other way out.
    ['-n', NS_LAUNCHER, 'route', 'add', 'default', 'via', FAKE_HOST],
  ];
  for (const step of steps) {
    const r = ip(...step);
    assert.ok(r.ok, `ip ${step.join(' ')}: ${r.text}`);
  }
  fakeHost = spawn('/usr/sbin/ip', [
    'netns', 'exec', NS_HOST, PYTHON, '-c',
    `import socket\ns = socket.socket()\ns.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)\ns.bind(('${FAKE_HOST}', ${PORT}))\ns.listen(16)\nprint('listening', flush=True)\nwhile True:\n    c, _ = s.accept()\n    c.sendall(b'REACHED fake public host')\n    c.close()`,
  ], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve) => fakeHost!.stdout!.once('data', () => resolve()));
});

after(async () => {
  if (baseSkip) return;
  if (!skip) {
    fakeHost?.kill('SIGKILL');
    for (const ns of [NS_LAUNCHER, NS_HOST]) ip('netns', 'del', ns);
  }
  await bed.teardown();
});

const CONNECT = `
import socket, errno
def connect():
    s = socket.create_connection(('${FAKE_HOST}', ${PORT}), timeout=3)
    try:
        return s.recv(100).decode()
    finally:
        s.close()
`;

/** Runs one request with a launcher living in the test's launcher namespace. */
function runInNamespace(poolPatch: { allowNetwork: boolean }, request: Partial<LaunchRequest> & { script: string }): Record<string, unknown> {
  const job = {
    settings: {
      ...bed.settings({}),
      // Its own root and cgroup folder: the in-process launcher holds the test bed's.
      sessionsRoot: join(bed.base, 'netns-sessions'),
      cgroupName: `${bed.cgroupName}-netns`,
      pools: [pool('sqlmltp', 1, {}, poolPatch)],
    },
    requests: [{ caller: 'net', database: 'db', language: 'python', ...request }],
  };
  const r = spawnSync('/usr/sbin/ip', ['netns', 'exec', NS_LAUNCHER, process.execPath, '--import', 'tsx', join(__dirname, 'runOnce.ts'), JSON.stringify(job)], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  const lines = r.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
  const last = lines.find((l) => 'result' in l || 'refused' in l || 'error' in l);
  assert.ok(last && 'result' in last, `${r.stdout}\n${r.stderr}`);
  return last.result as Record<string, unknown>;
}

function firstRows(result: Record<string, unknown>): unknown[][] {
  return ((result.resultSets as { rows: unknown[][] }[])[0]?.rows ?? []) as unknown[][];
}

test('#30 #31 the fake public host is reachable from the launcher’s namespace, but not from a sandbox, nor by DNS or UDP', { skip }, () => {
  const control = spawnSync('/usr/sbin/ip', ['netns', 'exec', NS_LAUNCHER, PYTHON, '-c', `${CONNECT}\nprint(connect())`], { encoding: 'utf8', timeout: 10_000 });
  assert.equal(control.stdout.trim(), 'REACHED fake public host', `control connect outside the sandbox: ${control.stderr}`);
  const result = runInNamespace({ allowNetwork: false }, {
    script: `${CONNECT}
import os
rows = []
try:
    rows.append(('connect', connect()))
except OSError as e:
    rows.append(('connect', errno.errorcode[e.errno]))
rows.append(('interfaces', ','.join(l.split(':')[0].strip() for l in open('/proc/net/dev').read().splitlines()[2:])))
rows.append(('routes', str(len(open('/proc/net/route').read().splitlines()) - 1)))
try:
    socket.getaddrinfo('example.com', 80)
    rows.append(('dns', 'resolved'))
except OSError as e:
    rows.append(('dns', type(e).__name__))
try:
    socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b'x', ('${FAKE_HOST}', ${PORT}))
    rows.append(('udp', 'sent'))
except OSError as e:
    rows.append(('udp', errno.errorcode[e.errno]))
OutputDataSet = pandas.DataFrame(rows, columns=['test', 'outcome'])`,
  });
  const o = new Map(firstRows(result).map((r) => [r[0], r[1]]));
  assert.equal(o.get('connect'), 'ENETUNREACH', '#30');
  assert.equal(o.get('interfaces'), 'lo', '#30 only loopback');
  assert.equal(o.get('routes'), '0', '#30 an empty routing table');
  assert.equal(o.get('dns'), 'gaierror', '#31 no name resolution');
  assert.equal(o.get('udp'), 'ENETUNREACH', '#31 no UDP either');
});

test('a pool that allows outbound network (outboundnetworkaccess) reaches the host', { skip }, () => {
  const result = runInNamespace({ allowNetwork: true }, { script: `${CONNECT}\nprint(connect())` });
  assert.equal((result.session as { state: string }).state, 'succeeded', JSON.stringify(result.messages));
  const stdout = (result.messages as { kind: string; text: string }[]).filter((m) => m.kind === 'stdout').map((m) => m.text).join('\n');
  assert.match(stdout, /REACHED fake public host/);
});

test('#32 the data channel carries 10 MB back intact with the network namespace on', { skip: baseSkip }, async () => {
  const script = "OutputDataSet = pandas.DataFrame({'i': range(100000), 's': ['%06d' % i + 'x' * 94 for i in range(100000)]})";
  const result = await run(launcher, { caller: 'data', script });
  assert.equal(result.session.state, 'succeeded', errors(result));
  const rows = result.resultSets[0]!.rows;
  assert.equal(rows.length, 100000);
  assert.equal(rows.reduce((n, r) => n + (r[1] as string).length, 0), 10_000_000);
  assert.deepEqual(rows[99999], [99999, `099999${'x'.repeat(94)}`]);
});

test('the loopback hook: the session\'s channel is a byte stream on descriptor 3, carried out of a sandbox without any network', { skip: baseSkip }, async () => {
  // Inside, the session's relay (tds_relay.py) owns the descriptor; sqlml_query reaches it and it
  // passes the query frame on, byte for byte, to the launcher's end of the channel.
  const received: string[] = [];
  const result = await run(
    launcher,
    {
      caller: 'loop',
      script: `import os
print('descriptor in the environment:', 'SQLML_LOOPBACK_FD' in os.environ)
print(sqlml_query('hello from the sandbox')['greeting'][0])`,
    },
    {
      loopback: (channel) => {
        const reader = new FrameReader(1 << 20);
        channel.on('data', (chunk: Buffer) => {
          for (const frame of reader.push(chunk)) {
            received.push(`${String.fromCharCode(frame.kind)} ${frame.body?.toString('utf8')}`);
            const answer = { columns: [{ name: 'greeting', type: 'nvarchar(20)' }], rows: [['welcome']] };
            channel.write(encodeFrame(FrameKind.answer, Buffer.from(JSON.stringify(answer))));
          }
        });
      },
    },
  );
  assert.equal(result.session.state, 'succeeded', errors(result));
  assert.deepEqual(received, ['Q {"query": "hello from the sandbox"}']);
  assert.deepEqual(result.messages.find((m) => m.kind === 'stdout')!.text.split('\n').slice(1, 3), ['descriptor in the environment: False', 'welcome']);
});
