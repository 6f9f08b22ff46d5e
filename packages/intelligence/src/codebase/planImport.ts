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
import { canonicalJson, hashJson } from "@software-factory/core";
import {
  type DependencyDecl,
  diffPlans,
  edgeKey,
  type FloorPlan,
  type LineDecl,
  mergePlans,
  nodeKey,
  type OperatorDecl,
  type Plan,
  type PlanDiff,
  planOf,
} from "@software-factory/floorplan";
import type { CaptureInput, KnowledgeDocument } from "@software-factory/knowledge";
import type { Factory } from "../factory/openFactory.js";
import type {
  CodebaseProposal,
  Evidence,
  InferredRequirement,
  ProposedBlueprint,
  ProposedDocument,
  ProposedLine,
  ProposedOwner,
} from "./proposal.js";

/** The knowledge system imported documents are filed under. */
export const CODEBASE_SYSTEM = "codebase";

/** A fact the import would change but a person changed first; it is left as the person wrote it. */
export interface ImportConflict {
  readonly kind: "line" | "owner" | "document" | "requirement" | "test";
  /** Line id, document id or artifact id. */
  readonly id: string;
  /** The field that differs (`owner`, `description`, `body`...). */
  readonly field: string;
  readonly current: string;
  readonly proposed: string;
  /** A unified diff from the current text to the proposed one. */
  readonly diff: string;
  /** Who made the current value (an actor id, or the provenance of a floor plan fact). */
  readonly by: string;
}

/** How many facts of one kind an import creates, updates, leaves unchanged, or cannot change. */
export interface ImportCounts {
  readonly created: number;
  readonly updated: number;
  readonly unchanged: number;
  readonly conflicts: number;
}

/** A document the import captures or revises. */
export interface DocumentChange {
  readonly action: "create" | "update";
  /** The existing document, for updates. */
  readonly id?: string;
  readonly input: CaptureInput;
}

