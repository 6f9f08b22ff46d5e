/**
 * The decision records of a docs folder (`kind: decision`) for
 * `importDocs`: read, recorded as re-imports under the folder's source
 * system, moved when renamed, and retracted when their file is gone.
 *
 * @module
 */
import { readFileSync } from "node:fs";
import { basename, join } from "node:path";
import { firstSafeLine, hashJson } from "@software-factory/core";
import {
  type Decision,
  decisionMarkdown,
  type FrontMatterFile,
  FrontMatterInstantSchema,
  FrontMatterListSchema,
  frontMatterFields,
  frontMatterList,
  type ImportMarkdownFolderReport,
  type ImportProblem,
  type KnowledgeBase,
  type KnowledgeDocument,
  moveRenamedFiles,
  parseDecisionRecord,
  parseFrontMatter,
  type RenameText,
  unreadFrontMatterKeys,
} from "@software-factory/knowledge";
import { z } from "zod";

const DecisionFrontMatterSchema = z
  .object({
    kind: z.literal("decision"),
    title: z.string().min(1).optional(),
    status: z.enum(["proposed", "accepted", "rejected", "superseded"]).default("accepted"),
    tags: FrontMatterListSchema.optional(),
    lines: FrontMatterListSchema.optional(),
    author: z.string().optional(),
    date: FrontMatterInstantSchema.optional(),
  })
  .loose();

/** The front matter keys a decision record's import reads. */
const DECISION_FRONT_MATTER_KEYS = Object.keys(DecisionFrontMatterSchema.shape);

/**
 * The source system decision records are recorded under, the one an earlier
 * release used outside git (the folder's absolute path), and the one used
 * before each folder had its own.
 */
export interface DecisionSystems {
  readonly current: string;
  readonly byPath: string;
  readonly legacy: string;
}

/**
 * Retracts the live decisions of the folder (under its system and under its
 * absolute path) whose file is gone, or is a file that does not stay a
 * decision (`stays`); returns how many. A decision whose file is in a folder
 * that could not be read (`unread`) stays.
 */
export async function retractStaleDecisions(
  knowledge: KnowledgeBase,
  systems: DecisionSystems,
  files: ReadonlySet<string>,
  stays: (uri: string) => boolean,
  unread: (uri: string) => boolean,
  actor: string | undefined,
): Promise<number> {
  let retracted = 0;
  for (const system of new Set([systems.current, systems.byPath])) {
    for (const document of await knowledge.fromSystem(system)) {
      const uri = document.source.uri;
      if (uri === undefined || document.retracted !== undefined) continue;
      if ((files.has(uri) && stays(uri)) || unread(uri)) continue;
      const why = files.has(uri) ? "is no longer a decision record" : "was removed";
      // Its source is gone: should the record come back, the import records it again.
      await knowledge.retract(document.id, `${uri} ${why} (${system})`, {
        ...(actor === undefined ? {} : { actor }),
        sourceGone: true,
      });
      retracted += 1;
    }
  }
  return retracted;
}

/**
 * Records one decision file as a re-import (`reimport` of
 * `captureOrRevise`: a file unchanged since its last import writes nothing,
 * a retracted decision stays out while its file is unchanged, and a
 * decision that a later one superseded stays superseded whatever status the
 * file gives; `warnings` says what it replaced, left out or kept). `former` says what became of the decision
 * recorded for it before under the legacy system: `moved` when it held the
 * same decision and was retracted, the copy when it holds another and is kept
 * (it may be another folder's file of the same name), `none` when there is
 * no live one. `fromPath` says whether a live decision recorded for it under
 * the folder's absolute path was retracted (that one is surely the file's).
 */
export async function recordDecisionFile(
  knowledge: KnowledgeBase,
  systems: DecisionSystems,
  root: string,
  uri: string,
  actor: string | undefined,
): Promise<{
  outcome: "captured" | "revised" | "unchanged";
  former: "moved" | "none" | FormerDecision;
  fromPath: boolean;
  warnings: readonly string[];
  unreadKeys: readonly ImportProblem[];
}> {
  const system = systems.current;
  const { front, title, decision: read, file } = readDecisionFile(root, uri);
  const unreadKeys = unreadFrontMatterKeys(file, DECISION_FRONT_MATTER_KEYS).map(
    ({ line, column, message }) => ({ item: uri, line, column, message }),
  );
  const earlier = await earlierDecision(knowledge, systems, uri);
  // Options are not read from the file; those recorded on the decision since stay.
  const decision: Decision = { ...read, options: earlier?.document.decision?.options ?? [] };
  const tags = frontMatterList(front.tags);
  const lines = frontMatterList(front.lines);
  const { outcome, document, warnings } = await knowledge.captureOrRevise(
    {
      kind: "decision",
      title,
      body: decisionMarkdown(decision),
      decision,
      source: {
        system,
        uri,
        ...(front.author === undefined ? {} : { author: front.author }),
        ...(front.date === undefined ? {} : { capturedAt: front.date }),
      },
      tags,
      lines,
    },
    {
      ...(actor === undefined ? {} : { actor }),
      reason: `re-imported from ${uri}`,
      reimport: true,
      // What the file says: the options kept from the decision are not the file's.
      sourceVersion: hashJson({ title, decision: read, tags, lines }),
    },
  );
  if (document.retracted !== undefined)
    return { outcome, former: "none", fromPath: false, warnings, unreadKeys };
  const moving = { ...(actor === undefined ? {} : { actor }) };
  const reason = `${uri} is now imported as ${document.id} (${system})`;
  const byPath = systems.byPath === system ? undefined : await knowledge.bySource(systems.byPath, uri);
  const fromPath = byPath !== undefined && byPath.retracted === undefined;
  if (fromPath) await knowledge.retract(byPath.id, reason, moving);
  const done = { outcome, fromPath, warnings, unreadKeys };
  if (systems.legacy === system) return { ...done, former: "none" };
  const legacy = await knowledge.bySource(systems.legacy, uri);
  if (legacy === undefined || legacy.retracted !== undefined) return { ...done, former: "none" };
  if (legacy.contentHash !== document.contentHash) {
    return { ...done, former: { item: uri, id: legacy.id, system: systems.legacy } };
  }
  await knowledge.retract(legacy.id, reason, moving);
  return { ...done, former: "moved" };
}

