/**
 * Context packs: everything an agent or a person needs to start on a piece of
 * work (the lines and their neighbours, the work item, the standards that
 * apply, the knowledge that matters, open work and suspect links), within a
 * token budget, as structured data and as markdown.
 *
 * This module says what a pack is and fits it to its budget; the sibling
 * `contextPackLines`, `contextPackStandards` and `contextPackKnowledge`
 * gather its parts, and `contextPackMarkdown` renders it.
 *
 * @module
 */
import {
  type AssemblyLine,
  abortable,
  NotFoundError,
  strictInput,
  ValidationError,
  type WorkItem,
} from "@software-factory/core";
import type { Criticality, DependencyKind, LineInfo } from "@software-factory/floorplan";
import type { SearchHit } from "@software-factory/knowledge";
import { z } from "zod";
import { parseInput } from "../internal/parse.js";
import type { InstructionStandard } from "../rules/InstructionStandard.js";
import type { FindingSeverity } from "../rules/Rule.js";
import {
  fillKnowledge,
  knowledgeReference,
  MAX_SEARCH_CHARS,
  reserveKnowledge,
  searchKnowledge,
} from "./contextPackKnowledge.js";
import {
  fitNeighbours,
  listedNeighbours,
  packLines,
  requestedLines,
  withoutNeighbours,
} from "./contextPackLines.js";
import { contextPackMarkdown } from "./contextPackMarkdown.js";
import { settlePack } from "./contextPackOmitted.js";
import { checksSubject, packStandards } from "./contextPackStandards.js";
import type { TokenCounter } from "./contextPackTokens.js";
import type { Factory } from "./openFactory.js";
import { PackFitter } from "./PackFitter.js";

/** Re-exported: the pack and its rendering are imported together. */
export { contextPackMarkdown };

/** Ask for a context pack: about a work item, a line, some paths, or a question. */
export interface ContextRequest {
  /** Id of a work item: the pack covers it and its line. */
  readonly workItem?: string;
  /** Id of a line of the floor plan: the pack covers it and its neighbours. */
  readonly line?: string;
  /**
   * Repository paths: the pack covers the lines that own them and the
   * instructions that apply to them. Each is taken as given (a space at either
   * end is part of a file name); a blank one is refused.
   */
  readonly paths?: readonly string[];
  /**
   * A question of at most 4,000 characters (what a knowledge search takes):
   * the knowledge of the pack answers it (else the work item's title or the lines describe it).
   */
  readonly question?: string;
  /**
   * Tokens the whole pack may take as markdown ({@link contextPackMarkdown}),
   * counted by the factory's `tokenCounter` (default 1,500).
   */
  readonly budgetTokens?: number;
  /**
   * Cancels the pack when it aborts: it rejects with the signal's reason (a
   * `DOMException` named `AbortError` for `controller.abort()`, or what was
   * passed to `abort(reason)`), as `fetch` and `knowledge.search` do, and the
   * knowledge search it makes passes it on, so the embedder's call for the
   * pack's question is aborted (an HTTP embedder closes its request). Already
   * aborted, the pack does nothing. A pack reads only: a cancelled one has
   * written nothing.
   */
  readonly signal?: AbortSignal | undefined;
}

/** Share of the budget left after the lines without their neighbours that the neighbours may take. */
const NEIGHBOUR_SHARE = 0.4;

/** What {@link ContextRequest} takes, no other key (one is refused, naming it and these), and at least one subject. */
const ContextRequestSchema = strictInput({
  workItem: z.string().min(1).optional(),
  line: z.string().min(1).optional(),
  // A path is data: only a blank one is refused; a space at either end is part of a file name.
  paths: z
    .array(z.string().refine((path) => path.trim() !== "", "a path must not be blank"))
    .min(1)
    .optional(),
  question: z
    .string()
    .trim()
    .min(1, "question must not be empty")
    .max(MAX_SEARCH_CHARS, {
      error: (issue) =>
        `question is ${(issue.input as string).length.toLocaleString("en-US")} characters; a knowledge search takes at most ${MAX_SEARCH_CHARS.toLocaleString("en-US")}`,
    })
    .optional(),
  budgetTokens: z.number().int().min(1).optional(),
  signal: z.custom<AbortSignal>((value) => value instanceof AbortSignal, "must be an AbortSignal").optional(),
}).refine(
  (request) =>
    [request.workItem, request.line, request.paths, request.question].some((part) => part !== undefined),
  "say what the pack is about: a workItem, a line, paths or a question",
);

