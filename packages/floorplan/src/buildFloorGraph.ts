import { FloorGraph } from "./FloorGraph.js";
import { BuildFloorGraphOptionsSchema, parsed } from "./internal/floorPlanInputs.js";
import { foldEvent } from "./internal/fold.js";
import type { ProvenanceSource } from "./model.js";
import { type Plan, type PlanInput, planOf } from "./Plan.js";
import { changesBetween } from "./planEvents.js";

/** An empty plan. */
export function emptyPlan(): Plan {
  return {
    version: 1,
    settings: { cycles: "warning" },
    operators: [],
    domains: [],
    lines: [],
    relations: [],
  };
}

/**
 * Builds a floor plan graph straight from a plan, with no event log: for
 * one-off queries, exports and checks of a `factory.yaml` in CI.
 *
 * @throws ValidationError when the plan's shape is invalid (references are not checked; see `validatePlan`), or an option is malformed or unknown.
 * @example
 * ```ts
 * const floor = buildFloorGraph(await loadFactoryYaml("factory.yaml"));
 * floor.lineForPath("packages/checkout/src/cart.ts");
 * ```
 */
export function buildFloorGraph(
  plan: Plan | PlanInput,
  options: { readonly source?: ProvenanceSource; readonly at?: string } = {},
): FloorGraph {
  parsed(BuildFloorGraphOptionsSchema, options, "buildFloorGraph options");
  const floor = new FloorGraph();
  const at = options.at ?? new Date().toISOString();
  for (const event of changesBetween(emptyPlan(), planOf(plan), {
    source: options.source ?? "factory.yaml",
  })) {
    foldEvent(floor, { ...event, at });
  }
  return floor;
}
