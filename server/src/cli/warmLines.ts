// A pool's warm satellites as `launcher status` and `instance status` print them: how many are
// ready of the setting per language, what they hold, and why fewer are kept when they are.
import type { WireWarm } from '../node/instance/protocol';

const mib = (bytes: number) => `${Math.round(bytes / 2 ** 20)} MiB`;

export function warmLines(w: WireWarm, indent: string): string[] {
  const count = (label: string, c: WireWarm['python']) => `${label} ${c.ready} ready of ${c.target}${c.starting ? ` (${c.starting} starting)` : ''}`;
  return [
    `${indent}warm satellites: ${count('Python', w.python)}, ${count('R', w.r)}; holding ${mib(w.memoryBytes)} of a ${mib(w.budgetBytes)} budget`,
    ...w.problems.map((problem) => `${indent}warm satellites: ${problem}`),
    ...(w.heldBack ? [`${indent}warm satellites: fewer than set for now: ${w.heldBack}`] : []),
  ];
}