/** A further document of the pack, named without its text: an agent fetches it by id when it needs it. */
export interface KnowledgeReference {
  /** The document id, for `KnowledgeBase.get`. */
  readonly id: string;
  /** Its title. */
  readonly title: string;
  /** Its kind (`note`, `decision`, `runbook`...). */
  readonly kind: string;
  /** Its search score, comparable with the knowledge hits'; 0 for a document filed on the pack's lines that the search did not find. */
  readonly score: number;
}

/** A checked rule of the factory's standards, as a pack lists it. */
export interface PackRule {
  /** The rule's id. */
  readonly id: string;
  /** What the rule asks for, in one line. */
  readonly description: string;
  /** How much a finding of the rule weighs. */
  readonly severity: FindingSeverity;
  /** Kind of target it checks (`workItem`, `requirement`, `line`...). */
  readonly appliesTo: string;
}

/** A line next to a line of the pack, and the dependency between them: its kind, criticality and contract. */
export interface PackNeighbour {
  /** The neighbouring line's id. */
  readonly line: string;
  /** Its owner, when it has one: who to ask about the dependency. */
  readonly owner?: string | undefined;
  /** What the dependency goes through (`api`, `data`, `event`, `ui`, `library`, `infra`). */
  readonly kind: DependencyKind;
  /** How badly the dependent line breaks when the other changes (`high`, `medium`, `low`). */
  readonly criticality: Criticality;
  /** What the dependency promises, when the floor plan says. */
  readonly contract?: string | undefined;
}

/** A line of a pack with its direct neighbours. */
export interface PackLine {
  /** The line as the floor plan has it (owner, contributors, paths...). */
  readonly line: LineInfo;
  /** Lines it depends on. */
  readonly dependsOn: readonly PackNeighbour[];
  /** Lines that depend on it. */
  readonly dependents: readonly PackNeighbour[];
  /** How many neighbours were left out to fit the budget (`dependsOn` and `dependents` list the others). */
  readonly neighboursOmitted?: {
    /** Lines it depends on, left out. */
    readonly dependsOn: number;
    /** Lines that depend on it, left out. */
    readonly dependents: number;
  };
}

/** How many of each part of a pack did not fit its budget. */
export interface PackOmitted {
  /**
   * Neighbouring lines left out of the lines' `dependsOn` and `dependents`:
   * they take at most a share of the budget, and all go when the lines alone do not fit.
   */
  readonly neighbours: number;
  /** Instructions of imported rule files left out. */
  readonly instructions: number;
  /** Matching documents that fitted neither in full nor as references. */
  readonly knowledge: number;
  /** Checked rules left out. */
  readonly rules: number;
  /** Active work items left out. */
  readonly activeWork: number;
  /** Suspect links left out. */
  readonly suspectLinks: number;
}

/** Everything an agent or a person needs to start on a piece of work, in one answer. */
export interface ContextPack {
  /** Lines concerned, with owner, what they depend on and what depends on them (with the contracts). */
  readonly lines: readonly PackLine[];
  /**
   * Paths of the request that no line claims, in the order given, each once:
   * the pack has no line, owner or line rules for them (the floor plan's
   * paths leave them out). Empty when every path has a line or none was asked about.
   */
  readonly unclaimedPaths: readonly string[];
  /** The work item asked about, when the request named one. */
  readonly workItem?: WorkItem;
  /**
   * The standards that apply: checked rules over what belongs to the pack's
   * lines (every kind but `floorplan`, none when the pack has no line), and
   * the instructions of imported rule files for these paths and lines. The
   * rules that check what the pack is about come first, in full in the
   * markdown: those over its lines (`appliesTo: "line"`), and with a work
   * item those its stage gates run (`line`, `artifact`, `workItem`). The
   * others, on the process around the work (signals routed within their SLA,
   * recorded decisions, other work), follow, named by id in the markdown, and
   * only when nothing else was left out to fit the budget.
   */
  readonly standards: {
    /** Checked rules that apply: those over what the pack is about, then those on the process around the work. */
    readonly rules: readonly PackRule[];
    /** Instructions of imported rule files (AGENTS.md, Cursor rules) that apply to the pack's paths and lines. */
    readonly instructions: readonly InstructionStandard[];
  };
  /** Active work on those lines, but the work item asked about (it has a section of its own). */
  readonly activeWork: readonly WorkItem[];
  /**
   * Knowledge that answers the question (or describes the lines), best first,
   * then the other documents filed on the pack's lines (decisions first, then
   * newest first; scored 0, their excerpt the opening of their body); each
   * hit's `tokens` is what it adds to the pack. Excerpts are plain text:
   * unlike `KnowledgeBase.search`, the pack does not mark the words that matched.
   */
  readonly knowledge: readonly SearchHit[];
  /** Further documents of the pack, in the order of `knowledge`, by title and id only: the budget holds more of them than of excerpts. */
  readonly relatedKnowledge: readonly KnowledgeReference[];
  /** Trace links on those lines that need review. */
  readonly suspectLinks: ReturnType<AssemblyLine["suspectLinks"]>;
  /** Tokens of the pack as markdown, never above {@link ContextPack.budgetTokens}. */
  readonly tokens: number;
  /** The budget asked for (default 1,500 tokens). */
  readonly budgetTokens: number;
  /** Name of the token counter (`o200k_base`, `estimate`). */
  readonly tokenizer: string;
  /** What was left out to stay within the budget. */
  readonly omitted: PackOmitted;
}

