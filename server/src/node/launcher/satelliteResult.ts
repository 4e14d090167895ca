// What a satellite's result file says: how the script ended (ok, or the error with its line in
// the user's script), the output data set, and the OUTPUT parameters.
import { withColumnarRows } from '../../core/launcher/columnValues';
import type { SqlValue } from '../../core/launcher/request';
import type { ResultSet } from '../../core/launcher/result';
import { decodeFile } from './exchange/decode';

/** runtime-error: the runtime lacks what it needs (pandas); satellite-error: the runner itself failed. */
export type SatelliteState = 'ok' | 'script-error' | 'output-error' | 'runtime-error' | 'satellite-error';

export interface SatelliteResult {
  state: SatelliteState;
  message: string;
  line: number | null;
  resultSet: ResultSet | undefined;
  outputParams: Record<string, SqlValue>;
}

const STATES: readonly string[] = ['ok', 'script-error', 'output-error', 'runtime-error', 'satellite-error'];

export type Interpreted = { ok: true; result: SatelliteResult } | { ok: false; message: string };

export function interpretResult(data: Buffer): Interpreted {
  const decoded = decodeFile(data);
  if (!decoded.ok) return decoded;
  const [status, output, params] = decoded.datasets;
  const malformed = (why: string): Interpreted => ({ ok: false, message: `The satellite's result is malformed: ${why}.` });
  if (!status || !output || !params || decoded.datasets.length !== 3) return malformed('it does not hold three data sets');
  const row = status.rows[0];
  const names = status.columns.map((c) => c.name).join(',');
  if (status.rows.length !== 1 || names !== 'state,message,line' || !row) return malformed('its status is not one row of state, message, line');
  const [state, message, line] = row;
  if (typeof state !== 'string' || !STATES.includes(state)) return malformed(`its state is ${String(state)}`);
  if (params.rows.length !== 1) return malformed('its OUTPUT parameters are not one row');
  const outputParams: Record<string, SqlValue> = {};
  params.columns.forEach((c, i) => (outputParams[c.name] = params.rows[0]![i] ?? null));
  return {
    ok: true,
    result: {
      state: state as SatelliteState,
      message: typeof message === 'string' ? message : '',
      line: typeof line === 'number' ? line : null,
      resultSet: output.columns.length > 0 ? withColumnarRows({ columns: output.columns.map((c) => ({ name: c.name, type: c.type })) }, output.columnar) : undefined,
      outputParams,
    },
  };
}
