/**
 * What a writer needs to refuse unknown line ids: whether a line exists, after
 * catching up with other processes' changes. The floor plan satisfies it; the
 * knowledge base takes one to refuse documents linked to unknown lines.
 *
 * @example
 * ```ts
 * const known: KnownLines = { hasLine: (line) => ["checkout", "search"].includes(line) };
 * ```
 */
export interface KnownLines {
  /** Whether the line exists. */
  hasLine(lineId: string): boolean;
  /** Every line there is, for the "did you mean" of a refusal of an unknown one. */
  lines?(): readonly {
    /** The line's id. */
    readonly id: string;
  }[];
  /** Folds changes other processes made since the last call, so the answers are current; called before each check. */
  refresh?(): Promise<unknown>;
}

/**
 * What the assembly line needs to know about lines: who owns one and its WIP
 * limit, and, to refuse unknown ids before anything is written, which lines
 * and operators exist. The floor plan satisfies it; a plain object does too.
 * Without `hasLine` (or `hasOperator`) every line (or operator) id is accepted.
 *
 * @example
 * ```ts
 * const lines: LineDirectory = {
 *   ownerOf: (line) => (line === "checkout" ? "alice" : undefined),
 *   wipLimitOf: () => 3,
 *   hasLine: (line) => line === "checkout",
 *   hasOperator: (operator) => operator === "alice",
 * };
 * ```
 */
export interface LineDirectory {
  /** The operator owning the line, if known. */
  ownerOf(lineId: string): string | undefined;
  /** The line's WIP limit, if it has one. */
  wipLimitOf(lineId: string): number | undefined;
  /** Whether the line exists; the assembly line refuses ids it says no to. */
  hasLine?(lineId: string): boolean;
  /** Whether the operator exists; the assembly line refuses owners and contributors it says no to. */
  hasOperator?(operatorId: string): boolean;
  /** Every line there is, for the "did you mean" of a refusal of an unknown one. */
  lines?(): readonly {
    /** The line's id. */
    readonly id: string;
  }[];
  /**
   * Folds changes other processes made since the last call (the floor plan
   * catches up with the log); called before the assembly line reads owners or
   * checks ids for a write.
   */
  refresh?(): Promise<unknown>;
}
