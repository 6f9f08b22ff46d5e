import { canonicalJson } from "@software-factory/core";
import type { DependencyInfo } from "./graphTypes.js";
import { checkedPlans } from "./internal/planArgument.js";
import type { Plan, PlanInput } from "./Plan.js";

/** A line whose owner changed between two plans. */
export interface Reowned {
  /** The line's id. */
  readonly line: string;
  /** Its owner in the first plan; undefined when it was unowned. */
  readonly from: string | undefined;
  /** Its owner in the second plan; undefined when it is now unowned. */
  readonly to: string | undefined;
}

/** A dependency whose kind, criticality or contract changed. */
export interface DependencyChange {
  /** The dependency as the first plan declares it. */
  readonly before: DependencyInfo;
  /** The same dependency (same from and to) as the second plan declares it. */
  readonly after: DependencyInfo;
}

/** What changed from one plan to another. */
export interface PlanDiff {
  /** Ids of lines only the second plan has. */
  readonly linesAdded: readonly string[];
  /** Ids of lines only the first plan has. */
  readonly linesRemoved: readonly string[];
  /** Lines whose attributes (name, domain, paths, tags, WIP limit, ...) changed. */
  readonly linesChanged: readonly string[];
  /** Lines in both plans whose owner changed. */
  readonly reowned: readonly Reowned[];
  /** Dependencies only the second plan has. */
  readonly dependenciesAdded: readonly DependencyInfo[];
  /** Dependencies only the first plan has. */
  readonly dependenciesRemoved: readonly DependencyInfo[];
  /** Dependencies in both plans whose kind, criticality or contract changed. */
  readonly dependenciesChanged: readonly DependencyChange[];
  /** Ids of operators only the second plan has. */
  readonly operatorsAdded: readonly string[];
  /** Ids of operators only the first plan has. */
  readonly operatorsRemoved: readonly string[];
  /** True when nothing differs. */
  readonly empty: boolean;
}

function dependencies(plan: Plan): Map<string, DependencyInfo> {
  const map = new Map<string, DependencyInfo>();
  for (const line of plan.lines) {
    for (const { line: to, ...rest } of line.dependsOn)
      map.set(`${line.id} ${to}`, { from: line.id, to, ...rest });
  }
  return map;
}

/**
 * Compares two plans: lines added, removed, changed and re-owned, dependencies added, removed and changed, operators added and removed.
 * A complete plan (as `FloorPlan.toPlan()` gives) is compared as it is even
 * when it holds texts stored before today's limits, so a `plan apply` that
 * fixes them can show what it changes.
 *
 * @throws ValidationError when either plan is malformed (and, for a complete plan, unreadable),
 *   naming `before` or `after` and the place inside it (`before.lines[0].owner`).
 * @example
 * ```ts
 * const change = diffPlans(await loadFactoryYaml("main/factory.yaml"), await loadFactoryYaml("factory.yaml"));
 * for (const { line, from, to } of change.reowned) console.log(`${line}: ${from} -> ${to}`);
 * ```
 */
export function diffPlans(beforeInput: Plan | PlanInput, afterInput: Plan | PlanInput): PlanDiff {
  const { before, after } = checkedPlans("diffPlans", { before: beforeInput, after: afterInput });
  const beforeLines = new Map(before.lines.map((line) => [line.id, line]));
  const afterLines = new Map(after.lines.map((line) => [line.id, line]));
  const attributes = (line: Plan["lines"][number]) => {
    const { owner: _owner, dependsOn: _dependsOn, ...rest } = line;
    return canonicalJson(rest);
  };
  const linesAdded = after.lines.filter((line) => !beforeLines.has(line.id)).map((line) => line.id);
  const linesRemoved = before.lines.filter((line) => !afterLines.has(line.id)).map((line) => line.id);
  const linesChanged: string[] = [];
  const reowned: Reowned[] = [];
  for (const line of after.lines) {
    const was = beforeLines.get(line.id);
    if (was === undefined) continue;
    if (attributes(was) !== attributes(line)) linesChanged.push(line.id);
    if (was.owner !== line.owner) reowned.push({ line: line.id, from: was.owner, to: line.owner });
  }
  const beforeDependencies = dependencies(before);
  const afterDependencies = dependencies(after);
  const dependenciesAdded: DependencyInfo[] = [];
  const dependenciesChanged: DependencyChange[] = [];
  for (const [key, dependency] of afterDependencies) {
    const was = beforeDependencies.get(key);
    if (was === undefined) dependenciesAdded.push(dependency);
    else if (canonicalJson(was) !== canonicalJson(dependency))
      dependenciesChanged.push({ before: was, after: dependency });
  }
  const dependenciesRemoved = [...beforeDependencies]
    .filter(([key]) => !afterDependencies.has(key))
    .map(([, dependency]) => dependency);
  const beforeOperators = new Set(before.operators.map((operator) => operator.id));
  const afterOperators = new Set(after.operators.map((operator) => operator.id));
  const operatorsAdded = [...afterOperators].filter((id) => !beforeOperators.has(id));
  const operatorsRemoved = [...beforeOperators].filter((id) => !afterOperators.has(id));
  const empty =
    linesAdded.length +
      linesRemoved.length +
      linesChanged.length +
      reowned.length +
      dependenciesAdded.length +
      dependenciesRemoved.length +
      dependenciesChanged.length +
      operatorsAdded.length +
      operatorsRemoved.length ===
    0;
  return {
    linesAdded,
    linesRemoved,
    linesChanged,
    reowned,
    dependenciesAdded,
    dependenciesRemoved,
    dependenciesChanged,
    operatorsAdded,
    operatorsRemoved,
    empty,
  };
}
