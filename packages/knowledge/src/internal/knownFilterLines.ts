/**
 * The lines a search or listing may filter on: those the knowledge base's
 * `lines` option knows (the floor plan in a factory), and those a document
 * was ever filed on (any revision), so a line retired from the floor plan
 * still finds its documents while a mistyped one is refused, as the
 * assembly line's reads refuse it.
 *
 * @module
 */
import { type KnownLines, NotFoundError, nearNames } from "@software-factory/core";
import type { KnowledgeDocument } from "../DocumentStore.js";

/** How many known lines a refusal lists when the unknown line is near none of them. */
const LISTED_LINES = 8;

/** Every line a revision of a document names, in the order first met. */
function documentLines(documents: Iterable<KnowledgeDocument>): Set<string> {
  const lines = new Set<string>();
  for (const document of documents)
    for (const revision of document.revisions) for (const line of revision.lines) lines.add(line);
  return lines;
}

/**
 * Refuses a line of a `lines` filter that neither `known` (caught up first)
 * nor any document's history names. Without `known` every line is accepted,
 * as the writes accept them.
 *
 * @throws NotFoundError (entity `line`, field `lines[i]`) naming the line, with
 *   the known lines near it ("did you mean"), or some known lines when none is near.
 */
export async function expectKnownFilterLines(
  known: KnownLines | undefined,
  documents: () => Iterable<KnowledgeDocument>,
  lines: readonly string[] | undefined,
): Promise<void> {
  if (known === undefined || lines === undefined || lines.length === 0) return;
  await known.refresh?.();
  let named: Set<string> | undefined;
  for (const [index, line] of lines.entries()) {
    if (known.hasLine(line)) continue;
    named ??= documentLines(documents());
    if (named.has(line)) continue;
    const field = `lines[${index}]`;
    const all = [...new Set([...(known.lines?.().map(({ id }) => id) ?? []), ...named])];
    const near = nearNames(line, all);
    let hint = "";
    if (near.length > 0) hint = `; did you mean ${near.map((id) => `"${id}"`).join(" or ")}?`;
    else if (all.length === 0) hint = "; there are no lines yet";
    else
      hint = `; the lines are ${all.slice(0, LISTED_LINES).join(", ")}${all.length > LISTED_LINES ? `, ... (${all.length} in all)` : ""}`;
    throw new NotFoundError({
      message: `${field}: no line "${line}" in the floor plan, nor filed on by any document${hint}`,
      entity: "line",
      id: line,
      field,
    });
  }
}
