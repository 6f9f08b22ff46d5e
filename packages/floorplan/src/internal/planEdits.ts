/**
 * The edits behind the commands of `FloorPlan`: each is a
 * {@link PlanTarget}, turning the latest plan into the plan to reach, the facts
 * the change declares and the entries it brings, decided again after each
 * conflict with another writer.
 *
 * @module
 */
import { NotFoundError, nearNames, validationErrorFromZod } from "@software-factory/core";
import type { PlanTarget } from "../applyPlan.js";
import {
  type ContributorDecl,
  type DependencyDecl,
  type LineDecl,
  type Plan,
  PlanSchema,
  type RelationDecl,
} from "../Plan.js";
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

/** The kinds of entry a single declaration states, by their list in a plan. */
export type EntryList = "lines" | "operators" | "domains";

/**
 * The plan stating one entry given as the argument `argument` of `call`
 * (`declareLine`'s `line`), its malformed fields named under the argument
 * (`declareLine is invalid: line.owner: ...`) rather than at `lines[0]`.
 *
 * @throws ValidationError naming each bad field.
 */
export function entryPlan(call: string, list: EntryList, argument: string, entry: unknown): Plan {
  const result = PlanSchema.safeParse({ [list]: [entry] });
  if (result.success) return result.data;
  const issues = result.error.issues.map((issue) =>
    issue.path[0] === list && issue.path[1] === 0
      ? { ...issue, path: [argument, ...issue.path.slice(2)] }
      : issue,
  );
  throw validationErrorFromZod(issues, { subject: call });
}

/**
 * The plan of {@link entryPlan} to merge into the floor plan, declaring what
 * it states; a problem of the entry is reported at the argument (`line.owner`),
 * not at its place in the merged plan (`lines[4].owner`).
 */
export function declaredEntry(plan: Plan, list: EntryList, argument: string): PlanTarget {
  const target = wholePlan(plan);
  const id = plan[list][0]?.id;
  return (current) => ({
    ...target(current),
    pathOf: (path, next) =>
      argumentPath(`${list}[${next[list].findIndex((entry) => entry.id === id)}]`, argument)(path),
  });
}

/** An argument of a single edit naming a line or an operator: the call, the argument's name and the id it gave. */
export interface EditArgument {
  /** The method called (`assignOwner`). */
  readonly call: string;
  /** The argument as the caller wrote it (`operatorId`, `dependency.line`). */
  readonly field: string;
  /** The id the argument gave. */
  readonly id: string;
}

/**
 * Refuses an id the plan does not have, naming the call, the argument and the
 * known ids near it ("did you mean"), as the assembly line refuses an unknown
 * line or operator.
 *
 * @throws NotFoundError (with `entity` and `field`) when `known` lacks the id.
 */
function requireKnown(entity: "line" | "operator", known: readonly string[], argument: EditArgument): void {
  if (known.includes(argument.id)) return;
  const near = nearNames(argument.id, known);
  const hint = near.length === 0 ? "" : ` (did you mean ${near.map((id) => `"${id}"`).join(" or ")}?)`;
  throw new NotFoundError({
    message: `${argument.call}: ${argument.field} names an unknown ${entity} "${argument.id}"${hint}; declare it in the floor plan first`,
    entity,
    id: argument.id,
    field: argument.field,
  });
}

/** Refuses a line id the plan does not have. @throws NotFoundError naming the argument. */
function requireLineId(plan: Plan, argument: EditArgument): void {
  requireKnown(
    "line",
    plan.lines.map((line) => line.id),
    argument,
  );
}

/** Refuses an operator id the plan does not have. @throws NotFoundError naming the argument. */
function requireOperatorId(plan: Plan, argument: EditArgument): void {
  requireKnown(
    "operator",
    plan.operators.map((operator) => operator.id),
    argument,
  );
}

/**
 * The plan without a line (and so without its edges).
 *
 * @throws NotFoundError when the plan has no such line.
 */
export function retireLine(lineId: string): PlanTarget {
  return (plan) => {
    requireLineId(plan, { call: "retireLine", field: "lineId", id: lineId });
    // Retiring a line declares nothing: the facts of the other lines keep their provenance.
    return {
      plan: { ...plan, lines: plan.lines.filter((line) => line.id !== lineId) },
      declaring: new Set(),
      given: new Set(),
    };
  };
}

/**
 * One edit of a line: the line it makes of the current one, checking the ids
 * it brings against the plan, and where in the line the value it brings sits
 * (`owner`, `dependsOn[2]`) with the argument that gave it (`operatorId`,
 * `dependency`), so a problem found there is reported at the argument.
 */
