/**
 * Compares a codebase proposal with what a factory holds and decides, fact by
 * fact, what an import creates, updates, leaves alone, or reports as a
 * conflict because a person changed it. Reads only.
 *
 * The rule that protects people's work: a fact the import wrote earlier may be
 * updated by a later import; a fact a person declared or edited is never
 * overwritten: when the repository now says something else, the difference
 * comes back as a conflict with a proposed diff.
 *
 * @module
 */
import { firstSafeLine, hashJson } from "@software-factory/core";
import type { Plan, PlanDiff } from "@software-factory/floorplan";
import type { CaptureInput, KnowledgeDocument } from "@software-factory/knowledge";
import type { Factory } from "../factory/openFactory.js";
import { conflict, type ImportConflict, type ImportCounts, Tally, withDiff } from "./importConflicts.js";
import { mapLines, planFloor } from "./planFloorPlan.js";
import type {
  CodebaseProposal,
  Evidence,
  InferredRequirement,
  ProposedBlueprint,
  ProposedDocument,
} from "./proposal.js";
import { type CopyRetraction, capturedBefore, FolderCopies, isLive, laterCopyReason } from "./samePage.js";

/** The knowledge system imported documents are filed under. */
export const CODEBASE_SYSTEM = "codebase";

/** A document the import captures or revises. */
export interface DocumentChange {
  /** `create` for a document the factory does not have, `update` to revise one the import wrote earlier. */
  readonly action: "create" | "update";
  /** The existing document, for updates. */
  readonly id?: string;
  /** The capture input, source `codebase` with the repository and file as its address. */
  readonly input: CaptureInput;
}

/** An artifact the import records (a new one or a new version). */
export interface ArtifactChange {
  /** `create` for a new artifact, `update` to record a new version of one the import wrote earlier. */
  readonly action: "create" | "update";
  /** The artifact id (`REQ-...` or `TEST-...`), stable across imports. */
  readonly id: string;
  /** A requirement inferred from a test, or the test itself. */
  readonly kind: "requirement" | "test";
  /** The requirement statement, or the test's describe path and name. */
  readonly title: string;
  /** The floor plan line it belongs to, when the test file lies in one. */
  readonly line?: string;
  /** The artifact's fields (statement, or file, line and name of the test, and the inference's provenance). */
  readonly fields: Readonly<Record<string, unknown>>;
  /** The fields whose change makes downstream links suspect (`statement`; a test's file, name, describe path). */
  readonly fingerprintFields: readonly string[];
}

/** A page of the repository that a folder import (`factory import docs`) filed first, so the codebase import leaves it. */
export interface LeftPage {
  /** The file, relative to the scanned folder. */
  readonly file: string;
  /** The folder import's document that holds it. */
  readonly id: string;
  /** Its source system (`markdown:docs`, `decisions:docs`). */
  readonly system: string;
  /** Its address in that system (the file relative to the imported folder). */
  readonly uri: string;
}

