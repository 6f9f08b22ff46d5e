/**
 * Cutting a text to a limit counted in UTF-16 units, as the factory's limits
 * are, without splitting a surrogate pair: half of one is not Unicode and the
 * event log refuses it.
 *
 * @module
 */

/** The first `limit` units of `text`, one fewer when the cut would fall inside a surrogate pair. */
export function cutText(text: string, limit: number): string {
  if (text.length <= limit) return text;
  const cut = text.slice(0, limit);
  return /[\uD800-\uDBFF]$/.test(cut) ? cut.slice(0, -1) : cut;
}
