/**
 * The edit (Levenshtein) distance between two names: how many one-letter
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
 * The known names a mistyped `name` may have meant, in the order of `known`,
 * at most `max`: those containing it or contained in it (`create_work` for
 * `create_work_item`), and those within an edit distance of a quarter of its
 * length (at least 1).
 */
export function nearNames(name: string, known: readonly string[], max = 3): string[] {
  const wanted = name.toLowerCase();
  const within = Math.max(1, Math.floor(wanted.length / 4));
  return known
    .filter(
      (candidate) =>
        (wanted.length >= 3 && (candidate.includes(wanted) || wanted.includes(candidate))) ||
        (Math.abs(candidate.length - wanted.length) <= within && editDistance(wanted, candidate) <= within),
    )
    .slice(0, max);
}
