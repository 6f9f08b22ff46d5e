/**
 * Reads a repository into a {@link CodebaseProposal}: lines and their
 * dependencies (manifests and the import graph), owners, blueprints,
 * requirements inferred from tests, and knowledge documents. Reads only;
 * `importCodebase` applies the proposal.
 *
 * @module
 */
import { existsSync, statSync } from "node:fs";
import { resolve } from "node:path";
import { NotFoundError, strictInput, ValidationError } from "@software-factory/core";
import { z } from "zod";
import { parseInput } from "../internal/parse.js";
import type { CodebaseProposal, Evidence, ProposedDependency } from "./proposal.js";
import { writeBlueprints } from "./scan/blueprints.js";
import { findDocuments } from "./scan/docs.js";
import { listRepoFiles } from "./scan/files.js";
import { importGraph } from "./scan/imports.js";
import { ProposeOwnersOptionsSchema, proposeOwnersReport } from "./scan/owners.js";
import { inferRequirements } from "./scan/tests.js";
import { detectLines } from "./scan/units.js";

/** The phases of a codebase import, in order. */
export const IMPORT_PHASES = [
  "files",
  "lines",
  "imports",
  "owners",
  "blueprints",
  "requirements",
  "documents",
  "apply",
] as const;
/** A phase of a codebase import. */
export type ImportPhase = (typeof IMPORT_PHASES)[number];

/**
 * Progress of a phase of a codebase scan or import ({@link scanCodebase}, {@link importCodebase}): `done` of
 * `total` items (total unknown while a phase only starts). Knowledge's `ImportProgress` is the per-item
 * progress of a document import.
 */
export interface CodebaseImportProgress {
  /** The phase reported on. */
  readonly phase: ImportPhase;
  /** Items done so far: files listed, lines found, events applied... (0 as a phase starts). */
  readonly done: number;
  /** Items the phase has in all, when known. */
  readonly total?: number;
  /** Milliseconds the phase took, once it ended. */
  readonly ms?: number;
}

/** A manifest or file the scan could not read; the rest of the scan went on. */
export interface ScanProblem {
  /** Repository-relative path of the file. */
  readonly file: string;
  /** What was wrong and what the scan did about it (a manifest that does not parse, a field cut to its limit). */
  readonly message: string;
}

/** Options of {@link scanCodebase}. */
export interface ScanCodebaseOptions {
  /** Consider git history since this date (ISO) for owners; default the last `maxCommits` commits. */
  readonly since?: string;
  /** How many recent commits the owner proposal reads (default 2,000). */
  readonly maxCommits?: number;
  /** Called as each phase starts and ends. */
  readonly onProgress?: (progress: CodebaseImportProgress) => void;
  /**
   * Stops the scan: checked as each phase starts, so an abort takes effect
   * once the phase under way has ended; the scan then rejects with the
   * signal's reason (as `fetch` does).
   */
  readonly signal?: AbortSignal;
}

/** The keys of {@link ScanCodebaseOptions}, checked at the boundary; `importCodebase` adds its own. */
export const SCAN_CODEBASE_OPTIONS_SHAPE = {
  ...ProposeOwnersOptionsSchema.shape,
  onProgress: z
    .custom<(progress: CodebaseImportProgress) => void>(
      (value) => typeof value === "function",
      "must be a function",
    )
    .optional(),
  signal: z.custom<AbortSignal>((value) => value instanceof AbortSignal, "must be an AbortSignal").optional(),
};

/** A proposal and the problems met while reading the repository. */
export interface ScanResult {
  /** What the repository proposes to the factory. */
  readonly proposal: CodebaseProposal;
  /** Problems met reading the repository's files; the scan went on past each. */
  readonly problems: readonly ScanProblem[];
  /** Milliseconds per phase. */
  readonly timings: Readonly<Partial<Record<ImportPhase, number>>>;
}

