/**
 * The changes of a `FloorPlan`, their arguments' types already checked (an
 * entry, a dependency or an edge given is parsed here, before anything is
 * written): each makes its edit of the latest plan (see `planEdits.ts`),
 * named by a label for the messages, and writes it with {@link writePlan},
 * deciding again after each conflict with another writer.
 *
 * @module
 */
import {
  type ApplyPlanOptions,
  type ApplyPlanResult,
  type ChangeOptions,
  type PlanTarget,
  type PlanWriter,
  writePlan,
} from "../applyPlan.js";
import {
  type ContributorDecl,
  type DependencyDeclInput,
  DependencyDeclSchema,
  type DomainDecl,
  type LineDeclInput,
  type OperatorDeclInput,
  type Plan,
  RelationDeclSchema,
} from "../Plan.js";
import { parsed } from "./floorPlanInputs.js";
import {
  declaredEntry,
  dropRelation,
  type EntryList,
  editLine,
  entryPlan,
  putRelation,
  retireLine,
  wholePlan,
  withContributor,
  withDependency,
  withOwner,
  withoutContributor,
  withoutDependency,
} from "./planEdits.js";

/** Writes the changes of a floor plan through `writer`, its log and current state. */
export class PlanChanges {
  readonly #writer: PlanWriter;

  constructor(writer: PlanWriter) {
    this.#writer = writer;
  }

  /** Makes the floor plan match `plan`. */
  apply(plan: Plan, options: ApplyPlanOptions): Promise<ApplyPlanResult> {
    return this.#write(wholePlan(plan), options);
  }

  /** Declares a line or replaces one, leaving the rest of the plan as it is. */
  declareLine(line: LineDeclInput, options: ChangeOptions): Promise<ApplyPlanResult> {
    return this.#declare(entryPlan("declareLine", "lines", "line", line), "lines", "line", options);
  }

  /** Declares or updates an operator. */
  declareOperator(operator: OperatorDeclInput, options: ChangeOptions): Promise<ApplyPlanResult> {
    const plan = entryPlan("declareOperator", "operators", "operator", operator);
    return this.#declare(plan, "operators", "operator", options);
  }

  /** Declares or updates a domain. */
  declareDomain(domain: DomainDecl, options: ChangeOptions): Promise<ApplyPlanResult> {
    return this.#declare(
      entryPlan("declareDomain", "domains", "domain", domain),
      "domains",
      "domain",
      options,
    );
  }

  /** Retires a line and its edges; retiring the last line is what was asked for. */
  retireLine(lineId: string, options: ChangeOptions): Promise<ApplyPlanResult> {
    return this.#write(retireLine(lineId), {
      ...options,
      label: `retire ${lineId}`,
      allowRemoveAllLines: true,
    });
  }

  /** Makes an operator the owner of a line. */
  assignOwner(lineId: string, operatorId: string, options: ChangeOptions): Promise<ApplyPlanResult> {
    return this.#write(
      editLine({ call: "assignOwner", field: "lineId", id: lineId }, withOwner(operatorId)),
      { ...options, label: `owner of ${lineId}` },
    );
  }

  /** Adds or replaces a contributor of a line. */
  addContributor(
    lineId: string,
    contributor: ContributorDecl,
    options: ChangeOptions,
  ): Promise<ApplyPlanResult> {
    return this.#write(
      editLine({ call: "addContributor", field: "lineId", id: lineId }, withContributor(contributor)),
      { ...options, label: `contributor of ${lineId}` },
    );
  }

  /** Removes a contributor of a line, declaring nothing. */
  removeContributor(lineId: string, operatorId: string, options: ChangeOptions): Promise<ApplyPlanResult> {
    return this.#write(
      editLine({ call: "removeContributor", field: "lineId", id: lineId }, withoutContributor(operatorId), {
        declares: false,
      }),
      { ...options, label: `contributor of ${lineId}` },
    );
  }

  /** Adds or changes a dependency of a line. @throws ValidationError when the dependency is malformed, at path `dependency`. */
  addDependency(
    fromLine: string,
    input: DependencyDeclInput,
    options: ChangeOptions,
  ): Promise<ApplyPlanResult> {
    const dependency = parsed(DependencyDeclSchema, input, "dependency");
    return this.#write(
      editLine({ call: "addDependency", field: "fromLine", id: fromLine }, withDependency(dependency)),
      { ...options, label: `dependency ${fromLine} -> ${dependency.line}` },
    );
  }

  /** Removes a dependency of a line, declaring nothing. */
  removeDependency(fromLine: string, toLine: string, options: ChangeOptions): Promise<ApplyPlanResult> {
    return this.#write(
      editLine({ call: "removeDependency", field: "fromLine", id: fromLine }, withoutDependency(toLine), {
        declares: false,
      }),
      { ...options, label: `dependency ${fromLine} -> ${toLine}` },
    );
  }

  /** Adds or updates an edge of a registered relation. @throws ValidationError when the edge is malformed, at path `relation`. */
  addRelation(
    type: string,
    from: string,
    to: string,
    attributes: Record<string, unknown>,
    options: ChangeOptions,
  ): Promise<ApplyPlanResult> {
    const added = parsed(RelationDeclSchema, { type, from, to, attributes }, "relation");
    return this.#write(putRelation(added), { ...options, label: `${type} ${from} -> ${to}` });
  }

  /** Removes an edge of a registered relation. */
  removeRelation(type: string, from: string, to: string, options: ChangeOptions): Promise<ApplyPlanResult> {
    return this.#write(dropRelation(type, from, to), { ...options, label: `${type} ${from} -> ${to}` });
  }

  /** Merges a plan stating one entry into the floor plan, its problems named under `argument`. */
  #declare(plan: Plan, list: EntryList, argument: string, options: ChangeOptions): Promise<ApplyPlanResult> {
    const id = plan[list][0]?.id ?? "";
    return this.#write(declaredEntry(plan, list, argument), {
      ...options,
      mode: "merge",
      label: `${argument} ${id}`,
    });
  }

  /** Writes what `target` makes of the latest plan, deciding again after each conflict with another writer. */
  #write(target: PlanTarget, options: ApplyPlanOptions): Promise<ApplyPlanResult> {
    return writePlan(this.#writer, target, options);
  }
}
