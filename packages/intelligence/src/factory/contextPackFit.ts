/**
 * Fitting a context pack to its token budget: what the factory has for the
 * pack goes in part by part, in order of need, while the pack as markdown
 * fits; a pack that leaves nothing out is preferred when it fits, and a pack
 * that fits no way is refused.
 *
 * @module
 */
import type { WorkItem } from "@software-factory/core";
import type { ContextPack, ContextPackContent, PackDocument, PackOmitted } from "./contextPack.js";
import { packBudgetError } from "./contextPackBudgetError.js";
import { fillKnowledge, knowledgeReference, reserveKnowledge } from "./contextPackKnowledge.js";
import { fitNeighbours, listedNeighbours, withoutNeighbours } from "./contextPackLines.js";
import { contextPackMarkdown } from "./contextPackMarkdown.js";
import { settlePack } from "./contextPackOmitted.js";
import { checksSubject } from "./contextPackStandards.js";
import type { TokenCounter } from "./contextPackTokens.js";
import { PackFitter } from "./PackFitter.js";

/** Share of the budget left after the lines without their neighbours that the neighbours may take. */
const NEIGHBOUR_SHARE = 0.4;

/** Everything the factory has for a pack, before it is fitted to its budget. */
export interface PackParts {
  /** The lines, each with all its neighbours. */
  readonly lines: ContextPack["lines"];
  /** Paths of the request that no line claims. */
  readonly unclaimedPaths: readonly string[];
  /** The work item asked about, if any. */
  readonly workItem: WorkItem | undefined;
  /** Checked rules that apply, those over the pack's subject and those on the process around the work. */
  readonly rules: ContextPack["standards"]["rules"];
  /** Instructions of imported rule files that apply. */
  readonly instructions: ContextPack["standards"]["instructions"];
  /** Documents linked to the work item or the lines, then matching documents, then the others filed on the lines. */
  readonly knowledge: readonly PackDocument[];
  /** Suspect links on the lines. */
  readonly suspectLinks: ContextPack["suspectLinks"];
  /** Active work on the lines, but the work item asked about. */
  readonly activeWork: ContextPack["activeWork"];
  /** Set when nothing matched the request: what the factory holds and what to try. */
  readonly nothingMatched?: ContextPack["nothingMatched"];
}

/**
 * `pack` with every candidate of the other parts in it (knowledge as
 * references, its shortest form): the pack that leaves nothing out, so it has
 * no note of what was left out.
 */
function complete(pack: ContextPackContent, parts: PackParts): ContextPackContent {
  return {
    ...pack,
    suspectLinks: parts.suspectLinks,
    activeWork: parts.activeWork,
    standards: { rules: parts.rules, instructions: parts.instructions },
    knowledge: [],
    relatedKnowledge: parts.knowledge.map(knowledgeReference),
  };
}

/**
 * The pack of `parts` that fits `budget` tokens, counted by `counter`, as
 * {@link buildContextPack} tells.
 *
 * @throws ValidationError (`E_VALIDATION`, issue at `budgetTokens`) when no pack fits the budget.
 */
