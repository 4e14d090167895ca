// Inputs that grow in one dimension (more calls, deeper nesting, longer concatenations, more GO
// lines...) to catch work that grows faster than the text. Each pattern is analysed at size k
// and 4k; linear work takes about 4 times as long, quadratic 16 times. Timing is CPU time of
// this process (not wall time), averaged over repeated runs, the better of two, against a
// generous factor of 12, so that a loaded machine does not make it flaky while a quadratic path
// still fails it.
import { quoted, seedDocuments } from './tsqlInputs';
import { checkTsql } from './tsql';

const CALL = "EXEC sp_execute_external_script @language = N'Python', @script = @s;\n";
const biggestSeed = seedDocuments().sort((a, b) => b.length - a.length)[0]!;

/** Each pattern makes a document from a size k; `base` is a k whose document takes a few ms. */
const PATTERNS: { name: string; base: number; make: (k: number) => string }[] = [
  { name: 'a real document repeated', base: 4, make: (k) => Array(k).fill(biggestSeed).join('\nGO\n') },
  { name: 'nested parentheses', base: 2000, make: (k) => `DECLARE @s nvarchar(max) = ${'('.repeat(k)}N'x'${')'.repeat(k)};\n${CALL}SELECT ${'('.repeat(k)}1${')'.repeat(k)};` },
  { name: 'a long + chain', base: 250, make: (k) => `DECLARE @s nvarchar(max) = N'a'${" + N'b'".repeat(k)};\n${CALL}` },
  // Each SET copies the source map of the value so far (values are immutable): quadratic with a
  // small constant (4000 lines: about 0.4 s). The base keeps the test on the rest of the work.
  { name: 'SET @s = @s + ... repeated', base: 250, make: (k) => `DECLARE @s nvarchar(max) = N'';\n${"SET @s = @s + N'x = 1\n';\n".repeat(k)}${CALL}` },
  { name: 'many calls in one batch', base: 400, make: (k) => `DECLARE @s nvarchar(max) = N'print(1)';\n${CALL.repeat(k)}` },
  { name: 'many variables', base: 1000, make: (k) => Array.from({ length: k }, (_, i) => `DECLARE @v${i} int = ${i};`).join('\n') + `\nDECLARE @s nvarchar(max) = N'';\n${CALL}` },
  { name: 'many GO lines', base: 1000, make: (k) => 'SELECT 1\r\nGO\r\n'.repeat(k) },
  { name: 'nested block comments', base: 5000, make: (k) => `${'/*'.repeat(k)}${'*/'.repeat(k)}SELECT 1;` },
  { name: 'unclosed quotes and brackets', base: 2000, make: (k) => "SELECT [a, 'b, \"c\n".repeat(k) },
  { name: 'a long script literal', base: 5000, make: (k) => `EXEC sp_execute_external_script @language = N'Python', @script = ${quoted('x = 1  # it\'s\n'.repeat(k))};` },
  { name: 'dynamic SQL at the depth limit', base: 100, make: (k) => {
    let text = `DECLARE @s nvarchar(max) = N'print(1)';\n${CALL.repeat(k)}`;
    for (let d = 0; d < 8; d++) text = `EXEC sp_executesql ${quoted(text)};`;
    return text;
  } },
  { name: 'many arguments', base: 1000, make: (k) => `EXEC sp_execute_external_script @language = N'Python', @script = N'print(1)', @params = N'${Array.from({ length: k }, (_, i) => `@p${i} int`).join(', ')}'${Array.from({ length: k }, (_, i) => `, @p${i} = ${i}`).join('')};` },
];

const GROWTH = 4;
const TOLERATED = 12;

/** CPU time of one run: runs are repeated for at least 30 ms so that small inputs are not all noise. */
function cpuMs(run: () => void): number {
  let best = Infinity;
  for (let rep = 0; rep < 2; rep++) {
    const before = process.cpuUsage();
    let used = 0;
    let runs = 0;
    while (runs < 2 || used < 30) {
      run();
      runs++;
      const d = process.cpuUsage(before);
      used = (d.user + d.system) / 1000;
    }
    best = Math.min(best, used / runs);
  }
  return best;
}

export const growth = (progress: (i: number) => void): string[] => {
  const findings: string[] = [];
  PATTERNS.forEach((pattern, i) => {
    progress(i);
    const small = pattern.make(pattern.base);
    const large = pattern.make(pattern.base * GROWTH);
    try {
      checkTsql(small);
      checkTsql(large);
    } catch (e) {
      findings.push(`${pattern.name}: ${e instanceof Error ? e.message : String(e)}`);
      return;
    }
    const t1 = cpuMs(() => checkTsql(small));
    const t4 = cpuMs(() => checkTsql(large));
    if (t4 / t1 > TOLERATED) {
      findings.push(`${pattern.name}: ${small.length} chars took ${t1.toFixed(1)} ms of CPU, ${large.length} chars ${t4.toFixed(1)} ms (×${(t4 / t1).toFixed(1)} for ×${GROWTH} the size)`);
    }
  });
  return findings;
};

/** For finding a pattern's base and seeing the ratios: node --import tsx tsqlGrowth.ts */
if (require.main === module) {
  for (const p of PATTERNS) {
    const s = p.make(p.base);
    const l = p.make(p.base * GROWTH);
    const t1 = cpuMs(() => checkTsql(s));
    const t4 = cpuMs(() => checkTsql(l));
    console.log(`${p.name}: ${s.length} ${t1.toFixed(1)} ms, ${l.length} ${t4.toFixed(1)} ms, ×${(t4 / t1).toFixed(1)}`);
  }
}
