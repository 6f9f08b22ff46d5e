/**
 * Imports a folder of markdown into the knowledge base: notes of every kind
 * through the knowledge importer, and decision records (`kind: decision`;
 * Nygard or MADR sections, read by the knowledge base's
 * `parseDecisionRecord`) into the decision log.
 *
 * @module
 */
import { readFileSync, statSync } from "node:fs";
import { basename, join, relative, resolve, sep } from "node:path";
import {
  frontMatterList,
  type ImportProblem,
  type ImportProgress,
  type ImportReport,
  importMarkdownFolder,
  type KnowledgeBase,
  markdownFiles,
  parseDecisionRecord,
  parseFrontMatter,
} from "@software-factory/knowledge";
import { z } from "zod";

/** Options of {@link importDocs}. */
export interface ImportDocsOptions {
  /** Called after each file. */
  readonly onProgress?: (progress: ImportProgress) => void;
  /** Who imports. */
  readonly actor?: string;
}

/** The outcome of {@link importDocs}: the importer's counts plus decisions recorded. */
export interface ImportDocsReport extends ImportReport {
  /** Decision records recorded (new) or revised. */
  readonly decisions: number;
}

const DecisionFrontMatterSchema = z
  .object({
    kind: z.literal("decision"),
    title: z.string().min(1).optional(),
    status: z.enum(["proposed", "accepted", "rejected", "superseded"]).default("accepted"),
    tags: z.union([z.array(z.string()), z.string()]).optional(),
    lines: z.union([z.array(z.string()), z.string()]).optional(),
    author: z.string().optional(),
    date: z.union([z.string(), z.date()]).optional(),
  })
  .loose();

/**
 * Imports every markdown file under `folder`. Safe to run again: unchanged
 * files cost nothing, changed ones are revised, removed ones retracted.
 *
 * @throws Error when `folder` is not a folder.
 */
export async function importDocs(
  knowledge: KnowledgeBase,
  folder: string,
  options: ImportDocsOptions = {},
): Promise<ImportDocsReport> {
  const root = resolve(folder);
  if (!statSync(root, { throwIfNoEntry: false })?.isDirectory()) {
    throw new Error(`cannot import ${folder}: it is not a folder`);
  }
  const decisionFiles = new Set<string>();
  for (const file of markdownFiles(root)) {
    if (/^kind:\s*["']?decision["']?\s*$/m.test(readFileSync(file, "utf8").split(/\n---/)[0] ?? "")) {
      decisionFiles.add(relative(root, file).split(sep).join("/"));
    }
  }
  const report = await importMarkdownFolder(knowledge, root, {
    ...(options.onProgress === undefined ? {} : { onProgress: options.onProgress }),
    ...(options.actor === undefined ? {} : { actor: options.actor }),
  });
  const problems: ImportProblem[] = report.problems.filter((problem) => !decisionFiles.has(problem.item));
  const system = `decisions:${basename(root)}`;
  let decisions = 0;
  for (const uri of decisionFiles) {
    try {
      if (await recordDecisionFile(knowledge, system, root, uri, options.actor)) decisions += 1;
    } catch (error) {
      problems.push({ item: uri, message: (error as Error).message });
    }
  }
  return { ...report, problems, decisions };
}

async function recordDecisionFile(
  knowledge: KnowledgeBase,
  system: string,
  root: string,
  uri: string,
  actor: string | undefined,
): Promise<boolean> {
  const { data, body } = parseFrontMatter(readFileSync(join(root, uri), "utf8"));
  const front = DecisionFrontMatterSchema.safeParse(data);
  if (!front.success) {
    const issue = front.error.issues[0];
    throw new Error(`front matter field ${issue?.path.join(".")}: ${issue?.message}`);
  }
  const record = parseDecisionRecord(data as Record<string, unknown>, body);
  if (record.missingDecision) throw new Error("a decision record needs a `## Decision` section");
  const title = front.data.title ?? /^#\s+(.+)$/m.exec(body)?.[1]?.trim() ?? basename(uri, ".md");
  const existing = await knowledge.bySource(system, uri);
  const fields = {
    status: front.data.status,
    context: record.missingContext ? title : record.decision.context,
    decision: record.decision.decision,
    consequences: record.decision.consequences,
  };
  const write = actor === undefined ? {} : { actor };
  if (existing !== undefined && existing.retracted === undefined) {
    const before = existing.decision;
    if (
      before !== undefined &&
      before.status === fields.status &&
      before.context === fields.context &&
      before.decision === fields.decision &&
      before.consequences === fields.consequences
    )
      return false;
    await knowledge.revise(
      existing.id,
      { title, decision: { options: before?.options ?? [], ...fields }, reason: `re-imported from ${uri}` },
      write,
    );
    return true;
  }
  await knowledge.recordDecision(
    {
      title,
      ...fields,
      source: {
        system,
        uri,
        ...(front.data.author === undefined ? {} : { author: front.data.author }),
        ...(front.data.date === undefined ? {} : { capturedAt: new Date(front.data.date).toISOString() }),
      },
      tags: frontMatterList(front.data.tags),
      lines: frontMatterList(front.data.lines),
    },
    write,
  );
  return true;
}
