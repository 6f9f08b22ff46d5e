/**
 * The last line listing a path pattern wins its paths, so an earlier listing
 * of the same pattern never claims anything: the plan still loads, with a
 * warning at the listing that never wins naming the one that does.
 */
import { planOf, validatePlan } from "@software-factory/floorplan";
import { describe, expect, it } from "vitest";

describe("a path pattern listed twice", () => {
  it("warns at the listing that never wins, naming the later one", () => {
    const plan = planOf({
      operators: [{ id: "ana" }],
      lines: [
        { id: "web", owner: "ana", paths: ["/apps/web/", "docs/", "docs/"] },
        { id: "site", owner: "ana", paths: ["/apps/web/", "/apps/site/"] },
      ],
    });

    expect(validatePlan(plan)).toEqual([
      {
        code: "shadowed-pattern",
        severity: "warning",
        path: "lines[0].paths[0]",
        message:
          'pattern "/apps/web/" is also claimed by "site" at lines[1].paths[0], which comes later and wins: "web" never gets these paths',
        hint: "remove one of the two, or put the line that should own these paths later in the plan",
      },
      {
        code: "shadowed-pattern",
        severity: "warning",
        path: "lines[0].paths[1]",
        message: 'pattern "docs/" is listed again at lines[0].paths[2]',
        hint: "keep one entry",
      },
    ]);
  });

  it("says nothing of patterns that differ, even where one covers the other", () => {
    const plan = planOf({
      operators: [{ id: "ana" }],
      lines: [
        { id: "web", owner: "ana", paths: ["/apps/"] },
        { id: "site", owner: "ana", paths: ["/apps/site/", "apps/"] },
      ],
    });

    expect(validatePlan(plan)).toEqual([]);
  });
});
