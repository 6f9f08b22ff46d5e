/**
 * The edit (Levenshtein) distance between two ids: how many one-letter
 * insertions, deletions or replacements turn one into the other.
 */
function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0] ?? 0;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j] ?? 0;
      row[j] = Math.min((row[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length] ?? 0;
}

/**
 * The known ids a mistyped `id` may have meant: those within an edit distance
 * of a quarter of its length (at least 1), in the order of `known`, at most `max`.
 */
export function nearIds(id: string, known: readonly string[], max = 3): string[] {
  const within = Math.max(1, Math.floor(id.length / 4));
  const near: string[] = [];
  for (const candidate of known) {
    if (near.length === max) break;
    // Ids whose lengths differ by more than the bound cannot be within it.
    if (Math.abs(candidate.length - id.length) <= within && editDistance(id, candidate) <= within)
      near.push(candidate);
  }
  return near;
}
