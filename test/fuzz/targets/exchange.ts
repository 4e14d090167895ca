// Fuzz targets for what the launcher reads from outside its trust: the satellite's result file
// (written by a sandboxed script) and the CSV input of `sqlml launcher exec --input`. Either
// reader must answer with a value or a clean error message: never throw, hang or blow up.
import assert from 'node:assert/strict';
import type { SqlValue } from '../../../server/src/core/launcher/request';
import { readCsv } from '../../../server/src/node/launcher/csv';
import { decodeFile } from '../../../server/src/node/launcher/exchange/decode';
import { encodeDataset, type EncodedColumn } from '../../../server/src/node/launcher/exchange/encode';
import { MAGIC } from '../../../server/src/node/launcher/exchange/format';
import { interpretResult } from '../../../server/src/node/launcher/satelliteResult';
import { toCsv } from '../../../client/src/results/export';
import { mutateBytesMany, mutateTextMany, NASTY_FRAGMENTS, runLoop, type Rng } from '../../support/fuzz';

const KINDS: { kind: EncodedColumn['kind']; type: string; value: (rng: Rng) => SqlValue }[] = [
  { kind: 'f8', type: 'float', value: (rng) => rng.pick([0, -1.5, 1e308, Number.NaN, rng.next()]) },
  { kind: 'i4', type: 'int', value: (rng) => rng.between(-2147483648, 2147483647) },
  { kind: 'i8', type: 'bigint', value: (rng) => rng.pick([0n, -1n, 9007199254740993n, BigInt(rng.int(1000))]) },
  { kind: 'b1', type: 'bit', value: (rng) => rng.chance(0.5) },
  { kind: 'str', type: 'nvarchar(max)', value: (rng) => Array.from({ length: rng.int(6) }, () => rng.pick(NASTY_FRAGMENTS.filter((f) => !f.includes('\0')))).join('') },
  { kind: 'dt', type: 'datetime', value: (rng) => new Date(rng.int(2 ** 40)) },
  { kind: 'bin', type: 'varbinary(max)', value: (rng) => rng.bytes(rng.int(5)) },
];

function randomDataset(rng: Rng, rows: number, names?: string[]): Buffer {
  const kinds = (names ?? Array.from({ length: rng.int(4) }, (_, c) => `c${c}`)).map((name) => ({ name, ...rng.pick(KINDS) }));
  const values = Array.from({ length: rows }, () => kinds.map((k) => (rng.chance(0.2) ? null : k.value(rng))));
  const encoded = encodeDataset(kinds, values);
  assert.ok(encoded.ok, 'the generator made values the encoder refuses');
  return Buffer.concat(encoded.chunks);
}

/** A well-formed result file as a satellite writes it: status, output rows, OUTPUT parameters. */
function validResultFile(rng: Rng): Buffer {
  const state = rng.pick(['ok', 'script-error', 'output-error', 'runtime-error', 'satellite-error']);
  const status = encodeDataset(
    [
      { name: 'state', type: 'nvarchar(max)', kind: 'str' },
      { name: 'message', type: 'nvarchar(max)', kind: 'str' },
      { name: 'line', type: 'int', kind: 'i4' },
    ],
    [[state, rng.chance(0.5) ? '' : 'NameError: x', rng.chance(0.5) ? null : rng.int(100)]],
  );
  assert.ok(status.ok);
  return Buffer.concat([MAGIC, ...status.chunks, randomDataset(rng, rng.int(20)), randomDataset(rng, 1, rng.chance(0.5) ? [] : ['@x', '@y'])]);
}

/** Data sets of no columns cost no bytes per row: each claims as many rows as the file allows. */
function manyDatasetsWithoutColumns(rng: Rng): Buffer {
  const count = rng.between(100, 4000);
  const header = Buffer.alloc(16);
  header.writeDoubleLE(MAGIC.length + 16 * count - rng.int(16), 0);
  return Buffer.concat([MAGIC, ...Array<Buffer>(count).fill(header)]);
}

