/**
 * Context packs: everything an agent or a person needs to start on a piece of
 * work (the lines and their neighbours, the work item, the standards that
 * apply, the knowledge that matters, open work and suspect links), within a
 * token budget, as structured data and as markdown.
 *
 * @module
 */
import { type AssemblyLine, NotFoundError, ValidationError, type WorkItem } from "@software-factory/core";
import type { Criticality, DependencyInfo, DependencyKind, LineInfo } from "@software-factory/floorplan";
import type { SearchHit } from "@software-factory/knowledge";
import { z } from "zod";
import { parseInput } from "../internal/parse.js";
import { type InstructionStandard, standardAppliesTo } from "../rules/InstructionStandard.js";
import type { FindingSeverity } from "../rules/Rule.js";
import type { TokenCounter } from "./contextPackTokens.js";
import type { Factory } from "./openFactory.js";
import { PackFitter } from "./PackFitter.js";

/** Ask for a context pack: about a work item, a line, some paths, or a question. */
export interface ContextRequest {
  /** Id of a work item: the pack covers it and its line. */
  readonly workItem?: string;
  /** Id of a line of the floor plan: the pack covers it and its neighbours. */
  readonly line?: string;
  /** Repository paths: the pack covers the lines that own them and the instructions that apply to them. */
  readonly paths?: readonly string[];
  /** A question: the knowledge of the pack answers it (else the work item's title or the lines describe it). */
  readonly question?: string;
  /**
   * Tokens the whole pack may take as markdown ({@link contextPackMarkdown}),
   * counted by the factory's `tokenCounter` (default 1,500).
   */
  readonly budgetTokens?: number;
}

const ContextRequestSchema = z
  .strictObject({
    workItem: z.string().min(1).optional(),
    line: z.string().min(1).optional(),
    paths: z.array(z.string().min(1)).min(1).optional(),
    question: z.string().trim().min(1, "question must not be empty").optional(),
    budgetTokens: z.number().int().min(1).optional(),
  })
  .refine(
    (request) =>
      [request.workItem, request.line, request.paths, request.question].some((part) => part !== undefined),
    "say what the pack is about: a workItem, a line, paths or a question",
  );

/** A document that matches too, named without its text: an agent fetches it by id when it needs it. */
export interface KnowledgeReference {
  /** The document id, for `KnowledgeBase.get`. */
  readonly id: string;
  /** Its title. */
  readonly title: string;
  /** Its kind (`note`, `decision`, `runbook`...). */
  readonly kind: string;
  /** Its search score, comparable with the knowledge hits'. */
  readonly score: number;
}

/** Share of the budget left after the other parts that knowledge in full may take; references fill the rest. */
const FULL_KNOWLEDGE_SHARE = 0.7;

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
  /** How many neighbours were left out to fit the budget (then `dependsOn` and `dependents` are empty). */
  readonly neighboursOmitted?: {
    /** Lines it depends on, left out. */
    readonly dependsOn: number;
    /** Lines that depend on it, left out. */
    readonly dependents: number;
  };
}

