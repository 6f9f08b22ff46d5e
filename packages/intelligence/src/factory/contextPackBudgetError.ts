/**
 * The refusal of a context pack that fits no budget below the one asked for:
 * it names what the pack could not leave out and a budget that fits.
 *
 * @module
 */
import { ValidationError, type WorkItem } from "@software-factory/core";
import type { ContextPack } from "./contextPack.js";
import { listedNeighbours } from "./contextPackLines.js";

/**
 * What the parts every pack keeps are, in words: `the work item wi_1, the line
 * checkout (description, owner, code) and 2 paths no line claims`.
 */
function coreParts(
  lines: ContextPack["lines"],
  workItem: WorkItem | undefined,
  unclaimedPaths: readonly string[],
): string {
  const ids = lines.map(({ line }) => line.id);
  const named =
    ids.length === 0
      ? undefined
      : `the line${ids.length === 1 ? "" : "s"} ${ids.join(", ")} (description, owner, code)`;
  const item = workItem === undefined ? undefined : `the work item ${workItem.id}`;
  const unclaimed =
    unclaimedPaths.length === 0
      ? undefined
      : `${unclaimedPaths.length} path${unclaimedPaths.length === 1 ? "" : "s"} no line claims`;
  const parts = [item, named, unclaimed].filter((part) => part !== undefined);
  if (parts.length === 0) return "the pack's headings";
  const last = parts.pop();
  return parts.length === 0 ? `${last}` : `${parts.join(", ")} and ${last}`;
}

/**
 * The `E_VALIDATION` error, issue at `budgetTokens`, of a pack that fits no
 * way into `budget`: it names the smaller of `baseTokens` (the parts every
 * pack keeps, with the note of everything else left out) and `wholeTokens`
 * (the pack that leaves nothing out), a budget that fits.
 */
export function packBudgetError(
  budget: number,
  tokens: { readonly baseTokens: number; readonly wholeTokens: number },
  kept: {
    readonly lines: ContextPack["lines"];
    readonly workItem: WorkItem | undefined;
    readonly unclaimedPaths: readonly string[];
  },
): ValidationError {
  const { baseTokens, wholeTokens } = tokens;
  const needed = Math.min(baseTokens, wholeTokens);
  const parts = coreParts(kept.lines, kept.workItem, kept.unclaimedPaths);
  const short =
    wholeTokens < baseTokens
      ? `${budget} is below the ${needed} tokens that ${parts} and all the rest the factory has for them take; ask for at least ${needed}`
      : `${budget} is below the ${needed} tokens that ${parts} take${listedNeighbours(kept.lines) > 0 ? " even without their neighbouring lines" : ""}; ask for at least ${needed}`;
  return new ValidationError({
    message: `budgetTokens ${short}`,
    issues: [{ path: "budgetTokens", message: short }],
  });
}
