/**
 * The plan arguments of mergePlans, planChanges, validatePlan and diffPlans
 * as plain JavaScript may pass them: checked against the plan schema before
 * anything reads them, so a malformed plan is a `ValidationError` naming the
 * argument and the place inside it, not a `TypeError` from deep inside; a
 * plan written with its defaults left out is read with them filled in, and a
 * complete plan holding a text stored before today's limits is still read.
 */
import { ValidationError } from "@software-factory/core";
import {
  diffPlans,
  emptyPlan,
  mergePlans,
  PLAN_LIMITS,
  type Plan,
  planChanges,
  planOf,
  validatePlan,
} from "@software-factory/floorplan";
import { describe, expect, it } from "vitest";
import { shopPlan } from "./fixtures.js";

/** A value plain JavaScript may pass where a plan is expected, typed as one. */
const asPlan = (value: unknown) => value as Plan;

/** The message of what `call` threw, failing when it threw anything but a ValidationError. */
function validationMessage(call: () => unknown): string {
  try {
    call();
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return (error as ValidationError).message;
  }
  throw new Error("expected a ValidationError, nothing was thrown");
}

describe("a plan argument from JavaScript", () => {
  const shop = planOf(shopPlan());

  it("is refused by mergePlans naming the argument and the field, both arguments at once", () => {
    expect(validationMessage(() => mergePlans(asPlan({ lines: "x" }), asPlan({ operators: [null] })))).toBe(
      "a call of mergePlans is invalid: base.lines: must be a list, not a string; " +
        "addition.operators[0]: must be a JSON object, not null",
    );
  });

  it("is refused by planChanges, validatePlan and diffPlans naming the place inside it", () => {
    expect(validationMessage(() => planChanges(shop, asPlan({ lines: [{ id: "web", tags: "ui" }] })))).toBe(
      "a call of planChanges is invalid: next.lines[0].tags: must be a list, not a string",
    );
    expect(validationMessage(() => validatePlan(asPlan({ lines: [{ id: "web", dependsOn: [5] }] })))).toBe(
      "a call of validatePlan is invalid: plan.lines[0].dependsOn[0]: " +
        "a dependency is a line id or { line, kind, criticality, contract }",
    );
    expect(
      validationMessage(() => diffPlans(shop, asPlan({ operators: [{ id: "ana", roles: "line" }] }))),
    ).toBe("a call of diffPlans is invalid: after.operators[0].roles: must be a list, not a string");
  });

  it("is read with its defaults filled in when it leaves them out", () => {
    expect(mergePlans(asPlan({}), shop)).toEqual(shop);
    expect(planChanges(asPlan({}), emptyPlan())).toEqual([]);
    const line = asPlan({
      operators: [{ id: "ana" }],
      lines: [{ id: "web", owner: "ana", dependsOn: ["api"] }],
    });
    expect(validatePlan(line).map((problem) => problem.code)).toEqual(["missing-line"]);
  });

  it("leaves TypeScript callers with complete plans as they were, a text stored over today's limits included", () => {
    const [first, ...rest] = shop.lines;
    if (first === undefined) throw new Error("the shop plan has lines");
    const stored: Plan = {
      ...shop,
      lines: [{ ...first, description: "d".repeat(PLAN_LIMITS.description + 1) }, ...rest],
    };
    const addition = planOf({ lines: [{ id: "search", owner: first.owner }] });
    const merged = mergePlans(stored, addition);
    expect(merged.lines.map((line) => line.id)).toEqual([...shop.lines.map((line) => line.id), "search"]);
    expect(merged.lines[0]).toEqual(stored.lines[0]);
    expect(diffPlans(stored, shop).linesChanged).toEqual([first.id]);
    expect(planChanges(stored, stored)).toEqual([]);
    expect(validatePlan(stored).filter((problem) => problem.severity === "error")).toEqual([]);
  });
});
