/**
 * Names a mistyped one may have meant, for "did you mean" hints in errors.
 *
 * @module
 */

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
 * at most `max`: those within an edit distance of a quarter of its length (at
 * least 1), and, when `substrings` is set, those containing it or contained in
 * it (`create_work` for `create_work_item`). Case is ignored.
 *
 * @example
 * ```ts
 * nearNames("chekout", ["checkout", "payments"]); // ["checkout"]
 * nearNames("create_work", ["create_work_item"], { substrings: true }); // ["create_work_item"]
 * ```
 */
export function nearNames(
  name: string,
  known: readonly string[],
  options: { readonly max?: number; readonly substrings?: boolean } = {},
): string[] {
  const wanted = name.toLowerCase();
  const within = Math.max(1, Math.floor(wanted.length / 4));
  const near: string[] = [];
  for (const candidate of known) {
    if (near.length === (options.max ?? 3)) break;
    const lower = candidate.toLowerCase();
    const contains =
      options.substrings === true && wanted.length >= 3 && (lower.includes(wanted) || wanted.includes(lower));
    // Names whose lengths differ by more than the bound cannot be within it.
    if (
      contains ||
      (Math.abs(lower.length - wanted.length) <= within && editDistance(wanted, lower) <= within)
    )
      near.push(candidate);
  }
  return near;
}
