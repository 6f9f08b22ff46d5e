/**
 * Context packs: everything an agent or a person needs to start on a piece of
 * work (the lines and their neighbours, the work item, the standards that
 * apply, the knowledge that matters, open work and suspect links), within a
 * token budget, as structured data and as markdown.
 *
 * @module
 */
import type { AssemblyLine, WorkItem } from "@software-factory/core";
import type { LineInfo } from "@software-factory/floorplan";
import type { KnowledgeBase } from "@software-factory/knowledge";
import { type InstructionStandard, standardAppliesTo } from "../rules/InstructionStandard.js";
import type { Severity } from "../rules/Rule.js";
import { fitHitsToBudget, type TokenCounter } from "./contextPackTokens.js";
import type { Factory } from "./openFactory.js";

/** Ask for a context pack: about a work item, a line, some paths, or a question. */
export interface ContextRequest {
  readonly workItem?: string;
  readonly line?: string;
  readonly paths?: readonly string[];
  readonly question?: string;
  /** Tokens the instructions and knowledge may take together (default 1,500), counted by the factory's `tokenCounter`. */
  readonly budgetTokens?: number;
}

/** A checked rule of the factory's standards, as a pack lists it. */
export interface PackRule {
  readonly id: string;
  readonly description: string;
  readonly severity: Severity;
  /** Kind of target it checks (`workItem`, `requirement`, `line`...). */
  readonly appliesTo: string;
}

/** Everything an agent or a person needs to start on a piece of work, in one answer. */
export interface ContextPack {
  /** Lines concerned, with owner, dependencies and dependents. */
  readonly lines: readonly {
    readonly line: LineInfo;
    readonly dependsOn: readonly string[];
    readonly dependents: readonly string[];
  }[];
  readonly workItem?: WorkItem;
  /** The standards that apply: checked rules (one line each), and the instructions of imported rule files for these paths and lines. */
  readonly standards: {
    readonly rules: readonly PackRule[];
    /** Within the budget, before knowledge. */
    readonly instructions: readonly InstructionStandard[];
  };
  /** Active work on those lines. */
  readonly activeWork: readonly WorkItem[];
  /** Knowledge that answers the question (or describes the lines), within what the instructions left of the budget. */
  readonly knowledge: Awaited<ReturnType<KnowledgeBase["search"]>>["hits"];
  /** Trace links on those lines that need review. */
  readonly suspectLinks: ReturnType<AssemblyLine["suspectLinks"]>;
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

/** Keeps instructions in order while they fit the budget; returns them and the tokens they took. */
function fitInstructions(
  standards: readonly InstructionStandard[],
  budget: number,
  counter: TokenCounter,
): { kept: InstructionStandard[]; used: number } {
  const kept: InstructionStandard[] = [];
  let used = 0;
  for (const standard of standards) {
    const cost =
      counter.count(standard.description ?? standard.id) + counter.count(standard.instructions) + 8;
    if (used + cost > budget) continue;
    used += cost;
    kept.push(standard);
  }
  return { kept, used };
}

/**
 * Builds a context pack. Deterministic for the same state of the factory.
 *
 * @throws RangeError when the work item does not exist or the budget is not a positive whole number.
 */
export async function buildContextPack(
  factory: Factory,
  request: ContextRequest,
  counter: TokenCounter,
): Promise<ContextPack> {
  await Promise.all([factory.floorplan.refresh(), factory.work.refresh()]);
  const workItem = request.workItem === undefined ? undefined : factory.work.get(request.workItem);
  if (request.workItem !== undefined && workItem === undefined) {
    throw new RangeError(`no work item "${request.workItem}"`);
  }
  const budget = request.budgetTokens ?? 1500;
  if (!Number.isInteger(budget) || budget < 1) {
    throw new RangeError(`budgetTokens must be a whole number of tokens above 0, not ${budget}`);
  }
  const lineIds = new Set<string>();
  if (request.line !== undefined) lineIds.add(request.line);
  if (workItem !== undefined) lineIds.add(workItem.line);
  for (const path of request.paths ?? []) {
    const line = factory.floorplan.lineForPath(path);
    if (line !== undefined) lineIds.add(line);
  }
  const lines = [...lineIds].flatMap((id) => {
    const line = factory.floorplan.line(id);
    if (line === undefined) return [];
    return [
      {
        line,
        dependsOn: factory.floorplan.dependencies(id, { depth: 1 }).map((reached) => reached.line),
        dependents: factory.floorplan.dependents(id, { depth: 1 }).map((reached) => reached.line),
      },
    ];
  });

  const paths = request.paths ?? [];
  const applying = factory.standards
    .instructions()
    .filter(
      (standard) =>
        paths.some((path) => standardAppliesTo(standard, path)) ||
        lines.some(({ line }) => appliesToLine(standard, line)) ||
        (paths.length === 0 && lines.length === 0 && standard.alwaysApply),
    );
  const instructions = fitInstructions(applying, budget, counter);
  const rules = factory.standards
    .rules()
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
  const left = budget - instructions.used;
  const knowledge =
    question.trim() === "" || left <= 0
      ? []
      : fitHitsToBudget(
          (
            await factory.knowledge.search(question, {
              limit: 20,
              ...(lineIds.size > 0 && request.question === undefined ? { lines: [...lineIds] } : {}),
            })
          ).hits,
          left,
          counter,
        );
  return {
    lines,
    ...(workItem === undefined ? {} : { workItem }),
    standards: { rules, instructions: instructions.kept },
    activeWork: [...lineIds].flatMap((line) => factory.work.list({ line, state: "active" })),
    knowledge,
    suspectLinks: [...lineIds].flatMap((line) => factory.work.suspectLinks({ line })),
  };
}

/**
 * A context pack as markdown, for a model's context or a person: lines with
 * owners and neighbours, the work item, the standards, the knowledge with its
 * source, active work and suspect links.
 */
export function contextPackMarkdown(pack: ContextPack): string {
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
    for (const { line, dependsOn, dependents } of pack.lines) {
      out.push(
        "",
        `### ${line.name ?? line.id} (\`${line.id}\`)`,
        "",
        ...(line.description === undefined ? [] : [line.description, ""]),
        `- Owner: ${line.owner ?? "none"}`,
        `- Code: ${line.paths.length > 0 ? line.paths.map((path) => `\`${path}\``).join(", ") : "none declared"}`,
        `- Depends on: ${dependsOn.length > 0 ? dependsOn.join(", ") : "nothing"}`,
        `- Used by: ${dependents.length > 0 ? dependents.join(", ") : "nothing"}`,
      );
    }
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