export type LineEdit = (
  line: LineDecl,
  plan: Plan,
) => { readonly line: LineDecl; readonly at?: { readonly path: string; readonly argument: string } };

/**
 * The plan with one line changed by `edit`. The edited plan is checked by the
 * write: a value the edit brings (an unknown owner, a malformed contributor)
 * is an error, reported at the argument that gave it, what the line or the
 * plan already had is not. An edit that `declares` (the default) makes the
 * line's imported facts declared by hand, recording the line again; a removal
 * declares nothing, so it works on a line stored with a text over today's limits.
 *
 * @throws NotFoundError when the plan has no such line, or the edit names an unknown one or operator.
 */
export function editLine(
  lineArgument: EditArgument,
  edit: LineEdit,
  { declares = true }: { readonly declares?: boolean } = {},
): PlanTarget {
  return (plan) => {
    requireLineId(plan, lineArgument);
    const index = plan.lines.findIndex((candidate) => candidate.id === lineArgument.id);
    const line = plan.lines[index] as LineDecl;
    const { line: declared, at } = edit(line, plan);
    const edited = {
      ...plan,
      lines: plan.lines.map((candidate) => (candidate === line ? declared : candidate)),
    };
    const declaring = declares ? factKeys({ lines: [declared] }) : new Set<string>();
    return {
      plan: edited,
      declaring,
      given: new Set<string>(),
      ...(at === undefined
        ? {}
        : { pathOf: (path: string) => argumentPath(`lines[${index}].${at.path}`, at.argument)(path) }),
    };
  };
}

/** Renames the paths at or under `planPath` to the same place under `argument`, leaving the others as they are. */
function argumentPath(planPath: string, argument: string): (path: string) => string {
  return (path) => {
    if (path === planPath) return argument;
    const next = path.charAt(planPath.length);
    if (path.startsWith(planPath) && (next === "." || next === "["))
      return `${argument}${path.slice(planPath.length)}`;
    return path;
  };
}

/** An edit of a line making an operator its owner. @throws NotFoundError when the operator is unknown. */
export function withOwner(operatorId: string): LineEdit {
  return (line, plan) => {
    requireOperatorId(plan, { call: "assignOwner", field: "operatorId", id: operatorId });
    return { line: { ...line, owner: operatorId }, at: { path: "owner", argument: "operatorId" } };
  };
}

/** An edit of a line adding a contributor, or replacing the one of the same operator. @throws NotFoundError when the operator is unknown. */
export function withContributor(contributor: ContributorDecl): LineEdit {
  return (line, plan) => {
    requireOperatorId(plan, {
      call: "addContributor",
      field: "contributor.operator",
      id: contributor.operator,
    });
    const contributors = [
      ...line.contributors.filter((c) => c.operator !== contributor.operator),
      contributor,
    ];
    return {
      line: { ...line, contributors },
      at: { path: `contributors[${contributors.length - 1}]`, argument: "contributor" },
    };
  };
}

/**
 * An edit of a line removing the contributor of an operator (the same line when it has none).
 *
 * @throws NotFoundError when the operator is neither in the plan nor a contributor of the line.
 */
export function withoutContributor(operatorId: string): LineEdit {
  return (line, plan) => {
    if (!line.contributors.some((c) => c.operator === operatorId))
      requireOperatorId(plan, { call: "removeContributor", field: "operatorId", id: operatorId });
    return { line: { ...line, contributors: line.contributors.filter((c) => c.operator !== operatorId) } };
  };
}

/** An edit of a line adding a dependency, or replacing the one on the same line. @throws NotFoundError when the other line is unknown. */
export function withDependency(dependency: DependencyDecl): LineEdit {
  return (line, plan) => {
    requireLineId(plan, { call: "addDependency", field: "dependency.line", id: dependency.line });
    const dependsOn = [...line.dependsOn.filter((d) => d.line !== dependency.line), dependency];
    return {
      line: { ...line, dependsOn },
      at: { path: `dependsOn[${dependsOn.length - 1}]`, argument: "dependency" },
    };
  };
}

/**
 * An edit of a line removing its dependency on another (the same line when it has none).
 *
 * @throws NotFoundError when the other line is neither in the plan nor a dependency of the line.
 */
export function withoutDependency(toLine: string): LineEdit {
  return (line, plan) => {
    if (!line.dependsOn.some((d) => d.line === toLine))
      requireLineId(plan, { call: "removeDependency", field: "toLine", id: toLine });
    return { line: { ...line, dependsOn: line.dependsOn.filter((d) => d.line !== toLine) } };
  };
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
