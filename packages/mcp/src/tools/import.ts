/**
 * The `import` group of tools: bringing an existing codebase into the
 * factory. Off by default (it reads folders on the server's machine); offer it
 * with `groups: [..., "import"]` or `factory mcp --tools ...,import`, and
 * bound what it reads with `importRoot`.
 *
 * @module
 */
import { realpath } from "node:fs/promises";
import { isAbsolute, relative, resolve, sep } from "node:path";
import { cutText, NotFoundError, ValidationError } from "@software-factory/core";
import type { CodebaseImportProgress, ImportConflict } from "@software-factory/intelligence";
import { IMPORT_PHASES, importCodebase } from "@software-factory/intelligence";
import { z } from "zod";
import { defineTool, type ToolProgress } from "../toolKit.js";
import { instantAt, PATH_MAX, PointInTime } from "./shared.js";

const MAX_CONFLICTS = 20;
const MAX_DIFF_CHARS = 2_000;
/** Lines an answer lists (about 90 characters each); `counts` has them all. */
const MAX_LINES = 100;
/** Problems an answer lists. */
const MAX_PROBLEMS = 20;
/** The largest Mermaid flowchart an answer carries: a plan of some twenty lines with their dependencies. */
const MAX_MERMAID_CHARS = 5_000;

const Counts = z.object({
  created: z.number(),
  updated: z.number(),
  unchanged: z.number(),
  conflicts: z.number(),
});

/** A fact a person changed that the import read differently: it stays as the person left it. */
const ConflictOutput = z.looseObject({
  kind: z.enum(["line", "owner", "document", "requirement", "test"]).describe("What sort of fact it is"),
  id: z.string().describe("Line id, document id or artifact id"),
  field: z.string().describe("The field that differs (owner, description, body...)"),
  by: z
    .string()
    .describe("Who made the value that stays (an actor id, or the provenance of a floor plan fact)"),
  diff: z
    .string()
    .describe(
      `Unified diff from the value that stays to the one the import read, cut at ${MAX_DIFF_CHARS} characters`,
    ),
});

/** A conflict as the tool answers it, its diff cut to {@link MAX_DIFF_CHARS} (never inside a surrogate pair). */
function boundedConflict(conflict: ImportConflict) {
  const diff =
    conflict.diff.length > MAX_DIFF_CHARS
      ? `${cutText(conflict.diff, MAX_DIFF_CHARS)}\n… (diff cut)`
      : conflict.diff;
  return { kind: conflict.kind, id: conflict.id, field: conflict.field, by: conflict.by, diff };
}

/** What a scan phase found, as a progress message says it. */
const FOUND: Record<Exclude<CodebaseImportProgress["phase"], "apply">, string> = {
  files: "files listed",
  lines: "lines found",
  imports: "dependencies found in imports",
  owners: "owners proposed",
  blueprints: "blueprints drafted",
  requirements: "requirements inferred from tests",
  documents: "documents found",
};

/**
 * The progress of an import as `import_codebase` reports it: one step per
 * scan phase as it ends, then (unless a dry run) the writes in tenths of the
 * last step, so `progress` grows with each report up to `total`, and a large
 * import sends at most 17 reports.
 */
function importProgress(report: (progress: ToolProgress) => void, dryRun: boolean) {
  const scanSteps = IMPORT_PHASES.length - 1;
  const total = dryRun ? scanSteps : IMPORT_PHASES.length;
  let tenthsWritten = 0;
  return ({ phase, done, total: items, ms }: CodebaseImportProgress) => {
    if (phase === "apply" && items !== undefined) {
      const tenths = Math.floor((done * 10) / items);
      if (tenths <= tenthsWritten) return;
      tenthsWritten = tenths;
      report({ progress: scanSteps + tenths / 10, total, message: `apply: ${done} of ${items} writes` });
    } else if (phase !== "apply" && ms !== undefined)
      report({
        progress: IMPORT_PHASES.indexOf(phase) + 1,
        total,
        message: `${phase}: ${done} ${FOUND[phase]} in ${ms} ms`,
      });
  };
}

/** Whether `path` is `root` or lies under it (both absolute and normalized). */
function isWithin(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === "" || (!isAbsolute(rel) && rel !== ".." && !rel.startsWith(`..${sep}`));
}

/**
 * The folder to import for `path` under `root`: relative paths are taken from
 * the root, and the path must resolve, symbolic links followed, inside it.
 * A path outside gets the same refusal whether it exists or not; a missing
 * folder inside it is a not-found, as `importCodebase` reports one.
 *
 * @throws ValidationError naming `path` when it is outside the root.
 * @throws NotFoundError (entity `folder`, field `path`) when it names nothing inside the root.
 */
