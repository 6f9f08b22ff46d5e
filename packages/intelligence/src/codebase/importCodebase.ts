/**
 * `importCodebase`: scans a repository, compares the proposal with the
 * factory, and writes what changed: lines, owners and dependencies into the
 * floor plan (provenance `inferred`), blueprints and documents into the
 * knowledge base, inferred requirements and their tests into the assembly
 * line. Safe to run again: unchanged facts write nothing, and facts a person
 * edited are kept and reported as conflicts.
 *
 * @module
 */
import { basename } from "node:path";
import { countAppended, strictInput } from "@software-factory/core";
import { buildFloorGraph, toMermaid } from "@software-factory/floorplan";
import { z } from "zod";
import type { Factory } from "../factory/openFactory.js";
import { parseInput } from "../internal/parse.js";
import type { ImportConflict, ImportCounts } from "./importConflicts.js";
import { type CodebaseImportPlan, planImport } from "./planImport.js";
import type { CodebaseProposal } from "./proposal.js";
import {
  type CodebaseImportProgress,
  type ImportPhase,
  SCAN_CODEBASE_OPTIONS_SHAPE,
  type ScanCodebaseOptions,
  type ScanProblem,
  scanCodebase,
} from "./scanCodebase.js";

/** Artifacts or links written per atomic append. */
const BATCH = 500;

/** The actor an import writes as unless told otherwise. */
export const DEFAULT_IMPORT_ACTOR = "factory-import";

/** Options of {@link importCodebase}. */
export interface ImportCodebaseOptions extends ScanCodebaseOptions {
  /** Show what would change without writing (default false). */
  readonly dryRun?: boolean;
  /** Who the import writes as (default `factory-import`); facts last written by anyone else are a person's and are never overwritten. */
  readonly actor?: string;
  /** Name of the repository in document sources (default the folder's name). */
  readonly repository?: string;
}

/** The keys of {@link ImportCodebaseOptions}: a misspelt one (`dryrun`) is refused rather than ignored, which would write. */
const ImportCodebaseOptionsSchema = strictInput({
  ...SCAN_CODEBASE_OPTIONS_SHAPE,
  dryRun: z.boolean().optional(),
  actor: z.string().optional(),
  repository: z.string().optional(),
});

/** What an import found, did (or would do, in a dry run), and could not do. */
export interface CodebaseImportResult {
  /** True when nothing was written: the counts and conflicts say what a real run would do. */
  readonly dryRun: boolean;
  /** The repository name documents are filed under (their source addresses start with it). */
  readonly repository: string;
  /** Everything the scan read from the repository, before comparing with the factory. */
  readonly proposal: CodebaseProposal;
  /** What the import did (or would do) per kind of fact, `verifies` links included. */
  readonly counts: CodebaseImportPlan["counts"] & {
    /** `verifies` links from tests to requirements. */
    readonly links: ImportCounts;
  };
  /** Facts a person changed that the repository now says otherwise about; kept as the person wrote them. */
  readonly conflicts: readonly ImportConflict[];
  /** Pages a folder import (`factory import docs`) filed first, left to it: not filed under `codebase`. */
  readonly leftToFolders: CodebaseImportPlan["leftToFolders"];
  /** Later copies of pages that both importers held, retracted (or, in a dry run, that would be). */
  readonly retracted: CodebaseImportPlan["retractions"];
  /** Manifests or files that could not be read. */
  readonly problems: readonly ScanProblem[];
  /**
   * Events this import appended (0 in a dry run, and on a re-run with
   * nothing new): those of another writer at the same time (another import
   * of the same repository) are not counted.
   */
  readonly events: number;
  /** The floor plan after the import, as a Mermaid flowchart. */
  readonly mermaid: string;
  /** Milliseconds per phase. */
  readonly timings: Readonly<Partial<Record<ImportPhase, number>>>;
}