/** Everything an import would write, and what it would not. */
export interface CodebaseImportPlan {
  /** Operators and lines to merge into the floor plan (with provenance `inferred`). */
  readonly floorPlan: Plan;
  /** Where each floor plan fact came from (file, commit, method, confidence), as provenance refs. */
  readonly floorPlanRefs: ReadonlyMap<string, string>;
  /** The floor plan changes, as `factory plan diff` shows them. */
  readonly floorPlanDiff: PlanDiff;
  /** The floor plan as it will be after the import. */
  readonly nextFloorPlan: Plan;
  /** Blueprints and documents to capture or revise. */
  readonly documents: readonly DocumentChange[];
  /** Pages a folder import filed first: not filed under `codebase` (see {@link planImport}). */
  readonly leftToFolders: readonly LeftPage[];
  /** Later copies of pages both importers filed, to retract. */
  readonly retractions: readonly CopyRetraction[];
  /** Requirements and tests to record. */
  readonly artifacts: readonly ArtifactChange[];
  /** `verifies` links from tests to the requirements they verify, not yet linked. */
  readonly links: readonly {
    /** The test's artifact id. */
    readonly from: string;
    /** The requirement's artifact id. */
    readonly to: string;
  }[];
  /** Facts a person changed that the repository now says otherwise; left as the person wrote them. */
  readonly conflicts: readonly ImportConflict[];
  /** What the import does, per kind of fact. */
  readonly counts: {
    /** Floor plan lines. */
    readonly lines: ImportCounts;
    /** Line owners. */
    readonly owners: ImportCounts;
    /** Dependencies between lines. */
    readonly dependencies: ImportCounts;
    /** Blueprint documents. */
    readonly blueprints: ImportCounts;
    /** Other knowledge documents. */
    readonly documents: ImportCounts;
    /** Requirements inferred from tests. */
    readonly requirements: ImportCounts;
    /** Test artifacts. */
    readonly tests: ImportCounts;
  };
  /** Proposed line id to the floor plan line it maps to (an existing line with the same id or code path). */
  readonly lineIds: ReadonlyMap<string, string>;
}

/** Options of {@link planImport}. */
export interface PlanImportOptions {
  /** The actor the import writes as; facts last written by anyone else are a person's. */
  readonly actor: string;
  /** Name of the repository in document sources (default the root folder's name). */
  readonly repository: string;
}

function sourceUri(repository: string, file: string): string {
  return `${repository}:${file}`;
}

/** Tags recording how a document was found and at which commit it was first read. */
function provenanceTags(evidence: Evidence): string[] {
  return [
    "imported",
    `method:${evidence.method}`,
    ...(evidence.commit === undefined ? [] : [`commit:${evidence.commit.slice(0, 12)}`]),
  ];
}

interface DocumentProposal {
  readonly uri: string;
  readonly input: CaptureInput;
}

function blueprintProposal(
  blueprint: ProposedBlueprint,
  lineIds: ReadonlyMap<string, string>,
  repository: string,
): DocumentProposal {
  const line = lineIds.get(blueprint.line) ?? blueprint.line;
  const uri = sourceUri(repository, `${blueprint.evidence.file}#blueprint`);
  return {
    uri,
    input: {
      kind: "blueprint",
      title: blueprint.title,
      body: blueprint.body,
      source: { system: CODEBASE_SYSTEM, uri },
      tags: provenanceTags(blueprint.evidence),
      lines: [line],
      links: [],
    },
  };
}

function documentProposal(
  document: ProposedDocument,
  lineIds: ReadonlyMap<string, string>,
  repository: string,
): DocumentProposal {
  const uri = sourceUri(repository, document.file);
  return {
    uri,
    input: {
      kind: document.kind,
      title: document.title,
      body: document.body,
      source: { system: CODEBASE_SYSTEM, uri },
      tags: provenanceTags(document.evidence),
      lines: [...new Set(document.lines.map((line) => lineIds.get(line) ?? line))].sort(),
      links: [],
      ...(document.decision === undefined ? {} : { decision: document.decision }),
    },
  };
}

/** Whether a revision holds the same content as a proposal (title and body). */
function sameContent(revision: { title: string; body: string }, input: CaptureInput): boolean {
  return revision.title === input.title && revision.body === input.body;
}

/** Decides one document: create it, revise the import's own earlier version, leave it, or report a person's edit. */
function planDocument(
  existing: KnowledgeDocument | undefined,
  proposal: DocumentProposal,
  actor: string,
  tally: Tally,
  changes: DocumentChange[],
  conflicts: Omit<ImportConflict, "diff">[],
): void {
  if (existing === undefined) {
    tally.add("create");
    changes.push({ action: "create", input: proposal.input });
    return;
  }
  const latest = existing.revisions.at(-1);
  const lastImported = [...existing.revisions].reverse().find((revision) => revision.actor === actor);
  const retired = existing.retracted !== undefined || existing.supersededBy !== undefined;
  if (retired || (lastImported !== undefined && sameContent(lastImported, proposal.input))) {
    tally.add("unchanged");
    return;
  }
  if (latest !== undefined && latest.actor === actor) {
    tally.add("update");
    changes.push({ action: "update", id: existing.id, input: proposal.input });
    return;
  }
  tally.add("conflict");
  conflicts.push(
    conflict("document", existing.id, "body", existing.body, proposal.input.body, latest?.actor ?? "unknown"),
  );
}

