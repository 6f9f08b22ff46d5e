/**
 * What the factory's resources share: how many of a kind they list, what
 * they complete, and a JSON answer.
 *
 * @module
 */

/** Resources of one kind `resources/list` lists at most (lines, documents, work items). */
export const MAX_LISTED = 200;

/** The answer of a read of `uri`: `value` as indented JSON. */
export function json(uri: URL, value: unknown) {
  return {
    contents: [{ uri: uri.href, mimeType: "application/json", text: JSON.stringify(value, null, 2) }],
  };
}

/**
 * Every one of `values` that starts with `prefix`, for a completion: the MCP
 * SDK answers the first 100 as `values`, and counts them all as `total` (with
 * `hasMore` when there are more than 100), so cutting them here would make it
 * say fewer match than do.
 */
export function startingWith(values: Iterable<string>, prefix: string): string[] {
  const found: string[] = [];
  for (const value of values) if (value.startsWith(prefix)) found.push(value);
  return found;
}