async function folderUnder(root: string, path: string): Promise<string> {
  const refuse = (message: string) => new ValidationError({ message, issues: [{ path: "path", message }] });
  const outside = refuse(`path ${JSON.stringify(path)} is not inside the import root (${root})`);
  const asked = resolve(root, path);
  if (!isWithin(root, asked)) throw outside;
  const realRoot = await realpath(root).catch(() => {
    throw refuse(`the import root ${root} is not a folder the server can read`);
  });
  const real = await realpath(asked).catch(() => {
    throw new NotFoundError({
      message: `path ${JSON.stringify(path)}: no such folder inside the import root (${root})`,
      entity: "folder",
      id: asked,
      field: "path",
    });
  });
  if (!isWithin(realRoot, real)) throw outside;
  return real;
}

/** `import_codebase`: reverse-engineers a repository on the server's machine into the factory. */
export const importCodebaseTool = defineTool({
  name: "import_codebase",
  title: "Import a codebase",
  description:
    "Read a git repository on the server's machine and propose lines (workspaces, Cargo, Go, Python, Maven, Gradle), dependencies, owners (CODEOWNERS or git history), blueprints, requirements inferred from tests, and docs/ADRs. dryRun (default true) shows the proposal; dryRun false writes it, never overwriting what a person edited (that comes back under conflicts).",
  group: "import",
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true },
  input: z.object({
    path: z
      .string()
      .min(1)
      .max(PATH_MAX)
      .describe(
        "Path of the repository root on the server's machine: absolute, or relative to the server's import root when it has one (then the path must lie inside it)",
      ),
    dryRun: z
      .boolean()
      .default(true)
      .describe("true (default): answer the proposal and write nothing; false: write it"),
    since: PointInTime.optional().describe("Owners from git history since then (a date, an instant or 30d)"),
    repository: z
      .string()
      .regex(
        /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/,
        "a repository name is 1-100 letters, digits, '.', '_' or '-'",
      )
      .optional()
      .describe(
        "Name of the repository in the sources of what is imported (1-100 letters, digits, '.', '_' or '-'); the folder's name when omitted",
      ),
  }),
  output: z.object({
    dryRun: z.boolean(),
    repository: z.string(),
    commit: z.string().optional(),
    lines: z
      .array(
        z.object({ id: z.string(), root: z.string(), ecosystem: z.string(), owner: z.string().optional() }),
      )
      .describe(`The lines found, the first ${MAX_LINES}`),
    linesLeftOut: z.number().describe("Lines found past the first ones listed (counts.lines has them all)"),
    counts: z.record(z.string(), Counts),
    events: z.number(),
    conflicts: z
      .array(ConflictOutput)
      .describe(`What a person changed and the import left alone, the first ${MAX_CONFLICTS}`),
    conflictsLeftOut: z.number(),
    problems: z
      .array(z.object({ file: z.string(), message: z.string() }))
      .describe(`Files the import could not read, the first ${MAX_PROBLEMS}`),
    problemsLeftOut: z.number(),
    mermaid: z
      .string()
      .optional()
      .describe(
        `The proposed floor plan as a Mermaid flowchart, when it takes at most ${MAX_MERMAID_CHARS} characters; absent for a larger plan (factory floorplan --format mermaid draws it once written)`,
      ),
  }),
  run: async (factory, input, context) => {
    const root = context?.importRoot;
    const path = root === undefined ? input.path : await folderUnder(root, input.path);
    const result = await importCodebase(factory, path, {
      dryRun: input.dryRun,
      ...(input.since === undefined ? {} : { since: instantAt(factory, input.since) }),
      ...(input.repository === undefined ? {} : { repository: input.repository }),
      ...(context?.signal === undefined ? {} : { signal: context.signal }),
      ...(context?.onProgress === undefined
        ? {}
        : { onProgress: importProgress(context.onProgress, input.dryRun) }),
    });
    const owners = new Map(result.proposal.owners.map((owner) => [owner.line, owner.operator]));
    return {
      dryRun: result.dryRun,
      repository: result.repository,
      ...(result.proposal.commit === undefined ? {} : { commit: result.proposal.commit }),
      lines: result.proposal.lines.slice(0, MAX_LINES).map((line) => ({
        id: line.id,
        root: line.root,
        ecosystem: line.ecosystem,
        ...(owners.has(line.id) ? { owner: owners.get(line.id) } : {}),
      })),
      linesLeftOut: Math.max(0, result.proposal.lines.length - MAX_LINES),
      counts: result.counts,
      events: result.events,
      conflicts: result.conflicts.slice(0, MAX_CONFLICTS).map(boundedConflict),
      conflictsLeftOut: Math.max(0, result.conflicts.length - MAX_CONFLICTS),
      problems: result.problems.slice(0, MAX_PROBLEMS),
      problemsLeftOut: Math.max(0, result.problems.length - MAX_PROBLEMS),
      ...(result.mermaid.length > MAX_MERMAID_CHARS ? {} : { mermaid: result.mermaid }),
    };
  },
});