/**
 * A decision record's front matter, title and decision fields as recorded,
 * without options (they are not read from the file). The title is the front
 * matter's, else the first `# ` heading, else the file name, made one line by
 * `toSafeLine` (a tab, a newline or a bidi override would make the capture
 * refuse it): the first of them with anything left. The sections keep their
 * text as written.
 *
 * @throws FrontMatterError for bad front matter; Error when the record has no decision section.
 */
function readDecisionFile(
  root: string,
  uri: string,
): {
  front: z.infer<typeof DecisionFrontMatterSchema>;
  title: string;
  decision: Decision;
  file: FrontMatterFile;
} {
  const file = parseFrontMatter(readFileSync(join(root, uri), "utf8"));
  const front = frontMatterFields(file, DecisionFrontMatterSchema);
  const record = parseDecisionRecord(file.data, file.body);
  if (record.missingDecision) throw new Error("a decision record needs a `## Decision` section");
  // One line, as a capture takes it: the first of these with anything left after toSafeLine.
  const title = firstSafeLine(front.title, /^#\s+(.+)$/m.exec(file.body)?.[1], basename(uri, ".md"), uri);
  return {
    front,
    title,
    file,
    decision: {
      status: front.status,
      context: record.missingContext ? title : record.decision.context,
      options: [],
      decision: record.decision.decision,
      consequences: record.decision.consequences,
    },
  };
}

/**
 * Moves the decision of each decision record renamed since the last import
 * to its new file, by the pairing rules of the notes (`moveRenamedFiles`):
 * a decision and a file compare by title and the markdown of the decision
 * fields without options, as options are not read from the file. A file
 * that is no decision record, or one that fails to read, is no candidate;
 * a decision whose file is still there (a decision no longer), or may be
 * there in a folder that could not be read (`unread`), is not moved.
 */
export async function moveRenamedDecisions(
  knowledge: KnowledgeBase,
  system: string,
  root: string,
  files: ReadonlySet<string>,
  decisionFiles: ReadonlySet<string>,
  unread: (uri: string) => boolean,
  actor: string | undefined,
): ReturnType<typeof moveRenamedFiles> {
  const read = (uri: string): RenameText | undefined => {
    try {
      const { title, decision } = readDecisionFile(root, uri);
      return { title, body: decisionMarkdown(decision) };
    } catch {
      return undefined; // The import reports it.
    }
  };
  const readers = [...files].map((uri): [string, () => RenameText | undefined] => [
    uri,
    () => (decisionFiles.has(uri) ? read(uri) : undefined),
  ]);
  for (const document of await knowledge.fromSystem(system)) {
    const uri = document.source.uri;
    if (uri !== undefined && unread(uri)) readers.push([uri, () => undefined]);
  }
  return moveRenamedFiles(knowledge, system, new Map(readers), {
    ...(actor === undefined ? {} : { actor }),
    textOf: (document) => ({
      title: document.title,
      body:
        document.decision === undefined
          ? document.body
          : decisionMarkdown({ ...document.decision, options: [] }),
    }),
  });
}

/** A decision recorded for a file under the legacy system that is kept: the file, the decision's document id, the legacy system. */
type FormerDecision = ImportMarkdownFolderReport["possiblyStale"][number];

/** The live decision recorded for a file: under the folder's system, else under its absolute path, else under the legacy one. */
async function earlierDecision(
  knowledge: KnowledgeBase,
  systems: DecisionSystems,
  uri: string,
): Promise<{ system: string; document: KnowledgeDocument } | undefined> {
  for (const system of new Set([systems.current, systems.byPath, systems.legacy])) {
    const document = await knowledge.bySource(system, uri);
    if (document !== undefined && document.retracted === undefined) return { system, document };
  }
  return undefined;
}
