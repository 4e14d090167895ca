// The files a session folder holds before its satellite starts (all written with exclusive
// create), and the reading of the one file the satellite writes back.
import { join } from 'node:path';
import type { NormalizedRequest } from '../../core/launcher/request';
import type { Run } from '../../core/launcher/runs';
import { encodeDataset, type EncodedColumn } from './exchange/encode';
import { MAGIC } from './exchange/format';
import { readWorkerFile, writeExclusive, type WorkerFile } from './folders';
import type { Runtime } from './runtimes';

export const RESULT_FILE = 'result.bin';

/** Writes runner, script, request, parameters and input chunks; returns a problem or undefined. */
export async function writeSessionFiles(folder: string, request: NormalizedRequest, runs: Run[], runtime: Runtime, runnerSource: string): Promise<string | undefined> {
  const columns: EncodedColumn[] = (request.input?.columns ?? []).map((c) => ({ name: c.name, type: c.type.text, kind: c.type.kind }));
  const params = encodeDataset(
    request.params.map((p) => ({ name: p.name, type: p.type.text, kind: p.type.kind })),
    [request.params.map((p) => p.value)],
    (_, column) => `parameter @${column.name} (${column.type})`,
  );
  if (!params.ok) return params.message;

  const requestText = [
    `input_name=${request.inputName}`,
    `output_name=${request.outputName}`,
    `output_params=${request.params.filter((p) => p.output).map((p) => p.name).join(',')}`,
    ...runs.map((run) => `run=${run.chunks.length}`),
    '',
  ].join('\n');

  const files: [string, readonly Buffer[] | string][] = [
    [runtime.runnerFile, runnerSource],
    [runtime.scriptFile, request.script],
    ['request.txt', requestText],
    ['params.bin', [MAGIC, ...params.chunks]],
  ];
  let chunk = 0;
  let rowsBefore = 0;
  for (const run of runs) {
    for (const rows of run.chunks) {
      const encoded = encodeDataset(columns, rows, (row, column) => `row ${rowsBefore + row + 1}, column '${column.name}' (${column.type})`);
      if (!encoded.ok) return encoded.message;
      files.push([`input-${++chunk}.bin`, [MAGIC, ...encoded.chunks]]);
      rowsBefore += rows.length;
    }
  }
  for (const [name, data] of files) {
    const problem = await writeExclusive(join(folder, name), data);
    if (problem) return problem;
  }
  return undefined;
}

export function readResultFile(folder: string, owner: number, maxBytes: number): Promise<WorkerFile> {
  return readWorkerFile(join(folder, RESULT_FILE), owner, maxBytes);
}
