import { canonicalJson } from "@software-factory/core";
import type { DependencyInfo } from "./graphTypes.js";
import { type Plan, type PlanInput, planOf } from "./Plan.js";

/** A line whose owner changed between two plans. */
export interface Reowned {
  readonly line: string;
  readonly from: string | undefined;
  readonly to: string | undefined;
}

/** A dependency whose kind, criticality or contract changed. */
export interface DependencyChange {
  readonly before: DependencyInfo;
  readonly after: DependencyInfo;
}

/** What changed from one plan to another. */
export interface PlanDiff {
  readonly linesAdded: readonly string[];
  readonly linesRemoved: readonly string[];
  /** Lines whose attributes (name, domain, paths, tags, WIP limit, ...) changed. */
  readonly linesChanged: readonly string[];
  readonly reowned: readonly Reowned[];
  readonly dependenciesAdded: readonly DependencyInfo[];
  readonly dependenciesRemoved: readonly DependencyInfo[];
  readonly dependenciesChanged: readonly DependencyChange[];
  readonly operatorsAdded: readonly string[];
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
 *
 * @throws ValidationError when either plan is malformed.
 * @example
 * ```ts
 * const change = diffPlans(await loadFactoryYaml("main/factory.yaml"), await loadFactoryYaml("factory.yaml"));
 * for (const { line, from, to } of change.reowned) console.log(`${line}: ${from} -> ${to}`);
 * ```
 */
export function diffPlans(beforeInput: Plan | PlanInput, afterInput: Plan | PlanInput): PlanDiff {
  const before = planOf(beforeInput);
  const after = planOf(afterInput);
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
