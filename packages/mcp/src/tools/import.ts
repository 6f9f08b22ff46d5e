/**
 * The `import` group of tools: bringing an existing codebase into the
 * factory. Off by default (it reads folders on the server's machine); offer it
 * with `groups: [..., "import"]` or `factory mcp --groups ...,import`.
 *
 * @module
 */
import type { ImportConflict } from "@software-factory/intelligence";
import { importCodebase } from "@software-factory/intelligence";
import { z } from "zod";
import { defineTool } from "../toolKit.js";

const MAX_CONFLICTS = 20;
const MAX_DIFF_CHARS = 2_000;

const Counts = z.object({
  created: z.number(),
  updated: z.number(),
  unchanged: z.number(),
  conflicts: z.number(),
});

function boundedConflict(conflict: ImportConflict) {
  const diff =
    conflict.diff.length > MAX_DIFF_CHARS
      ? `${conflict.diff.slice(0, MAX_DIFF_CHARS)}\n… (diff cut)`
      : conflict.diff;
  return { kind: conflict.kind, id: conflict.id, field: conflict.field, by: conflict.by, diff };
}

/** `import_codebase`: reverse-engineers a repository on the server's machine into the factory. */
export const importCodebaseTool = defineTool({
  name: "import_codebase",
  title: "Import a codebase",
  description:
    "Read a git repository on the server's machine and propose lines (workspaces, Cargo, Go, Python, Maven, Gradle), dependencies, owners (CODEOWNERS or git history), blueprints, requirements inferred from tests, and docs/ADRs. dryRun (default true) shows the proposal without writing; run again with dryRun false to write. Never overwrites what a person edited: such facts come back as conflicts with a diff.",
  group: "import",
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true },
  input: z.object({
    path: z.string().min(1).describe("Absolute path of the repository root on the server's machine"),
    dryRun: z.boolean().default(true),
    since: z.iso.datetime({ offset: true }).optional().describe("Owners from git history since this instant"),
    repository: z
      .string()
      .regex(
        /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/,
        "a repository name is 1-100 letters, digits, '.', '_' or '-'",
      )
      .optional(),
  }),
  output: z.object({
    dryRun: z.boolean(),
    repository: z.string(),
    commit: z.string().optional(),
    lines: z.array(
      z.object({ id: z.string(), root: z.string(), ecosystem: z.string(), owner: z.string().optional() }),
    ),
    counts: z.record(z.string(), Counts),
    events: z.number(),
    conflicts: z.array(z.looseObject({})),
    conflictsLeftOut: z.number(),
    problems: z.array(z.object({ file: z.string(), message: z.string() })),
    mermaid: z.string(),
  }),
  run: async (factory, input) => {
    const result = await importCodebase(factory, input.path, {
      dryRun: input.dryRun,
      ...(input.since === undefined ? {} : { since: input.since }),
      ...(input.repository === undefined ? {} : { repository: input.repository }),
    });
    const owners = new Map(result.proposal.owners.map((owner) => [owner.line, owner.operator]));
    return {
      dryRun: result.dryRun,
      repository: result.repository,
      ...(result.proposal.commit === undefined ? {} : { commit: result.proposal.commit }),
      lines: result.proposal.lines.map((line) => ({
        id: line.id,
        root: line.root,
        ecosystem: line.ecosystem,
        ...(owners.has(line.id) ? { owner: owners.get(line.id) } : {}),
      })),
      counts: result.counts,
      events: result.events,
      conflicts: result.conflicts.slice(0, MAX_CONFLICTS).map(boundedConflict),
      conflictsLeftOut: Math.max(0, result.conflicts.length - MAX_CONFLICTS),
      problems: [...result.problems],
      mermaid: result.mermaid,
    };
  },
});