/**
 * Writes an import plan: the floor plan in one atomic batch, then documents
 * (and the retractions of later copies of a page), then artifacts and links in atomic batches of 500. Each write is
 * idempotent, so if the process stops half-way, running the import again
 * completes it.
 *
 * An abort of `signal` stops it before its next write (the floor plan, a
 * document, a retraction or a batch), keeping what it wrote.
 *
 * @throws the reason of `signal` when it aborts before the last write.
 */
export async function applyImportPlan(
  factory: Factory,
  plan: CodebaseImportPlan,
  options: {
    readonly actor: string;
    readonly label: string;
    readonly onProgress?: (progress: CodebaseImportProgress) => void;
    readonly signal?: AbortSignal;
  },
): Promise<number> {
  return (await writeImportPlan(factory, plan, options)).events;
}

/** Captures the plan made that the store found already made (by an import racing this one), by what it did. */
interface Found {
  unchanged: number;
  revised: number;
}

/**
 * What {@link writeImportPlan} did: the events, and, for blueprints and
 * other documents, the captures planned that the store found already made
 * (another import racing this one captured them first): `unchanged` as it
 * holds them, or `revised`.
 */
interface WrittenPlan {
  readonly events: number;
  readonly found: { readonly blueprints: Found; readonly documents: Found };
}

/** {@link applyImportPlan}, telling what the store answered each document capture. */
async function writeImportPlan(
  factory: Factory,
  plan: CodebaseImportPlan,
  options: Parameters<typeof applyImportPlan>[2],
): Promise<WrittenPlan> {
  const { result: found, appended } = await countAppended(() => writePlan(factory, plan, options));
  return { events: appended, found };
}

/** Writes the plan as {@link writeImportPlan} says; the captures it found already made. */
async function writePlan(
  factory: Factory,
  plan: CodebaseImportPlan,
  options: Parameters<typeof applyImportPlan>[2],
): Promise<WrittenPlan["found"]> {
  const found = { blueprints: { unchanged: 0, revised: 0 }, documents: { unchanged: 0, revised: 0 } };
  const total =
    1 + plan.documents.length + plan.retractions.length + plan.artifacts.length + plan.links.length;
  let done = 0;
  const step = () => {
    done++;
    if (done === total || done % 50 === 0) options.onProgress?.({ phase: "apply", done, total });
  };
  const actor = { actor: options.actor };
  const next = () => options.signal?.throwIfAborted();
  next();
  if (plan.floorPlan.lines.length > 0 || plan.floorPlan.operators.length > 0) {
    await factory.floorplan.applyPlan(plan.floorPlan, {
      mode: "merge",
      source: "inferred",
      label: options.label,
      refs: plan.floorPlanRefs,
      ...actor,
    });
  }
  step();
  for (const change of plan.documents) {
    next();
    if (change.action === "create") {
      const { uri } = change.input.source;
      // A sourced document is captured once even when two imports race; the later one finds it and revises it if it differs.
      if (uri === undefined) await factory.knowledge.capture(change.input, actor);
      else {
        const { outcome } = await factory.knowledge.captureOrRevise(
          { ...change.input, source: { ...change.input.source, uri } },
          actor,
        );
        if (outcome !== "captured")
          found[change.input.kind === "blueprint" ? "blueprints" : "documents"][outcome]++;
      }
    } else {
      const { title, body, lines, decision } = change.input;
      await factory.knowledge.revise(
        change.id as string,
        {
          title,
          body,
          ...(lines === undefined ? {} : { lines }),
          ...(decision === undefined ? {} : { decision }),
        },
        actor,
      );
    }
    step();
  }
  for (const { id, reason } of plan.retractions) {
    next();
    await factory.knowledge.retract(id, reason, actor);
    step();
  }
  for (let start = 0; start < plan.artifacts.length; start += BATCH) {
    const batch = plan.artifacts.slice(start, start + BATCH);
    next();
    await factory.work.recordArtifacts(
      batch.map((change) => ({
        id: change.id,
        kind: change.kind,
        title: change.title,
        fields: { ...change.fields },
        // The import says where its artifacts sit: one whose folder went to another line moves there.
        ...(change.line === undefined ? {} : { line: change.line, move: true }),
        fingerprintFields: [...change.fingerprintFields],
        ...actor,
      })),
    );
    for (const _ of batch) step();
  }
  for (let start = 0; start < plan.links.length; start += BATCH) {
    const batch = plan.links.slice(start, start + BATCH);
    next();
    await factory.work.linkAll(
      batch.map((link) => ({ from: link.from, to: link.to, type: "verifies", ...actor })),
    );
    for (const _ of batch) step();
  }
  return found;
}

