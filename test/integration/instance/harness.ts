// A real instance for the tests: created through the CLI in a folder of its own, with its own
// worker accounts (as root, mode accounts) or namespaces, served by a real daemon process, and
// removed (daemon, folder, accounts) at the end.
import assert from 'node:assert/strict';
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { deprovision } from '../../../server/src/node/launcher/accounts';
import { InstanceClient } from '../../../server/src/node/instance/instanceClient';
import { instanceLayout, type InstanceLayout } from '../../../server/src/node/instance/layout';
import { skipReason } from '../../support/requireOrSkip';
import { accountsSkip } from '../launcher/harness';

export const CLI = join(__dirname, '..', '..', '..', 'server', 'dist', 'cli.js');

/**
 * Why instance tests can't run here (the CLI must be built; accounts mode needs root and more); a failure
 * instead where every test is required (test/support/requireOrSkip.ts).
 */
export function instanceSkip(): string | undefined {
  if (!existsSync(CLI)) return skipReason('needs the built CLI (npm run build)');
  return accountsSkip();
}

export function sklearnSkip(): string | undefined {
  return skipReason(spawnSync('/usr/bin/python3', ['-I', '-c', 'import sklearn']).status === 0 ? undefined : 'needs scikit-learn (apt-get install python3-sklearn)');
}

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function cli(args: string[], options: { uid?: number; gid?: number; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): CliResult {
  const r: SpawnSyncReturns<string> = spawnSync(process.execPath, [CLI, ...args], {
    encoding: 'utf8',
    timeout: options.timeoutMs ?? 120_000,
    ...(options.uid !== undefined ? { uid: options.uid, gid: options.gid } : {}),
    env: options.env ?? process.env,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

export class TestInstance {
  readonly base: string;
  readonly path: string;
  readonly layout: InstanceLayout;

  constructor(
    readonly tag: string,
    readonly prefix: string,
  ) {
    this.base = `/var/lib/sqlml-test-${tag}`;
    this.path = join(this.base, 'instance');
    this.layout = instanceLayout({ path: this.path });
  }

  /** An instance that runs no scripts (isolation none): no worker accounts, for tests of the daemon itself. */
  createWithoutIsolation(): void {
    rmSync(this.base, { recursive: true, force: true });
    mkdirSync(this.base, { recursive: true, mode: 0o755 });
    const r = cli(['instance', 'create', '--path', this.path, '--isolation', 'none']);
    assert.equal(r.status, 0, r.stderr);
  }

  /** `extra`: more options of `sqlml instance create` (--warm-python 1, say). */
  create(workers = 3, extra: string[] = []): void {
    rmSync(this.base, { recursive: true, force: true });
    mkdirSync(this.base, { recursive: true, mode: 0o755 });
    const r = cli(['instance', 'create', '--path', this.path, '--prefix', this.prefix, '--workers', String(workers), ...extra]);
    assert.equal(r.status, 0, r.stderr);
  }

  run(files: string[], extra: string[] = []): CliResult & { json: RunJson } {
    const r = cli(['run', '--path', this.path, '--format', 'json', ...extra, ...files]);
    let json: RunJson;
    try {
      json = JSON.parse(r.stdout) as RunJson;
    } catch {
      assert.fail(`sqlml run did not print JSON (exit ${r.status}):\n${r.stdout}\n${r.stderr}`);
    }
    return { ...r, json };
  }

  connect(sqlLogin?: { name: string; password: string }): Promise<InstanceClient> {
    return InstanceClient.connect(this.layout, { autoStart: true, idleStopSeconds: 60, clientName: 'test', ...(sqlLogin ? { sqlLogin } : {}) });
  }

  daemonPid(): number | null {
    try {
      return Number(readFileSync(this.layout.lockFile, 'utf8').trim()) || null;
    } catch {
      return null;
    }
  }

  /** The daemon log's last lines, for a failure message (the folder goes with teardown). */
  daemonLog(lines = 30): string {
    try {
      return readFileSync(this.layout.logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
    } catch (e) {
      return `(no daemon log: ${(e as Error).message})`;
    }
  }

  async teardown(): Promise<void> {
    cli(['instance', 'stop', '--path', this.path]);
    rmSync(this.base, { recursive: true, force: true });
    await deprovision(this.prefix);
  }
}

export interface RunJson {
  version: number;
  batches: {
    line: number;
    resultSets: { columns: { name: string; type: string }[]; rows: unknown[][] }[];
    messages: { kind: 'info' | 'error'; number: number | null; severity: number | null; text: string; line: number | null }[];
  }[];
  sessions: { id: string; caller: string; worker: string | null; language: string; state: string; durationMs: number | null }[];
}

export function allMessages(json: RunJson): RunJson['batches'][number]['messages'] {
  return json.batches.flatMap((b) => b.messages);
}

export function allResultSets(json: RunJson): RunJson['batches'][number]['resultSets'] {
  return json.batches.flatMap((b) => b.resultSets);
}