function checkDecoders(data: Buffer): void {
  const decoded = decodeFile(data);
  if (!decoded.ok) assert.match(decoded.message, /^The satellite's result is malformed: .+\.$/s);
  const interpreted = interpretResult(data);
  if (!interpreted.ok) assert.match(interpreted.message, /^The satellite's result is malformed: .+\.$/s);
}

/** Valid result files, mutated at byte level: lengths, counts, kinds, NUL separators, truncation. */
export const mutatedResults = (progress: (i: number) => void) =>
  runLoop(
    {
      seed: 0x5eed0101,
      cases: 3000,
      generate: (rng) => {
        if (rng.chance(0.02)) return manyDatasetsWithoutColumns(rng);
        const valid = validResultFile(rng);
        return Buffer.from(rng.chance(0.05) ? valid : mutateBytesMany(rng, valid, 3));
      },
      check: checkDecoders,
    },
    progress,
  );

/** Random bytes after the marker (and a few without it). */
export const randomResults = (progress: (i: number) => void) =>
  runLoop(
    {
      seed: 0x5eed0102,
      cases: 2000,
      generate: (rng) => {
        const body = Buffer.from(rng.bytes(rng.int(300)));
        return rng.chance(0.9) ? Buffer.concat([MAGIC, body]) : body;
      },
      check: checkDecoders,
    },
    progress,
  );

// --- CSV ---------------------------------------------------------------------------------------

const CSV_SEEDS = [
  'id:int,name,score\n1,"Smith, J",2.5\n2,"",\n3,"say ""hi""",4\n',
  'a:nvarchar(max),b:datetime,c:varbinary(10),d:bit\r\n"x\r\ny",2024-01-02 03:04:05,0x00ff,true\r\n,,,\r\n',
  '\uFEFFx,y\n1,2\n3,4',
  'name:nvarchar(20)\n"a,b"\n"line\nbreak"\n""\n',
];

function checkCsv(text: string): void {
  const read = readCsv(text);
  if (!read.ok) {
    assert.match(read.message, /^(The CSV file|Record \d+).+\.$/s);
    return;
  }
  const { columns, rows } = read.input;
  for (const row of rows) assert.equal(row.length, columns.length);
}

/** Mutated CSV: quotes, separators, CR/LF, huge fields. */
export const mutatedCsv = (progress: (i: number) => void) =>
  runLoop(
    {
      seed: 0x5eed0201,
      cases: 3000,
      generate: (rng) => mutateTextMany(rng, rng.pick(CSV_SEEDS), CSV_SEEDS, 5),
      check: checkCsv,
    },
    progress,
  );

interface Table {
  columns: { name: string; type: string }[];
  rows: (string | null)[][];
}

function randomText(rng: Rng): string {
  const pieces = ['a', ' ', ',', '"', '""', '\n', '\r\n', '\r', 'é', '\ud83d\ude00', '0', 'x'.repeat(rng.chance(0.05) ? 100_000 : 3)];
  return Array.from({ length: rng.between(1, 8) }, () => rng.pick(pieces)).join('');
}

/**
 * Round trip: text columns written by the results panel's CSV export and read back by the
 * launcher's reader give the same values. The export writes NULL as an empty field and so does
 * an empty string, hence no empty strings here.
 */
export const csvRoundTrip = (progress: (i: number) => void) =>
  runLoop<Table>(
    {
      seed: 0x5eed0202,
      cases: 1500,
      generate: (rng) => {
        const width = rng.between(1, 4);
        const columns = Array.from({ length: width }, (_, c) => ({ name: `c${c}:nvarchar(max)`, type: 'nvarchar(max)' }));
        const rows = Array.from({ length: rng.int(6) }, () => columns.map(() => (rng.chance(0.2) ? null : randomText(rng))));
        return { columns, rows };
      },
      check: (table) => {
        const read = readCsv(toCsv(table));
        assert.ok(read.ok, read.ok ? '' : read.message);
        assert.deepEqual(read.input.rows, table.rows);
        assert.deepEqual(read.input.columns.map((c) => c.name), table.columns.map((c) => c.name.replace(/:.*/, '')));
      },
      show: (table) => JSON.stringify(table),
    },
    progress,
  );
