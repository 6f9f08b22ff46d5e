/**
 * Context packs: everything an agent or a person needs to start on a piece of
 * work (the lines and their neighbours, the work item, the standards that
 * apply, the knowledge that matters, open work and suspect links), within a
 * token budget, as structured data and as markdown.
 *
 * This module says what a pack is; `buildContextPack` builds one, with the
 * sibling `contextPackLines`, `contextPackStandards` and
 * `contextPackKnowledge` gathering its parts, `contextPackFit` fitting it to
 * its budget, and `contextPackMarkdown` rendering it.
 *
 * @module
 */
import type { AssemblyLine, WorkItem } from "@software-factory/core";
import type { Criticality, DependencyKind, LineInfo } from "@software-factory/floorplan";
import type { Link, SearchHit } from "@software-factory/knowledge";
import type { InstructionStandard } from "../rules/InstructionStandard.js";
import type { FindingSeverity } from "../rules/Rule.js";
import { contextPackMarkdown } from "./contextPackMarkdown.js";

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

/**
 * A document of a pack, as a search hit: found by the pack's search, filed on
 * its lines, or linked to its work item or lines (then `linked` says how).
 */
export interface PackDocument extends SearchHit {
  /**
   * The links from the document to the pack's work item or lines
   * (`{ type: "informs", target: "wi_..." }`): set when it is linked to them,
   * which puts it ahead of the documents only the search found.
   */
  readonly linked?: readonly Link[];
}

/** A further document of the pack, named without its text: an agent fetches it by id when it needs it. */
export interface KnowledgeReference {
  /** The document id, for `KnowledgeBase.get`. */
  readonly id: string;
  /** Its title. */
  readonly title: string;
  /** Its kind (`note`, `decision`, `runbook`...). */
  readonly kind: string;
  /** Its search score, comparable with the knowledge hits'; 0 for a document filed on or linked to the pack's lines or work item that the search did not find. */
  readonly score: number;
  /** Its links to the pack's work item or lines, when it has any (see {@link PackDocument.linked}). */
  readonly linked?: readonly Link[];
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
   * The documents in force linked to the work item, then to the pack's lines
   * (`linked` says how; their excerpt is the best match when the search
   * found them, else the opening of their body), then knowledge that answers
   * the question (or describes the lines), best first, then the other
   * documents filed on the pack's lines (decisions first, then newest first;
   * scored 0, their excerpt the opening of their body); each hit's `tokens`
   * is what it adds to the pack. Excerpts are plain text: unlike
   * `KnowledgeBase.search`, the pack does not mark the words that matched.
   */
  readonly knowledge: readonly PackDocument[];
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
  /**
   * Set when nothing of the factory matched the request: no line, work item
   * or document (the pack would be a bare heading). Says what the factory
   * holds and what to try: another request when it has lines, else how to
   * fill it (the markdown says the same). Never left out to fit the budget.
   */
  readonly nothingMatched?: {
    /** What matched nothing and what to try, in words: the pack's markdown says it too. */
    readonly message: string;
    /** Lines of the floor plan: 0 when it is empty. */
    readonly lines: number;
    /** Whether the knowledge base holds any document. */
    readonly hasDocuments: boolean;
  };
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
