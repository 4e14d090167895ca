import { test } from 'node:test';
import assert from 'node:assert/strict';
import { concreteLimits, describeValue } from '../../../server/src/core/launcher/limits';
import { defaultPool, validatePools, workerName, workerNames, type PoolSettings } from '../../../server/src/core/launcher/pools';
import { parseSqlType } from '../../../server/src/core/launcher/sqlTypes';
import { scriptErrorMessages, printedMessage } from '../../../server/src/core/launcher/messages';

test('workers are named <prefix>01 … and the pool defaults to 20 of them', () => {
  const pool = defaultPool();
  assert.equal(pool.size, 20);
  assert.deepEqual(workerNames(pool).slice(0, 2), ['sqlml01', 'sqlml02']);
  assert.equal(workerNames(pool).at(-1), 'sqlml20');
  assert.equal(workerName('sqlml', 100), 'sqlml100');
});

test('pool validation: size 1..100, prefixes usable as Unix names, limits in range, no duplicates', () => {
  const ok = defaultPool();
  assert.deepEqual(validatePools([ok]), []);
  const bad = (patch: Partial<PoolSettings>) => validatePools([{ ...ok, ...patch }]);
  assert.match(bad({ size: 101 }).join(), /1 to 100/);
  assert.match(bad({ size: 0 }).join(), /1 to 100/);
  assert.match(bad({ prefix: 'Bad;rm' }).join(), /prefix/);
  assert.match(bad({ prefix: '$(x)' }).join(), /prefix/);
  assert.match(bad({ name: '../etc' }).join(), /pool name/);
  assert.match(bad({ limits: { maxCpuPercent: 150, maxMemoryPercent: 20, maxProcesses: 0 } }).join(), /MAX_CPU_PERCENT/);
  assert.match(bad({ limits: { maxCpuPercent: 50, maxMemoryPercent: 20, maxProcesses: -1 } }).join(), /MAX_PROCESSES/);
  assert.match(validatePools([ok, { ...ok, name: 'DEFAULT' }]).join(), /twice/);
  assert.deepEqual(validatePools([ok, { ...ok, name: 'other' }]), [], 'pools may share their workers');
  assert.match(validatePools([ok, { ...ok, name: 'other', size: ok.size + 1 }]).join(), /used by another pool with \d+ workers/);
  assert.match(validatePools([]).join(), /At least one/);
});

test('percentages become kernel numbers; 0 and 100 mean unlimited', () => {
  const host = { cpus: 2, memoryBytes: 2000 * 1048576 };
  const l = concreteLimits({ maxCpuPercent: 25, maxMemoryPercent: 10, maxProcesses: 30 }, host);
  assert.equal(l.cpuQuotaUs, 50_000, '25% of 2 CPUs is half a CPU: 50 ms per 100 ms period');
  assert.equal(l.memoryBytes, 200 * 1048576);
  assert.equal(l.processes, 30);
  assert.equal(describeValue('cpu', l), '0.50 CPU');
  assert.equal(describeValue('memory', l), '200 MiB');
  assert.deepEqual(concreteLimits({ maxCpuPercent: 100, maxMemoryPercent: 0, maxProcesses: 0 }, host), {});
  assert.equal(describeValue('processes', {}), 'unlimited');
});

test('SQL types map to exchange kinds; unsupported types say so and list the supported ones', () => {
  const kind = (t: string) => {
    const r = parseSqlType(t);
    return r.ok ? r.type.kind : r.reason;
  };
  assert.equal(kind('bigint'), 'f8');
  assert.equal(kind('DECIMAL(10, 2)'), 'f8');
  assert.equal(kind('[int]'), 'i4');
  assert.equal(kind('tinyint'), 'i4');
  assert.equal(kind('bit'), 'b1');
  assert.equal(kind('NVARCHAR ( MAX )'), 'str');
  assert.equal(kind('uniqueidentifier'), 'str');
  assert.equal(kind('smalldatetime'), 'dt');
  assert.equal(kind('varbinary(max)'), 'bin');
  assert.match(kind('datetime2'), /cannot be sent to an external script.*Supported types: bigint/);
  assert.match(kind('mytype'), /not a type/);
  assert.match(kind('int; drop table x'), /not a data type/);
});

test('script errors read as SQL Server writes them, with the request id and the script line', () => {
  const [m39004, m39019] = scriptErrorMessages('python', 'ABC', "Traceback …\nNameError: name 'x' is not defined", 3);
  assert.equal(m39004!.number, 39004);
  assert.equal(
    m39004!.text,
    "A 'Python' script error occurred during execution of 'sp_execute_external_script' with HRESULT 0x80004004. External script request id is ABC.",
  );
  assert.equal(m39019!.number, 39019);
  assert.match(m39019!.text, /^An external script error occurred: \nTraceback/);
  assert.equal(m39019!.line, 3);
  assert.equal(printedMessage('stderr', 'x').text, 'STDERR message(s) from external script:\nx');
});