/** An artifact the import records (a new one or a new version). */
export interface ArtifactChange {
  readonly action: "create" | "update";
  readonly id: string;
  readonly kind: "requirement" | "test";
  readonly title: string;
  readonly line?: string;
  readonly fields: Readonly<Record<string, unknown>>;
  readonly fingerprintFields: readonly string[];
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
  readonly documents: readonly DocumentChange[];
  readonly artifacts: readonly ArtifactChange[];
  /** `verifies` links from tests to the requirements they verify, not yet linked. */
  readonly links: readonly { readonly from: string; readonly to: string }[];
  readonly conflicts: readonly ImportConflict[];
  readonly counts: {
    readonly lines: ImportCounts;
    readonly owners: ImportCounts;
    readonly dependencies: ImportCounts;
    readonly blueprints: ImportCounts;
    readonly documents: ImportCounts;
    readonly requirements: ImportCounts;
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

class Tally {
  created = 0;
  updated = 0;
  unchanged = 0;
  conflicts = 0;
  add(action: "create" | "update" | "unchanged" | "conflict"): void {
    if (action === "create") this.created++;
    else if (action === "update") this.updated++;
    else if (action === "unchanged") this.unchanged++;
    else this.conflicts++;
  }
  counts(): ImportCounts {
    return {
      created: this.created,
      updated: this.updated,
      unchanged: this.unchanged,
      conflicts: this.conflicts,
    };
  }
}

/** Adds the unified diff from the current text to the proposed one (no index line, no trailing tabs in headers); jsdiff is loaded only when there is a conflict. */
async function withDiff(conflict: Omit<ImportConflict, "diff">): Promise<ImportConflict> {
  const { createTwoFilesPatch } = await import("diff");
  const name = `${conflict.id} ${conflict.field}`;
  const patch = createTwoFilesPatch(
    `${name} (current)`,
    `${name} (proposed)`,
    `${conflict.current}\n`,
    `${conflict.proposed}\n`,
    "",
    "",
    { context: 2 },
  );
  const diff = patch
    .split("\n")
    .filter((line) => !/^=+$/.test(line))
    .map((line) => (line.startsWith("--- ") || line.startsWith("+++ ") ? line.trimEnd() : line))
    .join("\n");
  return { ...conflict, diff };
}

function conflict(
  kind: ImportConflict["kind"],
  id: string,
  field: string,
  current: string,
  proposed: string,
  by: string,
): Omit<ImportConflict, "diff"> {
  return { kind, id, field, current, proposed, by };
}

/** The CODEOWNERS-style path pattern of a line's root folder. */
export function rootPattern(root: string): string {
  return root === "." ? "/" : `/${root}/`;
}

const ROOT_PATTERNS = (root: string) =>
  new Set([rootPattern(root), `${root}/`, `${root}/**`, `/${root}/**`, `/${root}`, root]);

/** A provenance ref: the file, the commit it was read at, the method, the confidence and detail of inferred facts. */
function refOf(evidence: Evidence): string {
  const at = evidence.commit === undefined ? "" : `@${evidence.commit.slice(0, 12)}`;
  const detail = evidence.detail === undefined ? "" : `: ${evidence.detail}`;
  return `${evidence.file}${at} (${evidence.method}, confidence ${evidence.confidence}${detail})`;
}

/** The provenance refs of the floor plan facts a proposal declares, keyed as `planChanges` expects. */
function floorPlanRefs(
  proposal: CodebaseProposal,
  lineIds: ReadonlyMap<string, string>,
  operatorIds: ReadonlyMap<string, string>,
): Map<string, string> {
  const id = (line: string) => lineIds.get(line) ?? line;
  const refs = new Map<string, string>();
  for (const line of proposal.lines) refs.set(`line:${id(line.id)}`, refOf(line.evidence));
  for (const owner of proposal.owners) {
    refs.set(`owner:${id(owner.line)}`, refOf(owner.evidence));
    refs.set(`operator:${operatorIds.get(owner.operator) ?? owner.operator}`, refOf(owner.evidence));
  }
  for (const dependency of proposal.dependencies) {
    const methods = [...new Set(dependency.evidence.map((evidence) => evidence.method))].join(", ");
    const first = dependency.evidence[0];
    if (first !== undefined)
      refs.set(
        `dependency:${id(dependency.from)}->${id(dependency.to)}`,
        `${refOf(first)}; found by ${methods}`,
      );
  }
  return refs;
}

/** Maps each proposed line to an existing line with the same id, else one declaring its root folder. */
function mapLines(floor: FloorPlan, lines: readonly ProposedLine[]): Map<string, string> {
  const existing = floor.lines();
  const ids = new Map<string, string>();
  for (const line of lines) {
    if (floor.line(line.id) !== undefined) {
      ids.set(line.id, line.id);
      continue;
    }
    const patterns = ROOT_PATTERNS(line.root);
    const same = existing.find((candidate) => candidate.paths.some((path) => patterns.has(path)));
    ids.set(line.id, same?.id ?? line.id);
  }
  return ids;
}

/** Maps each proposed owner to an existing operator with the same id, e-mail or handle, else declares one. */
function mapOperators(
  floor: FloorPlan,
  owners: readonly ProposedOwner[],
): {
  ids: Map<string, string>;
  declare: OperatorDecl[];
} {
  const operators = floor.graph.operators();
  const ids = new Map<string, string>();
  const declare = new Map<string, OperatorDecl>();
  for (const owner of owners) {
    const known =
      operators.find((operator) => operator.id === owner.operator) ??
      operators.find((operator) => owner.email !== undefined && operator.email === owner.email) ??
      operators.find(
        (operator) => owner.handle !== undefined && Object.values(operator.handles).includes(owner.handle),
      );
    ids.set(owner.operator, known?.id ?? owner.operator);
    if (known === undefined && !declare.has(owner.operator)) {
      declare.set(owner.operator, {
        id: owner.operator,
        name: owner.name,
        ...(owner.email === undefined ? {} : { email: owner.email }),
        roles: ["line"],
        handles:
          owner.handle === undefined
            ? {}
            : { [owner.handle.includes("@") ? "github" : "codeowners"]: owner.handle },
      });
    }
  }
  return { ids, declare: [...declare.values()].sort((a, b) => a.id.localeCompare(b.id)) };
}

function provenanceOf(floor: FloorPlan, key: string, edge: boolean): string | undefined {
  const graph = floor.graph.graph;
  if (edge) return graph.hasEdge(key) ? graph.getEdgeAttributes(key).provenance.source : undefined;
  return graph.hasNode(key) ? graph.getNodeAttributes(key).provenance.source : undefined;
}

const byLine = (a: DependencyDecl, b: DependencyDecl) => a.line.localeCompare(b.line);

/** Decides the floor plan part: lines with their owner and dependencies, and the operators they need. */
function planFloor(
  floor: FloorPlan,
  proposal: CodebaseProposal,
  lineIds: ReadonlyMap<string, string>,
  conflicts: Omit<ImportConflict, "diff">[],
) {
  const current = floor.toPlan();
  const { ids: operatorIds, declare } = mapOperators(floor, proposal.owners);
  const ownerOf = new Map(proposal.owners.map((owner) => [owner.line, owner]));
  const lines: LineDecl[] = [];
  const owners = new Tally();
  const dependencies = new Tally();
  for (const proposed of proposal.lines) {
    const id = lineIds.get(proposed.id) ?? proposed.id;
    const base = current.lines.find((line) => line.id === id);
    const owner = ownerOf.get(proposed.id);
    const ownerId = owner === undefined ? undefined : operatorIds.get(owner.operator);
    const proposedDeps: DependencyDecl[] = proposal.dependencies
      .filter((dependency) => dependency.from === proposed.id)
      .map((dependency) => ({
        line: lineIds.get(dependency.to) ?? dependency.to,
        kind: "library" as const,
        criticality: "medium" as const,
      }))
      .sort(byLine);
    if (base === undefined) {
      lines.push({
        id,
        name: proposed.title,
        ...(proposed.description === undefined ? {} : { description: proposed.description }),
        ...(ownerId === undefined ? {} : { owner: ownerId }),
        contributors: [],
        paths: [rootPattern(proposed.root)],
        tags: ["imported", proposed.ecosystem],
        knowledge: [],
        dependsOn: proposedDeps,
      });
      if (ownerId !== undefined) owners.add("create");
      for (const _ of proposedDeps) dependencies.add("create");
      continue;
    }
    const lineKey = nodeKey("line", id);
    const byPerson = provenanceOf(floor, lineKey, false) !== "inferred";
    let next: LineDecl = base;
    const attributes = {
      name: proposed.title,
      description: proposed.description ?? "",
      paths: [rootPattern(proposed.root)].join(", "),
    };
    const was = { name: base.name ?? "", description: base.description ?? "", paths: base.paths.join(", ") };
    if (!byPerson) {
      next = {
        ...next,
        name: proposed.title,
        paths: [rootPattern(proposed.root)],
        ...(proposed.description === undefined ? {} : { description: proposed.description }),
      };
    } else {
      for (const field of ["name", "description"] as const) {
        if (attributes[field] !== "" && attributes[field] !== was[field]) {
          conflicts.push(
            conflict(
              "line",
              id,
              field,
              was[field],
              attributes[field],
              provenanceOf(floor, lineKey, false) ?? "",
            ),
          );
        }
      }
    }
    if (ownerId !== undefined) {
      const ownerSource =
        base.owner === undefined
          ? undefined
          : provenanceOf(floor, edgeKey("owns", nodeKey("operator", base.owner), lineKey), true);
      if (base.owner === ownerId) owners.add("unchanged");
      else if (base.owner === undefined || ownerSource === "inferred") {
        owners.add(base.owner === undefined ? "create" : "update");
        next = { ...next, owner: ownerId };
      } else {
        owners.add("conflict");
        conflicts.push(conflict("owner", id, "owner", base.owner, ownerId, ownerSource ?? ""));
      }
    }
    const kept = base.dependsOn.filter((dependency) => {
      const source = provenanceOf(
        floor,
        edgeKey("dependsOn", lineKey, nodeKey("line", dependency.line)),
        true,
      );
      return (
        source !== "inferred" || proposedDeps.some((proposedDep) => proposedDep.line === dependency.line)
      );
    });
    const added = proposedDeps.filter((dependency) => !kept.some((old) => old.line === dependency.line));
    for (const dependency of proposedDeps)
      dependencies.add(added.includes(dependency) ? "create" : "unchanged");
    if (added.length > 0 || kept.length !== base.dependsOn.length)
      next = { ...next, dependsOn: [...kept, ...added].sort(byLine) };
    if (canonicalJson(next) !== canonicalJson(base)) lines.push(next);
  }
  const floorPlan = planOf({ operators: declare, lines });
  const nextFloorPlan = mergePlans(current, floorPlan);
  return {
    floorPlan,
    floorPlanRefs: floorPlanRefs(proposal, lineIds, operatorIds),
    nextFloorPlan,
    floorPlanDiff: diffPlans(current, nextFloorPlan),
    owners,
    dependencies,
  };
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
      title: requirement.title,
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
      title: [...requirement.describePath, requirement.testName].join(" › "),
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
  for (const document of proposal.documents) {
    const proposed = documentProposal(document, lineIds, options.repository);
    planDocument(imported.get(proposed.uri), proposed, options.actor, documentTally, documents, conflicts);
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
      if (existing === undefined) {
        tally.add("create");
        artifacts.push(change);
      } else if (existing.fields.proposalHash === change.fields.proposalHash) {
        tally.add("unchanged");
      } else if (existing.recordedBy === options.actor) {
        tally.add("update");
        artifacts.push({ ...change, action: "update" });
      } else {
        tally.add("conflict");
        conflicts.push(
          conflict(change.kind, change.id, "title", existing.title, change.title, existing.recordedBy),
        );
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