export function fitContextPack(parts: PackParts, budget: number, counter: TokenCounter): ContextPack {
  const { lines, unclaimedPaths, workItem, rules, instructions, knowledge, suspectLinks, activeWork } = parts;
  const hasWorkItem = workItem !== undefined;
  const subjectRules = rules.filter((rule) => checksSubject(rule, hasWorkItem));
  const processRules = rules.filter((rule) => !checksSubject(rule, hasWorkItem));
  const neighbourCount = listedNeighbours(lines);
  /** What `pack` leaves out of what the factory has for it. */
  const omittedFrom = (pack: ContextPackContent): PackOmitted => ({
    neighbours: pack.lines.reduce(
      (sum, { neighboursOmitted: left }) => sum + (left === undefined ? 0 : left.dependsOn + left.dependents),
      0,
    ),
    instructions: instructions.length - pack.standards.instructions.length,
    knowledge: knowledge.length - pack.knowledge.length - pack.relatedKnowledge.length,
    rules: rules.length - pack.standards.rules.length,
    activeWork: activeWork.length - pack.activeWork.length,
    suspectLinks: suspectLinks.length - pack.suspectLinks.length,
  });
  const core = (packed: ContextPack["lines"]): ContextPackContent => ({
    lines: packed,
    unclaimedPaths,
    ...(workItem === undefined ? {} : { workItem }),
    ...(parts.nothingMatched === undefined ? {} : { nothingMatched: parts.nothingMatched }),
    standards: { rules: [], instructions: [] },
    activeWork: [],
    knowledge: [],
    relatedKnowledge: [],
    suspectLinks: [],
  });
  /** `pack` with the counts of what it leaves out. */
  const finish = (pack: ContextPackContent): ContextPackContent => ({ ...pack, omitted: omittedFrom(pack) });
  // The parts every pack keeps are fitted with the counts of everything else left out, the longest that note gets.
  const base = (packed: ContextPack["lines"]): ContextPackContent => finish(core(packed));
  /**
   * A settled pack that left neighbours out, with as many more of them as the
   * budget the other parts left holds: the share neighbours were capped at
   * keeps room for the other parts, not from them.
   */
  const withMoreNeighbours = (settled: { readonly pack: ContextPackContent; readonly tokens: number }) => {
    const listed = listedNeighbours(settled.pack.lines);
    if (settled.tokens > budget || listed === neighbourCount) return settled;
    const measure = (packed: ContextPack["lines"]) =>
      counter.count(contextPackMarkdown(finish({ ...settled.pack, lines: packed })));
    const grown = fitNeighbours(lines, (packed) => measure(packed) <= budget, listed);
    if (listedNeighbours(grown) === listed) return settled;
    return { pack: finish({ ...settled.pack, lines: grown }), tokens: measure(grown) };
  };
  /** The pack of `fitter` with the other parts added while they fit, then more neighbours in what is left, and the counts of what was left out. */
  const fitted = (fitter: PackFitter) => {
    // With lines, rules, active work and suspect links compete with knowledge: the best documents come first.
    if (lines.length > 0) reserveKnowledge(fitter, knowledge, budget);
    fitter.fill(suspectLinks, (pack, links) => ({ ...pack, suspectLinks: links }));
    fitter.fill(activeWork, (pack, items) => ({ ...pack, activeWork: items }));
    fitter.fill(subjectRules, (pack, list) => ({ ...pack, standards: { ...pack.standards, rules: list } }));
    fitter.fill(instructions, (pack, list) => ({
      ...pack,
      standards: { ...pack.standards, instructions: list },
    }));
    fillKnowledge(fitter, knowledge, budget);
    // Rules on the process around the work come last, by id, once nothing else was left out.
    const left = omittedFrom(fitter.pack);
    if (
      left.rules === processRules.length &&
      left.instructions + left.knowledge + left.activeWork + left.suspectLinks === 0
    ) {
      fitter.fill(processRules, (pack, list) => ({
        ...pack,
        standards: { ...pack.standards, rules: [...pack.standards.rules, ...list] },
      }));
    }
    return withMoreNeighbours(settlePack(fitter.pack, finish, budget, counter));
  };
  // Neighbours take at most their share of what the lines without them leave; the most relevant are listed first.
  const bare = base(lines.map(withoutNeighbours));
  const bareTokens = counter.count(contextPackMarkdown(bare));
  const neighbourLimit = bareTokens + Math.floor((budget - bareTokens) * NEIGHBOUR_SHARE);
  const packed =
    bareTokens > budget
      ? lines
      : fitNeighbours(lines, (listed) => counter.count(contextPackMarkdown(base(listed))) <= neighbourLimit);
  let fitter = new PackFitter(base(packed), budget, counter);
  if (fitter.tokens > budget && neighbourCount > 0) {
    fitter = new PackFitter(bare, budget, counter);
  }
  // The pack that leaves nothing out needs no note of what was left out: when it fits, no pack is refused or cut short.
  const whole = complete(core(lines), parts);
  const wholeTokens = counter.count(contextPackMarkdown(whole));
  // Without room for the longest note, a pack that leaves out less (with a shorter note) may still fit.
  const tried = fitted(fitter.tokens <= budget ? fitter : new PackFitter(core(lines), budget, counter));
  // A pack with documents in full chose excerpts over references by design; one without is worse than the whole.
  const cutShort =
    tried.pack.knowledge.length === 0 && Object.values(omittedFrom(tried.pack)).some((count) => count > 0);
  const settled =
    (tried.tokens > budget || cutShort) && wholeTokens <= budget
      ? { pack: whole, tokens: wholeTokens }
      : tried;
  if (settled.tokens > budget) {
    throw packBudgetError(budget, { baseTokens: fitter.tokens, wholeTokens }, parts);
  }
  return {
    ...settled.pack,
    unclaimedPaths,
    tokens: settled.tokens,
    budgetTokens: budget,
    tokenizer: counter.name,
    omitted: omittedFrom(settled.pack),
  };
}
