/**
 * What the factory's resources share: how many of a kind they list and
 * complete, and a JSON answer.
 *
 * @module
 */

/** Resources of one kind `resources/list` lists at most (lines, documents, work items). */
export const MAX_LISTED = 200;
/** Values a completion of an id answers at most. */
const MAX_COMPLETIONS = 50;

/** The answer of a read of `uri`: `value` as indented JSON. */
export function json(uri: URL, value: unknown) {
  return {
    contents: [{ uri: uri.href, mimeType: "application/json", text: JSON.stringify(value, null, 2) }],
  };
}

/** The first {@link MAX_COMPLETIONS} of `values` that start with `prefix`, for a completion. */
export function startingWith(values: Iterable<string>, prefix: string): string[] {
  const found: string[] = [];
  for (const value of values) {
    if (value.startsWith(prefix)) found.push(value);
    if (found.length >= MAX_COMPLETIONS) break;
  }
  return found;
}
