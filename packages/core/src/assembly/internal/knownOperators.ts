/**
 * The operators a read of the assembly line may filter on: those of the line
 * directory (the floor plan in a factory), and those its history names (the
 * owner or a contributor of a work item), so an operator retired from the
 * floor plan still answers with their work while a mistyped one is refused,
 * as `factory work list --owner` decides.
 *
 * @module
 */
import { NotFoundError } from "../../errors.js";
import { nearNames } from "../../nearNames.js";
import type { LineDirectory } from "../LineDirectory.js";
import type { AssemblyState } from "./AssemblyState.js";

/** How many known operators a refusal lists when the unknown one is near none of them. */
const LISTED_OPERATORS = 8;

/** Every operator owning or having worked on a work item now, and those in `more`, in the order first met. */
function historyOperators(state: AssemblyState, more: Iterable<string>): Set<string> {
  const operators = new Set<string>();
  for (const item of state.items.values()) {
    if (item.owner !== undefined) operators.add(item.owner);
    for (const contributor of item.contributors) operators.add(contributor);
  }
  for (const operator of more) operators.add(operator);
  return operators;
}

/**
 * Refuses an operator filter (`field`) that names an operator neither the
 * directory nor the history of the assembly line knows (`more`: names the
 * history knows besides the items' current owners and contributors, as a
 * work item's earlier owners). Without a directory that can tell which
 * operators exist, every operator is accepted, as the writes accept them.
 *
 * @throws NotFoundError (entity `operator`, `field`) naming the operator, with
 *   the known operators near it ("did you mean"), or some of them when none is near.
 */
export function expectKnownOperator(
  lines: LineDirectory | undefined,
  state: AssemblyState,
  field: string,
  operator: string | undefined,
  more: Iterable<string> = [],
): void {
  if (operator === undefined || lines?.hasOperator === undefined || lines.hasOperator(operator)) return;
  const known = [...historyOperators(state, more)];
  if (known.includes(operator)) return;
  const near = nearNames(operator, known);
  let hint = "";
  if (near.length > 0) hint = `; did you mean ${near.map((id) => `"${id}"`).join(" or ")}?`;
  else if (known.length > 0)
    hint = `; operators with work are ${known.slice(0, LISTED_OPERATORS).join(", ")}${known.length > LISTED_OPERATORS ? `, ... (${known.length} in all)` : ""}`;
  throw new NotFoundError({
    message: `${field}: no operator "${operator}" in the floor plan, nor owning or working on a work item${hint}`,
    entity: "operator",
    id: operator,
    field,
  });
}
