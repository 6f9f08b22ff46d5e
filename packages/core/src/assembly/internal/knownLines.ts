/**
 * The lines a read of the assembly line may filter on: those of the line
 * directory (the floor plan in a factory), and those its history names (a
 * work item, signal, artifact, deployment or incident of the line), so a
 * line retired from the floor plan still answers with its history while a
 * mistyped one is refused, as `factory metrics --line` decides.
 *
 * @module
 */
import { NotFoundError } from "../../errors.js";
import { nearNames } from "../../nearNames.js";
import type { LineDirectory } from "../LineDirectory.js";
import type { AssemblyState } from "./AssemblyState.js";

/** How many known lines a refusal lists when the unknown line is near none of them. */
const LISTED_LINES = 8;

/** Every line the history of the assembly line names, in the order first met. */
function historyLines(state: AssemblyState): Set<string> {
  const lines = new Set<string>();
  const groups: Iterable<{ readonly line?: string | undefined }>[] = [
    state.items.values(),
    state.signals.values(),
    state.artifacts.values(),
    state.deployments.values(),
    state.incidents.values(),
  ];
  for (const group of groups) for (const { line } of group) if (line !== undefined) lines.add(line);
  return lines;
}

/**
 * Refuses a line filter (`field`) that names a line neither the directory
 * nor the history of the assembly line knows. Without a directory that can
 * tell which lines exist, every line is accepted, as the writes accept them.
 *
 * @throws NotFoundError (entity `line`, `field`) naming the line, with the
 *   known lines near it ("did you mean"), or some known lines when none is near.
 */
export function expectKnownLine(
  lines: LineDirectory | undefined,
  state: AssemblyState,
  field: string,
  line: string | undefined,
): void {
  if (line === undefined || lines?.hasLine === undefined || lines.hasLine(line)) return;
  const named = historyLines(state);
  if (named.has(line)) return;
  const known = [...new Set([...(lines.lines?.().map(({ id }) => id) ?? []), ...named])];
  const near = nearNames(line, known);
  let hint = "";
  if (near.length > 0) hint = `; did you mean ${near.map((id) => `"${id}"`).join(" or ")}?`;
  else if (known.length === 0) hint = "; there are no lines yet";
  else
    hint = `; the lines are ${known.slice(0, LISTED_LINES).join(", ")}${known.length > LISTED_LINES ? `, ... (${known.length} in all)` : ""}`;
  throw new NotFoundError({
    message: `${field}: no line "${line}" in the floor plan, nor in the history of the assembly line${hint}`,
    entity: "line",
    id: line,
    field,
  });
}
