/**
 * Counts in the CLI's output: a number with its noun in the number it takes.
 *
 * @module
 */

/**
 * `count` and the noun, singular for one and plural otherwise: `1 line`,
 * `0 lines`, `2 lines`; `plural` gives an irregular one (`dependencies`).
 *
 * @example
 * ```ts
 * counted(1, "change"); // "1 change"
 * counted(3, "dependency", "dependencies"); // "3 dependencies"
 * ```
 */
export function counted(count: number, singular: string, plural = `${singular}s`): string {
  return `${count} ${count === 1 ? singular : plural}`;
}
