/**
 * The last step of fitting a context pack: the counts of what was left out go
 * into the pack, and the pack still fits its budget with them.
 *
 * @module
 */
import type { ContextPackContent } from "./contextPack.js";
import { contextPackMarkdown } from "./contextPackMarkdown.js";
import { checksSubject } from "./contextPackStandards.js";
import type { TokenCounter } from "./contextPackTokens.js";

/**
 * The pack without the last candidate of its least needed part that has one
 * (rules on the process, document references, documents in full,
 * instructions, rules, active work, suspect links: the reverse of the order
 * they are filled in), or `undefined` when these parts are all empty.
 */
function withoutLastCandidate(pack: ContextPackContent): ContextPackContent | undefined {
  const { standards } = pack;
  const lastRule = standards.rules.at(-1);
  if (lastRule !== undefined && !checksSubject(lastRule, pack.workItem !== undefined))
    return { ...pack, standards: { ...standards, rules: standards.rules.slice(0, -1) } };
  if (pack.relatedKnowledge.length > 0)
    return { ...pack, relatedKnowledge: pack.relatedKnowledge.slice(0, -1) };
  if (pack.knowledge.length > 0) return { ...pack, knowledge: pack.knowledge.slice(0, -1) };
  if (standards.instructions.length > 0)
    return { ...pack, standards: { ...standards, instructions: standards.instructions.slice(0, -1) } };
  if (standards.rules.length > 0)
    return { ...pack, standards: { ...standards, rules: standards.rules.slice(0, -1) } };
  if (pack.activeWork.length > 0) return { ...pack, activeWork: pack.activeWork.slice(0, -1) };
  if (pack.suspectLinks.length > 0) return { ...pack, suspectLinks: pack.suspectLinks.slice(0, -1) };
  return undefined;
}

/**
 * `finish(pack)` (the pack with what depends on the whole of it, as the
 * counts of what was left out) and its tokens; while that is over `budget`,
 * the last candidate of its least needed part is taken out and the pack
 * finished again, until it fits or no candidate is left.
 */
export function settlePack(
  pack: ContextPackContent,
  finish: (pack: ContextPackContent) => ContextPackContent,
  budget: number,
  counter: TokenCounter,
): { readonly pack: ContextPackContent; readonly tokens: number } {
  let finished = finish(pack);
  let tokens = counter.count(contextPackMarkdown(finished));
  for (
    let smaller = withoutLastCandidate(finished);
    tokens > budget && smaller !== undefined;
    smaller = withoutLastCandidate(finished)
  ) {
    finished = finish(smaller);
    tokens = counter.count(contextPackMarkdown(finished));
  }
  return { pack: finished, tokens };
}