/** Merges dependencies found by several methods into one per (from, to), evidence together. */
function mergeDependencies(...lists: (readonly ProposedDependency[])[]): ProposedDependency[] {
  const merged = new Map<string, { from: string; to: string; evidence: Evidence[] }>();
  for (const dependency of lists.flat()) {
    const key = `${dependency.from}\u0000${dependency.to}`;
    const entry = merged.get(key) ?? { from: dependency.from, to: dependency.to, evidence: [] };
    entry.evidence.push(...dependency.evidence);
    merged.set(key, entry);
  }
  return [...merged.values()]
    .map((entry) => ({ ...entry, kind: "library" as const }))
    .sort((a, b) => a.from.localeCompare(b.from) || a.to.localeCompare(b.to));
}

/**
 * Scans a repository (a git work tree, or any folder) and proposes what the
 * factory should hold about it. Deterministic: the same tree gives an equal
 * proposal, so a re-import can tell that nothing changed.
 *
 * @throws NotFoundError (`E_NOT_FOUND`, entity `folder`, field `path`) naming the path when nothing is there.
 * @throws ValidationError when the path is a file, not a folder, or an option is unknown (a misspelt
 * key such as `maxCommit`, named with the keys it takes) or invalid.
 * @throws the reason of `signal` when it aborts before the last phase starts.
 * @example
 * ```ts
 * const { proposal } = await scanCodebase("../payments");
 * console.log(proposal.lines.map((line) => line.id));
 * ```
 */
export async function scanCodebase(path: string, options: ScanCodebaseOptions = {}): Promise<ScanResult> {
  parseInput(strictInput(SCAN_CODEBASE_OPTIONS_SHAPE), options, "scanCodebase options");
  const root = resolve(path);
  if (!existsSync(root)) {
    throw new NotFoundError({
      message: `cannot import codebase: no folder ${root}`,
      entity: "folder",
      id: root,
      field: "path",
    });
  }
  if (!statSync(root).isDirectory()) {
    throw new ValidationError({
      message: `cannot import codebase: ${root} is not a folder`,
      issues: [{ path: "path", message: "not a folder", file: root }],
    });
  }
  const timings: Partial<Record<ImportPhase, number>> = {};
  const phase = async <T>(name: ImportPhase, run: () => Promise<T>, count: (value: T) => number) => {
    options.signal?.throwIfAborted();
    options.onProgress?.({ phase: name, done: 0 });
    const started = performance.now();
    const value = await run();
    const ms = Math.round(performance.now() - started);
    timings[name] = ms;
    const done = count(value);
    options.onProgress?.({ phase: name, done, total: done, ms });
    return value;
  };
  const repo = await phase(
    "files",
    () => listRepoFiles(root),
    (value) => value.files.length,
  );
  const units = await phase(
    "lines",
    () => detectLines(repo),
    (value) => value.lines.length,
  );
  const imports = await phase(
    "imports",
    () => importGraph(repo, units.lines),
    (value) => value.length,
  );
  const dependencies = mergeDependencies(units.dependencies, imports);
  const { owners, problems: ownerProblems } = await phase(
    "owners",
    () =>
      proposeOwnersReport(repo, units.lines, {
        ...(options.since === undefined ? {} : { since: options.since }),
        ...(options.maxCommits === undefined ? {} : { maxCommits: options.maxCommits }),
      }),
    (value) => value.owners.length,
  );
  const blueprints = await phase(
    "blueprints",
    () => writeBlueprints(repo, units.lines, dependencies, owners),
    (value) => value.length,
  );
  const requirements = await phase(
    "requirements",
    () => inferRequirements(repo, units.lines),
    (value) => value.length,
  );
  const documents = await phase(
    "documents",
    () => findDocuments(repo, units.lines),
    (value) => value.length,
  );
  return {
    proposal: {
      root,
      ...(repo.commit === undefined ? {} : { commit: repo.commit }),
      lines: units.lines,
      dependencies,
      owners,
      blueprints,
      requirements,
      documents,
    },
    problems: [...(repo.problems ?? []), ...units.problems, ...ownerProblems],
    timings,
  };
}
