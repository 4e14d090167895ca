// The files a session folder holds before its satellite starts (all written with exclusive
// create), and the reading of the one file the satellite writes back.
import { join } from 'node:path';
import type { NormalizedRequest } from '../../core/launcher/request';
import type { Run } from '../../core/launcher/runs';
import { encodeDataset, type EncodedColumn } from './exchange/encode';
import { MAGIC } from './exchange/format';
import { readWorkerFile, writeExclusive, type WorkerFile } from './folders';
import { RELAY_FILE, type Runtime } from './runtimes';

export const RESULT_FILE = 'result.bin';

export type SessionFile = [name: string, data: readonly Buffer[] | string];

/** Writes runner, script, request, parameters and input chunks; returns a problem or undefined. */
export async function writeSessionFiles(folder: string, request: NormalizedRequest, runs: Run[], runtime: Runtime, runnerSource: string, relaySource: string): Promise<string | undefined> {
  const made = sessionFiles(request, runs, runtime);
  if (!made.ok) return made.message;
  for (const [name, data] of [...runnerFiles(runtime, runnerSource, relaySource), ...made.files]) {
    const problem = await writeExclusive(join(folder, name), data);
    if (problem) return problem;
  }
  return undefined;
}

/** The programs a satellite starts with: its runner and the TDS relay the runner starts. */
export function runnerFiles(runtime: Runtime, runnerSource: string, relaySource: string): SessionFile[] {
  return [
    [runtime.runnerFile, runnerSource],
    [RELAY_FILE, relaySource],
  ];
}

/**
 * The session's files but the runner: script, request, parameters and input chunks (a warm
 * satellite, started with its runner alone, gets these when a session claims it).
 */
export function sessionFiles(request: NormalizedRequest, runs: Run[], runtime: Runtime): { ok: true; files: SessionFile[] } | { ok: false; message: string } {
  const columns: EncodedColumn[] = (request.input?.columns ?? []).map((c) => ({ name: c.name, type: c.type.text, kind: c.type.kind }));
  const params = encodeDataset(
    request.params.map((p) => ({ name: p.name, type: p.type.text, kind: p.type.kind })),
    [request.params.map((p) => p.value)],
    (_, column) => `parameter @${column.name} (${column.type})`,
  );
  if (!params.ok) return params;

  const requestText = [
    `input_name=${request.inputName}`,
    `output_name=${request.outputName}`,
    `output_params=${request.params.filter((p) => p.output).map((p) => p.name).join(',')}`,
    ...runs.map((run) => `run=${run.chunks.length}`),
    '',
  ].join('\n');

  const files: SessionFile[] = [
    [runtime.scriptFile, request.script],
    ['request.txt', requestText],
    ['params.bin', [MAGIC, ...params.chunks]],
  ];
  let chunk = 0;
  let rowsBefore = 0;
  for (const run of runs) {
    for (const rows of run.chunks) {
      const encoded = encodeDataset(columns, rows, (row, column) => `row ${rowsBefore + row + 1}, column '${column.name}' (${column.type})`);
      if (!encoded.ok) return encoded;
      files.push([`input-${++chunk}.bin`, [MAGIC, ...encoded.chunks]]);
      rowsBefore += rows.length;
    }
  }
  return { ok: true, files };
}

export function readResultFile(folder: string, owner: number, maxBytes: number): Promise<WorkerFile> {
  return readWorkerFile(join(folder, RESULT_FILE), owner, maxBytes);
}
