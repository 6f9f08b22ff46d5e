/**
 * What a context pack says when nothing of the factory matched its request:
 * what the factory holds, and what to try, another request or filling it.
 *
 * @module
 */
import { abortable } from "@software-factory/core";
import type { ContextPack } from "./contextPack.js";
import type { Factory } from "./openFactory.js";

/** How the floor plan and the knowledge base are filled, from the command line and over MCP. */
const FILL_LINES =
  "`factory import codebase <repo>` (import_codebase over MCP) fills the floor plan from a repository";
const FILL_DOCUMENTS = "`factory import docs <folder>` (capture_knowledge over MCP) fills the knowledge base";

/** What to try, in words, for a factory with `lines` lines and documents or none. */
function whatToTry(lines: number, hasDocuments: boolean): string {
  if (lines === 0 && !hasDocuments)
    return `Nothing matched: this factory is empty, with no line and no document yet. ${FILL_LINES}; ${FILL_DOCUMENTS}.`;
  if (lines === 0)
    return `Nothing matched: no document of this factory concerns this request, and its floor plan has no line yet: ${FILL_LINES}. Ask in other words.`;
  const named = `${lines.toLocaleString("en-US")} line${lines === 1 ? "" : "s"}`;
  const documents = hasDocuments ? "" : ` Its knowledge base has no document yet: ${FILL_DOCUMENTS}.`;
  return `Nothing matched: no line, work item or document of this factory concerns this request. Its floor plan has ${named}: name a line or a work item by id, give repository paths, or ask in other words.${documents}`;
}

/**
 * What the factory holds, for a pack that matched nothing: how many lines
 * its floor plan has, whether it has documents, and in words what to try.
 */
export async function nothingMatched(
  factory: Factory,
  signal: AbortSignal | undefined,
): Promise<NonNullable<ContextPack["nothingMatched"]>> {
  const lines = factory.floorplan.lines().length;
  const hasDocuments = (await abortable(factory.knowledge.list({ limit: 1 }), signal)).length > 0;
  return { message: whatToTry(lines, hasDocuments), lines, hasDocuments };
}
