// The files a session folder holds before its satellite starts (all written with exclusive
// create), and the reading of the one file the satellite writes back.
import { join } from 'node:path';
import type { NormalizedRequest } from '../../core/launcher/request';
import type { RunPlan } from '../../core/launcher/runs';
import { encodeColumns, encodeDataset, type EncodedColumn } from './exchange/encode';
import { MAGIC } from './exchange/format';
import { readWorkerFile, writeExclusive, type WorkerFile } from './folders';
import { RELAY_FILE, type Runtime } from './runtimes';

export const RESULT_FILE = 'result.bin';

export type SessionFile = [name: string, data: readonly Buffer[] | string];

/**
 * Writes runner, script, request, parameters and input chunks; returns a problem or undefined.
 * Each input chunk is encoded just before it is written, so that with @r_rowsPerRead or
 * partitions no more than one chunk is held encoded beside the input itself.
 */
export async function writeSessionFiles(folder: string, request: NormalizedRequest, plan: RunPlan, runtime: Runtime, runnerSource: string, relaySource: string): Promise<string | undefined> {
  for (const [name, data] of runnerFiles(runtime, runnerSource, relaySource)) {
    const problem = await writeExclusive(join(folder, name), data);
    if (problem) return problem;
  }
  for (const made of eachSessionFile(request, plan, runtime)) {
    if (!made.ok) return made.message;
    const problem = await writeExclusive(join(folder, made.file[0]), made.file[1]);
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
export function sessionFiles(request: NormalizedRequest, plan: RunPlan, runtime: Runtime): { ok: true; files: SessionFile[] } | { ok: false; message: string } {
  const files: SessionFile[] = [];
  for (const made of eachSessionFile(request, plan, runtime)) {
    if (!made.ok) return made;
    files.push(made.file);
  }
  return { ok: true, files };
}

/** The session's files one at a time (an input chunk is encoded when its turn comes), or the problem that stops them. */
function* eachSessionFile(request: NormalizedRequest, plan: RunPlan, runtime: Runtime): Generator<{ ok: true; file: SessionFile } | { ok: false; message: string }> {
  const columns: EncodedColumn[] = (request.input?.columns ?? []).map((c) => ({ name: c.name, type: c.type.text, kind: c.type.kind }));
  const params = encodeDataset(
    request.params.map((p) => ({ name: p.name, type: p.type.text, kind: p.type.kind })),
    [request.params.map((p) => p.value)],
    (_, column) => `parameter @${column.name} (${column.type})`,
  );
  if (!params.ok) return yield params;

  const requestText = [
    `input_name=${request.inputName}`,
    `output_name=${request.outputName}`,
    `output_params=${request.params.filter((p) => p.output).map((p) => p.name).join(',')}`,
    ...plan.runs.map((run) => `run=${run.chunks.length}`),
    '',
  ].join('\n');

  yield { ok: true, file: [runtime.scriptFile, request.script] };
  yield { ok: true, file: ['request.txt', requestText] };
  yield { ok: true, file: ['params.bin', [MAGIC, ...params.chunks]] };
  let chunk = 0;
  const values = request.input?.values ?? [];
  for (const run of plan.runs) {
    for (const { start, count } of run.chunks) {
      const encoded = encodeColumns(columns, values, { order: plan.order, start, count }, (row, column) => `row ${start + row + 1}, column '${column.name}' (${column.type})`);
      if (!encoded.ok) return yield encoded;
      yield { ok: true, file: [`input-${++chunk}.bin`, [MAGIC, ...encoded.chunks]] };
    }
  }
}

export function readResultFile(folder: string, owner: number, maxBytes: number): Promise<WorkerFile> {
  return readWorkerFile(join(folder, RESULT_FILE), owner, maxBytes);
}