/** How many of each part of a pack did not fit its budget. */
export interface PackOmitted {
  /** Neighbouring lines left out of the lines' `dependsOn` and `dependents` (they go first when the lines alone do not fit). */
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
   * lines (one line each; every kind but `floorplan`, none when the pack has
   * no line), and the instructions of imported rule files for these paths and lines.
   */
  readonly standards: {
    /** Checked rules that apply, one line each. */
    readonly rules: readonly PackRule[];
    /** Instructions of imported rule files (AGENTS.md, Cursor rules) that apply to the pack's paths and lines. */
    readonly instructions: readonly InstructionStandard[];
  };
  /** Active work on those lines. */
  readonly activeWork: readonly WorkItem[];
  /** Knowledge that answers the question (or describes the lines), best first; each hit's `tokens` is what it adds to the pack. */
  readonly knowledge: readonly SearchHit[];
  /** Further matching documents, best first, by title and id only: the budget holds more of them than of excerpts. */
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

/** The literal folder a glob or a CODEOWNERS pattern starts with (`packages/web/` of `packages/web/**\/*.ts`). */
function literalPrefix(pattern: string): string {
  const trimmed = pattern.replace(/^\/+/, "");
  const wild = trimmed.search(/[*?[{]/);
  return wild === -1 ? trimmed : trimmed.slice(0, wild);
}

/** Whether an instruction standard may apply to files of a line: their folders overlap, or it always applies. */
function appliesToLine(standard: InstructionStandard, line: LineInfo): boolean {
  if (standard.alwaysApply) return true;
  return standard.globs.some((glob) => {
    const own = literalPrefix(glob);
    return line.paths.some((path) => {
      const folder = literalPrefix(path);
      return own.startsWith(folder) || folder.startsWith(own);
    });
  });
}

/** The lines of a request, each with its direct neighbours and the contracts between them. */
function packLines(factory: Factory, lineIds: ReadonlySet<string>): ContextPack["lines"] {
  const lines = [...lineIds].flatMap((id) => {
    const line = factory.floorplan.line(id);
    return line === undefined ? [] : [line];
  });
  if (lines.length === 0) return [];
  const neighbour = (line: string, dependency: DependencyInfo): PackNeighbour => ({
    line,
    owner: factory.floorplan.ownerOf(line),
    kind: dependency.kind,
    criticality: dependency.criticality,
    ...(dependency.contract === undefined ? {} : { contract: dependency.contract }),
  });
  const touching = factory.floorplan
    .dependencyList()
    .filter((dependency) => lineIds.has(dependency.from) || lineIds.has(dependency.to));
  return lines.map((line) => ({
    line,
    dependsOn: touching
      .filter((dependency) => dependency.from === line.id)
      .map((dependency) => neighbour(dependency.to, dependency))
      .sort((a, b) => a.line.localeCompare(b.line)),
    dependents: touching
      .filter((dependency) => dependency.to === line.id)
      .map((dependency) => neighbour(dependency.from, dependency))
      .sort((a, b) => a.line.localeCompare(b.line)),
  }));
}

/** A pack line with its neighbours left out and counted. */
function withoutNeighbours(packed: PackLine): PackLine {
  return {
    line: packed.line,
    dependsOn: [],
    dependents: [],
    neighboursOmitted: { dependsOn: packed.dependsOn.length, dependents: packed.dependents.length },
  };
}

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
 * Builds a context pack: the parts every request has (lines, work item), then
 * suspect links, active work and rules, then the instructions of rule files,
 * then knowledge, each kept while the whole pack, rendered as markdown and
 * counted by `counter`, stays within the budget. Deterministic for the same
 * state of the factory.
 *
 * Paths that no line claims are listed as such (`unclaimedPaths`, and a
 * section of the markdown) with the lines and the work item: they are part of
 * what was asked about, so they are never left out to fit.
 *
 * When the lines with their neighbours, the work item and the unclaimed paths
 * do not fit the budget, the neighbours are left out (counted in
 * `omitted.neighbours` and said in the markdown) before anything is refused.
 *
 * Knowledge comes in full (title, source, excerpt) while it takes at most
 * 70 % of the budget the other parts left, then further matching documents
 * are listed by title and id (`relatedKnowledge`) in what remains: an agent
 * fetches the ones it needs, and the budget names several times more
 * documents than excerpts would.
 *
 * @throws ValidationError when the request is malformed or names nothing to pack.
 * @throws NotFoundError when the work item or the line does not exist.
 * @throws ValidationError (`E_VALIDATION`, issue at `budgetTokens`) when the
 * lines (without neighbours), the work item and the unclaimed paths alone do
 * not fit the budget; the message names them and the budget they need.
 */
export async function buildContextPack(
  factory: Factory,
  request: ContextRequest,
  counter: TokenCounter,
): Promise<ContextPack> {
  parseInput(ContextRequestSchema, request, "context request");
  await Promise.all([factory.floorplan.refresh(), factory.work.refresh()]);
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
  const lineIds = new Set<string>();
  if (request.line !== undefined) lineIds.add(request.line);
  if (workItem !== undefined) lineIds.add(workItem.line);
  const unclaimed = new Set<string>();
  for (const path of request.paths ?? []) {
    const line = factory.floorplan.lineForPath(path);
    if (line === undefined) unclaimed.add(path);
    else lineIds.add(line);
  }
  const unclaimedPaths = [...unclaimed];
  const lines = packLines(factory, lineIds);
  const paths = request.paths ?? [];
  const instructions = factory.standards
    .instructions()
    .filter(
      (standard) =>
        paths.some((path) => standardAppliesTo(standard, path)) ||
        lines.some(({ line }) => appliesToLine(standard, line)) ||
        (paths.length === 0 && lines.length === 0 && standard.alwaysApply),
    );
  // Only the rules over what belongs to the pack's lines: none for a question or paths no line claims.
  const rules = factory.standards
    .rules()
    .filter((rule) => lines.length > 0 && rule.appliesTo !== "floorplan")
    .map((rule) => ({
      id: rule.id,
      description: rule.description,
      severity: rule.severity,
      appliesTo: rule.appliesTo,
    }))
    .sort((a, b) => a.id.localeCompare(b.id));
  const question =
    request.question ??
    workItem?.title ??
    lines.map(({ line }) => [line.name ?? line.id, line.description ?? ""].join(" ")).join(" ");
  const knowledge =
    question.trim() === ""
      ? []
      : (
          await factory.knowledge.search(question, {
            // Enough hits to fill the budget with references (some 20 tokens each) after the excerpts.
            limit: Math.min(200, 20 + Math.ceil(budget / 40)),
            ...(lineIds.size > 0 && request.question === undefined ? { lines: [...lineIds] } : {}),
          })
        ).hits;

  const base = (packed: ContextPack["lines"]): ContextPackContent => ({
    lines: packed,
    unclaimedPaths,
    ...(workItem === undefined ? {} : { workItem }),
    standards: { rules: [], instructions: [] },
    activeWork: [],
    knowledge: [],
    relatedKnowledge: [],
    suspectLinks: [],
  });
  let fitter = new PackFitter(base(lines), budget, counter);
  const neighbourCount = lines.reduce((sum, line) => sum + line.dependsOn.length + line.dependents.length, 0);
  if (fitter.tokens > budget && neighbourCount > 0) {
    fitter = new PackFitter(base(lines.map(withoutNeighbours)), budget, counter);
  }
  if (fitter.tokens > budget) {
    const short = `${budget} is below the ${fitter.tokens} tokens that ${coreParts(lines, workItem, unclaimedPaths)} take${neighbourCount > 0 ? " even without their neighbouring lines" : ""}; ask for at least ${fitter.tokens}`;
    throw new ValidationError({
      message: `budgetTokens ${short}`,
      issues: [{ path: "budgetTokens", message: short }],
    });
  }
  const suspectLinks = [...lineIds].flatMap((line) => factory.work.suspectLinks({ line }));
  const activeWork = [...lineIds].flatMap((line) => factory.work.list({ line, state: "active" }));
  const kept = {
    suspectLinks: fitter.fill(suspectLinks, (pack, links) => ({ ...pack, suspectLinks: links })),
    activeWork: fitter.fill(activeWork, (pack, items) => ({ ...pack, activeWork: items })),
    rules: fitter.fill(rules, (pack, list) => ({ ...pack, standards: { ...pack.standards, rules: list } })),
    instructions: fitter.fill(instructions, (pack, list) => ({
      ...pack,
      standards: { ...pack.standards, instructions: list },
    })),
  };
  const knowledgeLeftOut = fillKnowledge(fitter, knowledge, budget);
  return {
    ...fitter.pack,
    unclaimedPaths,
    tokens: fitter.tokens,
    budgetTokens: budget,
    tokenizer: counter.name,
    omitted: {
      neighbours: fitter.pack.lines.some((line) => line.neighboursOmitted !== undefined) ? neighbourCount : 0,
      instructions: instructions.length - kept.instructions,
      knowledge: knowledgeLeftOut,
      rules: rules.length - kept.rules,
      activeWork: activeWork.length - kept.activeWork,
      suspectLinks: suspectLinks.length - kept.suspectLinks,
    },
  };
}

/**
 * What a pack says, without its token accounting: what {@link contextPackMarkdown}
 * renders. `unclaimedPaths` may be left out (content made before packs had it
 * renders as before).
 */
export type ContextPackContent = Omit<
  ContextPack,
  "tokens" | "budgetTokens" | "tokenizer" | "omitted" | "unclaimedPaths"
> &
  Partial<Pick<ContextPack, "unclaimedPaths">>;

/**
 * Adds the knowledge hits to a pack: the best one in full whenever it fits,
 * more in full while the pack stays within {@link FULL_KNOWLEDGE_SHARE} of
 * what the budget has left, then the rest as references in what remains.
 * Returns how many hits fitted in neither form.
 */
function fillKnowledge(fitter: PackFitter, knowledge: readonly SearchHit[], budget: number): number {
  const marked = (hit: SearchHit, cost: number) => (hit.tokens === cost ? hit : { ...hit, tokens: cost });
  const fullLimit = fitter.tokens + Math.floor((budget - fitter.tokens) * FULL_KNOWLEDGE_SHARE);
  fitter.fill(
    knowledge,
    (pack, hits) => ({ ...pack, knowledge: hits }),
    marked,
    (kept) => (kept === 0 ? budget : fullLimit),
  );
  const inFull = new Set(fitter.pack.knowledge.map((hit) => hit.document.id));
  const references = knowledge
    .filter((hit) => !inFull.has(hit.document.id))
    .map((hit) => ({
      id: hit.document.id,
      title: hit.document.title,
      kind: hit.document.kind,
      score: hit.score,
    }));
  const referenced = fitter.fill(references, (pack, list) => ({ ...pack, relatedKnowledge: list }));
  return references.length - referenced;
}

/** Neighbouring lines in words: `payments (api, high, owner bo: "POST /charges")`, or how many were left out. */
function neighbours(list: readonly PackNeighbour[], omitted = 0): string {
  if (omitted > 0) return `${omitted} line${omitted === 1 ? "" : "s"}, left out to fit the budget`;
  if (list.length === 0) return "nothing";
  return list
    .map((next) => {
      const owner = next.owner === undefined ? "" : `, owner ${next.owner}`;
      const contract = next.contract === undefined ? "" : `: "${next.contract}"`;
      return `${next.line} (${next.kind}, ${next.criticality}${owner}${contract})`;
    })
    .join(", ");
}

/**
 * A context pack as markdown, for a model's context or a person: lines with
 * owners and neighbours, the work item, the standards, the knowledge with its
 * source, active work and suspect links.
 */
export function contextPackMarkdown(pack: ContextPackContent): string {
  const out: string[] = ["# Context"];
  if (pack.workItem !== undefined) {
    const item = pack.workItem;
    out.push(
      "",
      `## Work item ${item.id}: ${item.title}`,
      "",
      `${item.kind} on ${item.line}, ${item.state} in ${item.stage}.`,
    );
  }
  if (pack.lines.length > 0) {
    out.push("", "## Lines");
    for (const { line, dependsOn, dependents, neighboursOmitted } of pack.lines) {
      out.push(
        "",
        `### ${line.name ?? line.id} (\`${line.id}\`)`,
        "",
        ...(line.description === undefined ? [] : [line.description, ""]),
        `- Owner: ${line.owner ?? "none"}`,
        `- Code: ${line.paths.length > 0 ? line.paths.map((path) => `\`${path}\``).join(", ") : "none declared"}`,
        `- Depends on: ${neighbours(dependsOn, neighboursOmitted?.dependsOn)}`,
        `- Used by: ${neighbours(dependents, neighboursOmitted?.dependents)}`,
      );
    }
  }
  const unclaimed = pack.unclaimedPaths ?? [];
  if (unclaimed.length > 0) {
    out.push(
      "",
      "## Paths no line claims",
      "",
      `${unclaimed.map((path) => `\`${path}\``).join(", ")}: no line of the floor plan claims ${unclaimed.length === 1 ? "this path, so it has" : "these paths, so they have"} no owner.`,
    );
  }
  if (pack.standards.instructions.length > 0 || pack.standards.rules.length > 0) {
    out.push("", "## Standards");
    for (const standard of pack.standards.instructions) {
      out.push("", `### ${standard.description ?? standard.id}`, "", standard.instructions.trim());
    }
    if (pack.standards.rules.length > 0) {
      out.push("", "Checked rules:", "");
      for (const rule of pack.standards.rules)
        out.push(`- \`${rule.id}\` (${rule.severity}): ${rule.description}`);
    }
  }
  if (pack.knowledge.length > 0) {
    out.push("", "## Knowledge");
    for (const hit of pack.knowledge) {
      const source = hit.document.source;
      const from = [
        source.system,
        source.uri,
        source.author === undefined ? undefined : `by ${source.author}`,
      ]
        .filter((part) => part !== undefined)
        .join(" ");
      out.push(
        "",
        `### ${hit.document.title} [${hit.document.kind}, \`${hit.document.id}\`]`,
        "",
        `From ${from}.`,
        "",
        hit.snippet.trim(),
      );
    }
  }
  if (pack.relatedKnowledge.length > 0) {
    out.push("", pack.knowledge.length > 0 ? "More documents that match:" : "## Knowledge", "");
    for (const reference of pack.relatedKnowledge)
      out.push(`- ${reference.title} [${reference.kind}, \`${reference.id}\`]`);
  }
  if (pack.activeWork.length > 0) {
    out.push("", "## Active work", "");
    for (const item of pack.activeWork)
      out.push(`- \`${item.id}\` ${item.title} (${item.stage}, ${item.line})`);
  }
  if (pack.suspectLinks.length > 0) {
    out.push("", "## Suspect links to review", "");
    for (const link of pack.suspectLinks) out.push(`- ${link.from} ${link.type} ${link.to}`);
  }
  return `${out.join("\n")}\n`;
}
