// Workspace trust through the language server, with the built server over stdio and a real instance: opening
// a folder must never make sqlml run anything. While the editor says the workspace is untrusted, the pre-flight
// does not start a stopped instance, and run, start (create) and provision are refused; once the editor says
// trust was granted (sqlml/workspaceTrust), the pre-flight starts the instance on demand and a run runs.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DidChangeConfigurationNotification, ShowMessageNotification } from 'vscode-languageserver-protocol/node';
import {
  InstanceStartRequest,
  PreflightCheckRequest,
  ProvisionWorkersRequest,
  RunScriptRequest,
  WorkspaceTrustNotification,
  type RunScriptResult,
} from '../../server/src/protocol';
import { deprovision } from '../../server/src/node/launcher/accounts';
import { instanceLayout } from '../../server/src/node/instance/layout';
import { cli, CLI } from '../integration/instance/harness';
import { skipReason } from '../support/requireOrSkip';
import { LspClient } from './lspClient';

// Under /var/lib like the other tests' instances (worker accounts can traverse it, nobody else can write it).
const BASE = '/var/lib/sqlml-test-untrusted';
const PATH = join(BASE, 'instance');
const MISSING = join(BASE, 'never-created');
const PREFIX = 'sqlmltu';
const layout = instanceLayout({ path: PATH });

const skip = skipReason(
  !existsSync(CLI) ? 'needs the built CLI (npm run build)' : process.getuid?.() !== 0 ? `needs root: the test's instance lives under ${BASE}` : undefined,
);

// A call whose pre-flight asks the instance ('external scripts enabled' is off on a new instance: SQLML300).
const DOC = `EXEC sp_execute_external_script
  @language = N'Python',
  @script = N'OutputDataSet = InputDataSet',
  @input_data_1 = N'SELECT 1 AS x';
`;

/** The processes serving the test's instance (`sqlml instance serve --path …`), from /proc. */
function daemons(): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let args: string[];
    try {
      args = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
    } catch {
      continue; // ended meanwhile
    }
    if (args.includes('serve') && args.includes(layout.root)) found.push(Number(entry));
  }
  return found;
}

function assertNotRunning(when: string): void {
  assert.deepEqual(daemons(), [], `no daemon serves ${PATH} ${when}`);
  assert.equal(existsSync(layout.ownerSocket), false, `no socket at ${layout.ownerSocket} ${when}`);
}

describe('an untrusted workspace starts nothing until trust is granted', { skip }, () => {
  let lsp: LspClient;
  const messages: string[] = [];
  const uri = pathToFileURL(join(BASE, 'docs', 'call.sql')).href;
  const settings = { instance: { path: PATH }, preflight: { enabled: true } };
  let runs = 0;
  const run = (): Promise<RunScriptResult> => lsp.connection.sendRequest(RunScriptRequest, { runId: `run-${++runs}`, uri, scope: 'file' });

  before(async () => {
    rmSync(BASE, { recursive: true, force: true });
    mkdirSync(BASE, { recursive: true, mode: 0o755 });
    const created = cli(['instance', 'create', '--path', PATH, '--isolation', 'none', '--prefix', PREFIX, '--workers', '1']);
    assert.equal(created.status, 0, `'sqlml instance create' failed: ${created.stderr}`);
    assertNotRunning('after create');
    lsp = await LspClient.start(settings, [], { trusted: false });
    lsp.connection.onNotification(ShowMessageNotification.type, (p: { message: string }) => {
      messages.push(p.message);
    });
  });

  after(async () => {
    await lsp?.stop();
    cli(['instance', 'stop', '--path', PATH]);
    // A daemon that did not stop (a failure above) must not outlive its folder.
    for (const pid of daemons()) process.kill(pid, 'SIGKILL');
    rmSync(BASE, { recursive: true, force: true });
    // Only there if provisioning was not refused (a failure of the test): leave no accounts behind.
    await deprovision(PREFIX);
  });

  test('#50 the pre-flight asks only a running instance: the stopped one stays stopped, and the user is told why', async () => {
    await lsp.open(uri, DOC);
    await lsp.diagnostics(uri); // the document is checked (and its pre-flight tried) once
    const check = await lsp.connection.sendRequest(PreflightCheckRequest, {});
    assert.deepEqual([check.documents, check.reachable], [1, false], JSON.stringify(check));
    assert.ok(
      messages.some((m) => /cannot reach the instance .*is not running.*the pre-flight does not start instances in an untrusted workspace/.test(m)),
      `the refusal is shown: ${JSON.stringify(messages)}`,
    );
    assertNotRunning('after the pre-flight');
  });

  test('#50 run, start, create and provision are refused with the reason, and still nothing runs', async () => {
    const result = await run();
    assert.match(result.failed ?? '', /^scripts are not run in an untrusted workspace: trust the workspace/);
    assert.deepEqual(result.batches, []);

    const started = await lsp.connection.sendRequest(InstanceStartRequest, { create: true });
    assert.equal(started.ok, false);
    assert.match(started.message, /^instances are not started or created in an untrusted workspace/);

    const provisioned = await lsp.connection.sendRequest(ProvisionWorkersRequest);
    assert.equal(provisioned.ok, false);
    assert.equal(provisioned.ran, false);
    assert.match(provisioned.lines.join('\n'), /worker accounts are not provisioned in an untrusted workspace/);

    // An instance folder that does not exist is not created either.
    await lsp.connection.sendNotification(DidChangeConfigurationNotification.type, { settings: { sqlml: { ...settings, instance: { path: MISSING } } } });
    const create = await lsp.connection.sendRequest(InstanceStartRequest, { create: true });
    assert.equal(create.ok, false);
    assert.equal(existsSync(MISSING), false, `${MISSING} was not created`);
    await lsp.connection.sendNotification(DidChangeConfigurationNotification.type, { settings: { sqlml: settings } });

    assertNotRunning('after the refused requests');
  });

  test('once trust is granted the pre-flight starts the instance on demand, and a run runs', async () => {
    await lsp.connection.sendNotification(WorkspaceTrustNotification, { trusted: true });
    // No request: granting trust re-checks the open documents, and the pre-flight starts the instance to ask it.
    const diagnostics = await lsp.diagnostics(uri, (d) => d.some((x) => x.code === 'SQLML300'), 60_000);
    assert.ok(diagnostics.some((x) => x.code === 'SQLML300'));
    assert.equal(daemons().length, 1, 'one daemon serves the instance');

    const result = await run();
    assert.equal(result.failed, undefined, result.failed);
    const errors = result.batches.flatMap((b) => b.messages.filter((m) => m.kind === 'error'));
    // The instance answers as SQL Server would: scripts are off on a new instance (Msg 39023), so it really ran.
    assert.deepEqual(
      errors.map((e) => e.number),
      [39023],
      JSON.stringify(errors),
    );
  });
});
