/**
 * The edits behind the commands of `FloorPlan`: each is a
 * {@link PlanTarget}, turning the latest plan into the plan to reach, the facts
 * the change declares and the entries it brings, decided again after each
 * conflict with another writer.
 *
 * @module
 */
import { NotFoundError } from "@software-factory/core";
import type { PlanTarget } from "../applyPlan.js";
import type { ContributorDecl, DependencyDecl, LineDecl, Plan, RelationDecl } from "../Plan.js";
import { factKeys } from "./factSource.js";
import { planEntries } from "./writeProblems.js";

/**
 * A whole plan to reach, declaring every fact it states. Every entry of it is
 * checked in full; the rest of the floor plan only for what the apply breaks.
 */
export function wholePlan(plan: Plan): PlanTarget {
  const declaring = factKeys(plan);
  const given = planEntries(plan);
  return () => ({ plan, declaring, given });
}

/**
 * The line of a plan.
 *
 * @throws NotFoundError when the plan has no such line.
 */
function requireLine(plan: Plan, lineId: string): LineDecl {
  const line = plan.lines.find((candidate) => candidate.id === lineId);
  if (line === undefined)
    throw new NotFoundError({
      message: `line "${lineId}" is not in the floor plan`,
      entity: "line",
      id: lineId,
    });
  return line;
}

/**
 * The plan without a line (and so without its edges).
 *
 * @throws NotFoundError when the plan has no such line.
 */
export function retireLine(lineId: string): PlanTarget {
  return (plan) => {
    requireLine(plan, lineId);
    // Retiring a line declares nothing: the facts of the other lines keep their provenance.
    return {
      plan: { ...plan, lines: plan.lines.filter((line) => line.id !== lineId) },
      declaring: new Set(),
      given: new Set(),
    };
  };
}

/**
 * The plan with one line changed by `edit`. The edited plan is checked by the
 * write: a value the edit brings (an unknown owner, a malformed contributor)
 * is an error, what the line or the plan already had is not. An edit that
 * `declares` (the default) makes the line's imported facts declared by hand,
 * recording the line again; a removal declares nothing, so it works on a line
 * stored with a text over today's limits.
 *
 * @throws NotFoundError when the plan has no such line.
 */
export function editLine(
  lineId: string,
  edit: (line: LineDecl) => LineDecl,
  { declares = true }: { readonly declares?: boolean } = {},
): PlanTarget {
  return (plan) => {
    const line = requireLine(plan, lineId);
    const declared = edit(line);
    const edited = {
      ...plan,
      lines: plan.lines.map((candidate) => (candidate === line ? declared : candidate)),
    };
    const declaring = declares ? factKeys({ lines: [declared] }) : new Set<string>();
    return { plan: edited, declaring, given: new Set<string>() };
  };
}

/** An edit of a line making an operator its owner. */
export function withOwner(operatorId: string): (line: LineDecl) => LineDecl {
  return (line) => ({ ...line, owner: operatorId });
}

/** An edit of a line adding a contributor, or replacing the one of the same operator. */
export function withContributor(contributor: ContributorDecl): (line: LineDecl) => LineDecl {
  return (line) => ({
    ...line,
    contributors: [...line.contributors.filter((c) => c.operator !== contributor.operator), contributor],
  });
}

/** An edit of a line removing the contributor of an operator. */
export function withoutContributor(operatorId: string): (line: LineDecl) => LineDecl {
  return (line) => ({ ...line, contributors: line.contributors.filter((c) => c.operator !== operatorId) });
}

/** An edit of a line adding a dependency, or replacing the one on the same line. */
export function withDependency(dependency: DependencyDecl): (line: LineDecl) => LineDecl {
  return (line) => ({
    ...line,
    dependsOn: [...line.dependsOn.filter((d) => d.line !== dependency.line), dependency],
  });
}

/** An edit of a line removing its dependency on another. */
export function withoutDependency(toLine: string): (line: LineDecl) => LineDecl {
  return (line) => ({ ...line, dependsOn: line.dependsOn.filter((d) => d.line !== toLine) });
}

/** Whether a relation edge is the one of `type` from `from` to `to`. */
function isEdge(relation: RelationDecl, type: string, from: string, to: string): boolean {
  return relation.type === type && relation.from === from && relation.to === to;
}

/** The plan with a relation edge added, or replacing the one of the same type and ends; the edge is checked in full. */
export function putRelation(added: RelationDecl): PlanTarget {
  return (plan) => ({
    plan: {
      ...plan,
      relations: [
        ...plan.relations.filter((relation) => !isEdge(relation, added.type, added.from, added.to)),
        added,
      ],
    },
    declaring: new Set(),
    given: planEntries({ relations: [added] }),
  });
}

/** The plan without the relation edge of `type` from `from` to `to` (the same plan when it has none). */
export function dropRelation(type: string, from: string, to: string): PlanTarget {
  return (plan) => ({
    plan: { ...plan, relations: plan.relations.filter((relation) => !isEdge(relation, type, from, to)) },
    declaring: new Set(),
    given: new Set(),
  });
}
