/** "1 node", "3 nodes", "0 links": a count and its noun, in the number the count needs. */
export function count(n: number, noun: string, plural = `${noun}s`): string {
  return `${n} ${n === 1 ? noun : plural}`;
}