/**
 * What a pack says, without its token accounting: what {@link contextPackMarkdown}
 * renders. `unclaimedPaths` and `omitted` may be left out (content made before
 * packs had them renders as before).
 */
export type ContextPackContent = Omit<
  ContextPack,
  "tokens" | "budgetTokens" | "tokenizer" | "omitted" | "unclaimedPaths"
> &
  Partial<Pick<ContextPack, "unclaimedPaths">> & {
    /** What was left out to fit the budget; the markdown says the counts (neighbours under their lines). */
    readonly omitted?: Partial<PackOmitted>;
  };

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
 * `pack` with every candidate of the other parts in it (knowledge as
 * references, its shortest form): the pack that leaves nothing out, so it has
 * no note of what was left out.
 */
function complete(
  pack: ContextPackContent,
  parts: {
    readonly suspectLinks: ContextPack["suspectLinks"];
    readonly activeWork: ContextPack["activeWork"];
    readonly rules: ContextPack["standards"]["rules"];
    readonly instructions: ContextPack["standards"]["instructions"];
    readonly knowledge: readonly SearchHit[];
  },
): ContextPackContent {
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
 * Paths that no line claims are listed as such (`unclaimedPaths`, and a
 * section of the markdown) with the lines and the work item: they are part of
 * what was asked about, so they are never left out to fit.
 *
 * When the lines with their neighbours, the work item and the unclaimed paths
 * do not fit the budget, the neighbours are left out (counted in
 * `omitted.neighbours` and said in the markdown) before anything is refused.
 *
 * Knowledge is the documents that match the question (else the work item's
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
 * floor plan and the work, the knowledge search, the listing of the lines'
 * documents), and the knowledge search gets the signal, so the embedder's call
 * it waits on is aborted.
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
  const hasWorkItem = workItem !== undefined;
  const { instructions, rules } = packStandards(factory, request.paths ?? [], lines, hasWorkItem);
  const subjectRules = rules.filter((rule) => checksSubject(rule, hasWorkItem));
  const processRules = rules.filter((rule) => !checksSubject(rule, hasWorkItem));
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
      const kept = fitter.pack.standards.rules;
      fitter.fill(processRules, (pack, list) => ({
        ...pack,
        standards: { ...pack.standards, rules: [...kept, ...list] },
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
  const whole = complete(core(lines), { suspectLinks, activeWork, rules, instructions, knowledge });
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
    const needed = Math.min(fitter.tokens, wholeTokens);
    const parts = coreParts(lines, workItem, unclaimedPaths);
    const short =
      wholeTokens < fitter.tokens
        ? `${budget} is below the ${needed} tokens that ${parts} and all the rest the factory has for them take; ask for at least ${needed}`
        : `${budget} is below the ${needed} tokens that ${parts} take${neighbourCount > 0 ? " even without their neighbouring lines" : ""}; ask for at least ${needed}`;
    throw new ValidationError({
      message: `budgetTokens ${short}`,
      issues: [{ path: "budgetTokens", message: short }],
    });
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
