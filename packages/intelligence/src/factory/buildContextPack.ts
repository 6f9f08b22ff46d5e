/**
 * Building a context pack: the request checked, what it is about looked up,
 * and what the factory has for it gathered (lines, standards, knowledge,
 * suspect links, active work), then fitted to the budget.
 *
 * @module
 */
import { abortable, NotFoundError } from "@software-factory/core";
import { parseInput } from "../internal/parse.js";
import type { ContextPack, ContextRequest } from "./contextPack.js";
import { fitContextPack } from "./contextPackFit.js";
import { searchKnowledge } from "./contextPackKnowledge.js";
import { packLines, requestedLines } from "./contextPackLines.js";
import { nothingMatched as factoryHoldings } from "./contextPackNothing.js";
import { ContextRequestSchema } from "./contextPackRequest.js";
import { packStandards } from "./contextPackStandards.js";
import type { TokenCounter } from "./contextPackTokens.js";
import type { Factory } from "./openFactory.js";

/**
 * Builds a context pack: the parts every request has (lines, work item), with
 * as many of the lines' neighbours as take at most 40 % of
 * what the budget leaves (the most relevant first, the rest counted); when the
 * pack has a line, the best documents in full within a reserved share of the
 * rest (`reserveKnowledge`); then suspect links, active work and the rules
 * over the pack's subject, then the instructions of rule files, then the
 * other knowledge, and when nothing of these was left out, the rules on the
 * process around the work (by id), each kept while
 * the whole pack, rendered as markdown and counted by `counter`, stays within
 * the budget; last, more of the neighbours left out, as many as the budget
 * the other parts left holds (their share keeps room for the other parts, it
 * does not leave the budget unused). Deterministic for the same state of the factory.
 *
 * A request nothing of the factory matches (no line, work item or document)
 * gets `nothingMatched`: what the factory holds and what to try.
 *
 * Paths that no line claims are listed as such (`unclaimedPaths`, and a
 * section of the markdown) with the lines and the work item: they are part of
 * what was asked about, so they are never left out to fit.
 *
 * When the lines with their neighbours, the work item and the unclaimed paths
 * do not fit the budget, the neighbours are left out (counted in
 * `omitted.neighbours` and said in the markdown) before anything is refused.
 *
 * Knowledge is the documents in force linked to the work item, then to the
 * pack's lines (`KnowledgeBase.linksTo`; each marked `linked`, with its
 * links), then the documents that match the question (else the work item's
 * title, else the lines' names and descriptions), then the other documents
 * filed on the pack's lines, which belong to them whether or not they share a
 * word with what was searched for (decisions first, then newest first). It
 * comes in full (title, source, excerpt) while it takes at most
 * 70 % of the budget the other parts left, then further documents
 * are listed by title and id (`relatedKnowledge`) in what remains: an agent
 * fetches the ones it needs, and the budget names several times more
 * documents than excerpts would.
 *
 * With `signal`, the pack is cancelled when it aborts: it rejects with the
 * signal's reason, checked before each step that waits (the refresh of the
 * floor plan and the work, the knowledge search, the reading of the links,
 * the listing of the lines' documents), and the knowledge search gets the
 * signal, so the embedder's call it waits on is aborted.
 *
 * @throws ValidationError when the request is malformed or names nothing to pack (`signal` no `AbortSignal`).
 * @throws NotFoundError when the work item or the line does not exist.
 * @throws the signal's `reason` when `signal` aborts before the pack is built.
 * A pack that leaves nothing out has no note of what was left out: when
 * that whole pack fits the budget and the fitted one, without documents in
 * full, left something out (or did not fit), the whole pack is the answer.
 *
 * @throws ValidationError (`E_VALIDATION`, issue at `budgetTokens`) when no
 * pack fits the budget: neither the lines (without neighbours), the work item
 * and the unclaimed paths with the note of everything else left out, nor a
 * pack that leaves out less, nor the whole pack; the message names the
 * smaller of the first and the last, a budget that fits.
 */
export async function buildContextPack(
  factory: Factory,
  request: ContextRequest,
  counter: TokenCounter,
): Promise<ContextPack> {
  parseInput(ContextRequestSchema, request, "context request");
  const { signal } = request;
  signal?.throwIfAborted();
  await abortable(Promise.all([factory.floorplan.refresh(), factory.work.refresh()]), signal);
  const workItem = request.workItem === undefined ? undefined : factory.work.get(request.workItem);
  if (request.workItem !== undefined && workItem === undefined) {
    throw new NotFoundError({
      message: `no work item "${request.workItem}"`,
      entity: "work item",
      id: request.workItem,
    });
  }
  if (request.line !== undefined && factory.floorplan.line(request.line) === undefined) {
    throw new NotFoundError({ message: `no line "${request.line}"`, entity: "line", id: request.line });
  }
  const budget = request.budgetTokens ?? 1500;
  const { lineIds, unclaimedPaths } = requestedLines(factory, request, workItem);
  const lines = packLines(factory, lineIds);
  const { instructions, rules } = packStandards(factory, request.paths ?? [], lines, workItem !== undefined);
  const knowledge = await searchKnowledge(
    factory,
    { question: request.question, workItem, lines, lineIds },
    budget,
    signal,
  );
  const suspectLinks = [...lineIds].flatMap((line) => factory.work.suspectLinks({ line }));
  // The work item asked about has its own section: active work is the other work on its lines.
  const activeWork = [...lineIds]
    .flatMap((line) => factory.work.list({ line, state: "active" }))
    .filter((item) => item.id !== workItem?.id);
  const found = lines.length > 0 || workItem !== undefined || knowledge.length > 0;
  const nothingMatched = found ? undefined : await factoryHoldings(factory, signal);
  return fitContextPack(
    {
      lines,
      unclaimedPaths,
      workItem,
      rules,
      instructions,
      knowledge,
      suspectLinks,
      activeWork,
      ...(nothingMatched === undefined ? {} : { nothingMatched }),
    },
    budget,
    counter,
  );
}