/**
 * Imports a codebase into a factory: proposes lines (workspaces, Cargo, Go,
 * Python, Maven, Gradle, or top-level folders), dependencies (manifests and
 * imports), owners (CODEOWNERS or git history), blueprints, requirements
 * inferred from tests, and knowledge (docs, ADRs, READMEs, CHANGELOGs,
 * runbooks), and writes what is new or changed.
 *
 * A page that a folder import (`factory import docs`) filed first is left to
 * it (`leftToFolders`), so each file is one document; see `planImport`.
 *
 * An abort of `signal` stops the import: it is checked as each phase of the
 * scan starts and before each write (the floor plan, a document, a
 * retraction, a batch of up to 500 artifacts or links), and the import then
 * rejects with the signal's reason, keeping what it wrote (nothing, when it
 * aborts before writing). Each write is idempotent, so the same import run
 * again completes one stopped part-way.
 *
 * @throws NotFoundError (`E_NOT_FOUND`, entity `folder`, field `path`) naming the path when nothing is there.
 * @throws ValidationError when the path is a file, not a folder, or an option is unknown (a misspelt
 * key such as `dryrun`, named with the keys it takes) or invalid; nothing is written.
 * @throws the reason of `signal` when it aborts before the import's last write.
 * @example
 * ```ts
 * const result = await importCodebase(factory, "../payments", { dryRun: true });
 * console.log(result.counts.lines, result.conflicts);
 * ```
 */
export async function importCodebase(
  factory: Factory,
  path: string,
  options: ImportCodebaseOptions = {},
): Promise<CodebaseImportResult> {
  parseInput(ImportCodebaseOptionsSchema, options, "importCodebase options");
  const { dryRun: dryRunOption, actor: actorOption, repository: named, ...scanOptions } = options;
  const scan = await scanCodebase(path, scanOptions);
  const repository = named ?? basename(scan.proposal.root);
  const actor = actorOption ?? DEFAULT_IMPORT_ACTOR;
  const plan = await planImport(factory, scan.proposal, { actor, repository });
  options.signal?.throwIfAborted();
  const dryRun = dryRunOption === true;
  const started = performance.now();
  const written = dryRun
    ? undefined
    : await writeImportPlan(factory, plan, {
        actor,
        label: `codebase ${repository}`,
        ...(options.signal === undefined ? {} : { signal: options.signal }),
        ...(options.onProgress === undefined ? {} : { onProgress: options.onProgress }),
      });
  const links = {
    created: plan.links.length,
    updated: 0,
    unchanged: scan.proposal.requirements.length - plan.links.length,
    conflicts: 0,
  };
  return {
    dryRun,
    repository,
    proposal: scan.proposal,
    counts: {
      ...plan.counts,
      blueprints: raced(plan.counts.blueprints, written?.found.blueprints),
      documents: raced(plan.counts.documents, written?.found.documents),
      links,
    },
    conflicts: plan.conflicts,
    leftToFolders: plan.leftToFolders,
    retracted: plan.retractions,
    problems: scan.problems,
    events: written?.events ?? 0,
    mermaid: toMermaid(buildFloorGraph(plan.nextFloorPlan)),
    timings: { ...scan.timings, ...(dryRun ? {} : { apply: Math.round(performance.now() - started) }) },
  };
}

/** The counts of a plan, less the captures another import made first (counted as the store found them). */
function raced(planned: ImportCounts, found: Found | undefined): ImportCounts {
  if (found === undefined) return planned;
  const { unchanged, revised } = found;
  return {
    ...planned,
    created: planned.created - unchanged - revised,
    updated: planned.updated + revised,
    unchanged: planned.unchanged + unchanged,
  };
}