/** The content hash that tells whether a test or requirement changed in the repository. */
function proposalHash(requirement: InferredRequirement, part: "requirement" | "test"): string {
  return part === "requirement"
    ? hashJson([requirement.title, requirement.file])
    : hashJson([
        requirement.testName,
        requirement.describePath,
        requirement.file,
        requirement.fileLine,
        requirement.framework,
      ]);
}

function artifactProposals(requirement: InferredRequirement, line: string | undefined): ArtifactChange[] {
  const provenance = {
    file: requirement.file,
    method: requirement.evidence.method,
    confidence: requirement.evidence.confidence,
    ...(requirement.evidence.commit === undefined ? {} : { commit: requirement.evidence.commit }),
  };
  const onLine = line === undefined ? {} : { line };
  return [
    {
      action: "create",
      id: requirement.id,
      kind: "requirement",
      // A title is one line without control characters or bidi overrides; the fields keep the names as written.
      title: firstSafeLine(requirement.title, requirement.id),
      ...onLine,
      fields: {
        statement: requirement.title,
        inferred: true,
        verifiedBy: requirement.testId,
        provenance,
        proposalHash: proposalHash(requirement, "requirement"),
      },
      fingerprintFields: ["statement"],
    },
    {
      action: "create",
      id: requirement.testId,
      kind: "test",
      title: firstSafeLine(
        [...requirement.describePath, requirement.testName].join(" › "),
        requirement.testId,
      ),
      ...onLine,
      fields: {
        file: requirement.file,
        fileLine: requirement.fileLine,
        name: requirement.testName,
        describePath: requirement.describePath,
        framework: requirement.framework,
        inferred: true,
        provenance,
        proposalHash: proposalHash(requirement, "test"),
      },
      fingerprintFields: ["file", "name", "describePath"],
    },
  ];
}

/**
 * Compares a proposal with a factory and returns what an import would do.
 * Reads only: {@link applyImportPlan} writes it.
 *
 * A page (a `docs/` note, an ADR, a README...) that a folder import
 * (`factory import docs`, `importMarkdownFolder`) already holds under the
 * folder's default source system (`markdown:docs`, `decisions:docs`, see
 * `folderSourceSystem`), with the file's text (a note's body, a decision's
 * `## Decision`: another repository's folder of that path has that system
 * too), is left to it, in `leftToFolders`, and not filed
 * again under `codebase`: one file, one document, kept by the importer that
 * filed it first. Where both hold a live copy (imported before either knew of
 * the other), the copy captured later is retracted (`retractions`), the
 * folder import's or the codebase import's own. A folder imported with a
 * `--system` name of its own is not recognised.
 */
