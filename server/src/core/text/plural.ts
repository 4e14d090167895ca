// "1 row", "2 rows": counts in messages, views and summaries (English nouns with a plain -s plural).
export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
