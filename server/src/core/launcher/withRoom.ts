// Growing the typed arrays columns are read into: room is doubled, so that a column read chunk by
// chunk is copied a logarithmic number of times.

/** `array`, or a copy of its first `used` items in one at least `needed` long. */
export function withRoom<T extends Float64Array | Int32Array | BigInt64Array | Uint8Array | Uint16Array>(array: T, used: number, needed: number, make: (n: number) => T): T {
  if (needed <= array.length) return array;
  let capacity = Math.max(array.length * 2, 1);
  while (capacity < needed) capacity *= 2;
  const grown = make(capacity);
  grown.set(array.subarray(0, used) as never);
  return grown;
}