export async function planImport(
  factory: Factory,
  proposal: CodebaseProposal,
  options: PlanImportOptions,
): Promise<CodebaseImportPlan> {
  await factory.floorplan.refresh();
  await factory.work.refresh();
  const conflicts: Omit<ImportConflict, "diff">[] = [];
  const lineIds = mapLines(factory.floorplan, proposal.lines);
  const floor = planFloor(factory.floorplan, proposal, lineIds, conflicts);
  const lineTally = new Tally();
  const conflicted = new Set(conflicts.filter((item) => item.kind === "line").map((item) => item.id));
  for (const line of proposal.lines) {
    const id = lineIds.get(line.id) ?? line.id;
    if (conflicted.has(id)) lineTally.add("conflict");
    else if (floor.floorPlanDiff.linesAdded.includes(id)) lineTally.add("create");
    else if (floor.floorPlan.lines.some((decl) => decl.id === id)) lineTally.add("update");
    else lineTally.add("unchanged");
  }

  const imported = new Map(
    (await factory.knowledge.fromSystem(CODEBASE_SYSTEM)).map((document) => [document.source.uri, document]),
  );
  const documents: DocumentChange[] = [];
  const blueprintTally = new Tally();
  for (const blueprint of proposal.blueprints) {
    const proposed = blueprintProposal(blueprint, lineIds, options.repository);
    planDocument(imported.get(proposed.uri), proposed, options.actor, blueprintTally, documents, conflicts);
  }
  const documentTally = new Tally();
  const folders = new FolderCopies(factory.knowledge, proposal.root);
  const leftToFolders: LeftPage[] = [];
  const retractions: CopyRetraction[] = [];
  for (const document of proposal.documents) {
    const proposed = documentProposal(document, lineIds, options.repository);
    const own = imported.get(proposed.uri);
    const copy = await folders.of(document.file, document);
    // One document per file: the importer that filed it first keeps it; a later copy is retracted.
    if (copy !== undefined && (!isLive(own) || capturedBefore(copy, own))) {
      leftToFolders.push({
        file: document.file,
        id: copy.id,
        system: copy.source.system,
        uri: copy.source.uri ?? "",
      });
      if (isLive(own)) retractions.push({ id: own.id, reason: laterCopyReason(document.file, copy) });
      continue;
    }
    if (copy !== undefined && isLive(own))
      retractions.push({ id: copy.id, reason: laterCopyReason(document.file, own) });
    planDocument(own, proposed, options.actor, documentTally, documents, conflicts);
  }

  const artifacts: ArtifactChange[] = [];
  const links: { from: string; to: string }[] = [];
  const tallies = { requirement: new Tally(), test: new Tally() };
  const nextLines = new Set(floor.nextFloorPlan.lines.map((line) => line.id));
  for (const requirement of proposal.requirements) {
    const mapped = requirement.line === undefined ? undefined : lineIds.get(requirement.line);
    const line = mapped !== undefined && nextLines.has(mapped) ? mapped : undefined;
    for (const change of artifactProposals(requirement, line)) {
      const existing = factory.work.artifact(change.id);
      const tally = tallies[change.kind];
      const sameTest = existing?.fields.proposalHash === change.fields.proposalHash;
      // Without a line of its own now, the artifact keeps the one it has.
      const sameLine = change.line === undefined || existing?.line === change.line;
      if (existing === undefined) {
        tally.add("create");
        artifacts.push(change);
      } else if (sameTest && sameLine) {
        tally.add("unchanged");
      } else if (existing.recordedBy === options.actor) {
        tally.add("update");
        artifacts.push({ ...change, action: "update" });
      } else {
        tally.add("conflict");
        const [field, current, proposed] = sameTest
          ? ["line", existing.line ?? "", change.line ?? ""]
          : ["title", existing.title, change.title];
        conflicts.push(conflict(change.kind, change.id, field, current, proposed, existing.recordedBy));
      }
    }
    const linked = factory.work
      .linksOf(requirement.testId)
      .some(
        (link) => link.from === requirement.testId && link.to === requirement.id && link.type === "verifies",
      );
    if (!linked) links.push({ from: requirement.testId, to: requirement.id });
  }

  return {
    floorPlan: floor.floorPlan,
    floorPlanRefs: floor.floorPlanRefs,
    floorPlanDiff: floor.floorPlanDiff,
    nextFloorPlan: floor.nextFloorPlan,
    documents,
    leftToFolders,
    retractions,
    artifacts,
    links,
    conflicts: await Promise.all(conflicts.map(withDiff)),
    counts: {
      lines: lineTally.counts(),
      owners: floor.owners.counts(),
      dependencies: floor.dependencies.counts(),
      blueprints: blueprintTally.counts(),
      documents: documentTally.counts(),
      requirements: tallies.requirement.counts(),
      tests: tallies.test.counts(),
    },
    lineIds,
  };
}
