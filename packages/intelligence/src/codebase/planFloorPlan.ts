/**
 * The floor plan part of an import plan: which existing line each proposed
 * line is, the operators owners need, each line's attributes, owner and
 * dependencies (kept as a person wrote them, or updated where the import
 * wrote them), and where each fact came from.
 *
 * @module
 */
import { canonicalJson } from "@software-factory/core";
import {
  type DependencyDecl,
  diffPlans,
  edgeKey,
  type FloorPlan,
  type LineDecl,
  mergePlans,
  nodeKey,
  type OperatorDecl,
  OperatorDeclSchema,
  planOf,
} from "@software-factory/floorplan";
import { conflict, type ImportConflict, Tally } from "./importConflicts.js";
import type { CodebaseProposal, Evidence, ProposedLine, ProposedOwner } from "./proposal.js";

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
export function mapLines(floor: FloorPlan, lines: readonly ProposedLine[]): Map<string, string> {
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

/**
 * The e-mail as a plan can hold it: git and CODEOWNERS accept addresses such
 * as `root@localhost` that the operator schema refuses; those are left out,
 * not the operator.
 */
function declarableEmail(email: string | undefined): { email?: string } {
  return email !== undefined && OperatorDeclSchema.shape.email.safeParse(email).success ? { email } : {};
}

/**
 * Maps each proposed owner to an existing operator with the same id, e-mail
 * or handle, else declares one (without an e-mail the plan would refuse).
 */
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
        ...declarableEmail(owner.email),
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
export function planFloor(
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
    const attributes = { name: proposed.title, description: proposed.description ?? "" };
    const was = { name: base.name ?? "", description: base.description ?? "" };
    if (!byPerson) {
      next = {
        ...next,
        name: proposed.title,
        paths: [rootPattern(proposed.root)],
        ...(proposed.description === undefined ? {} : { description: proposed.description }),
      };
    } else {
      // A field the person left empty is not theirs to defend: nothing to report (and not filled in, which would make the line the import's).
      for (const field of ["name", "description"] as const) {
        if (attributes[field] !== "" && was[field] !== "" && attributes[field] !== was[field]) {
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
