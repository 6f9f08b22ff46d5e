/**
 * What the assembly line needs to know about lines: who owns one and its WIP
 * limit. The floor plan satisfies it; a plain object does too.
 *
 * @example
 * ```ts
 * const lines: LineDirectory = {
 *   ownerOf: (line) => (line === "checkout" ? "alice" : undefined),
 *   wipLimitOf: () => 3,
 * };
 * ```
 */
export interface LineDirectory {
  /** The operator owning the line, if known. */
  ownerOf(lineId: string): string | undefined;
  /** The line's WIP limit, if it has one. */
  wipLimitOf(lineId: string): number | undefined;
}
