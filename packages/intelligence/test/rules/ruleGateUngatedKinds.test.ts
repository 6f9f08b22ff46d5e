/**
 * A rule gate that names (by id or by a scorecard level) a rule over a kind
 * the gate never checks (documents, signals, the floor plan) is refused when
 * it is made, with a ValidationError naming the gate, the rule, its appliesTo
 * and where it was named; a pack's such rules are left to standards.check.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ValidationError } from "@software-factory/core";
import {
  builtinStandards,
  defineScorecard,
  type Factory,
  installBasicStandards,
  installBuiltinStandards,
  openFactory,
  ruleGate,
} from "@software-factory/intelligence";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

let dir: string;
let factory: Factory;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), "factory-rule-gate-kinds-"));
  factory = await openFactory({ dir, actor: "ana" });
  await factory.floorplan.applyPlan({
    product: { id: "shop" },
    operators: [{ id: "ana" }],
    lines: [{ id: "checkout", owner: "ana", paths: ["/src/checkout/"] }],
  });
  installBuiltinStandards(factory);
  installBasicStandards(factory);
});

afterEach(async () => {
  await factory.close();
  rmSync(dir, { recursive: true, force: true });
});

/** What making the gate threw. */
function refusal(make: () => unknown): ValidationError {
  let error: unknown;
  try {
    make();
  } catch (thrown) {
    error = thrown;
  }
  expect(error).toBeInstanceOf(ValidationError);
  return error as ValidationError;
}

describe("a rule gate naming a rule it would never run", () => {
  it("refuses a document rule named by id, naming the gate, the rule, its appliesTo and its place", () => {
    const error = refusal(() =>
      ruleGate(factory.standards, {
        stage: "release",
        name: "release-standards",
        rules: ["requirement-has-acceptance-criteria", "recorded-decision-is-complete"],
      }),
    );
    expect(error.code).toBe("E_VALIDATION");
    expect(error.issues).toEqual([{ path: "rules[1]", message: expect.stringContaining("appliesTo") }]);
    expect(error.message).toMatch(
      /^rule gate "release-standards" is invalid: rules\[1\]: rule "recorded-decision-is-complete" checks document targets \(appliesTo "document"\)/,
    );
  });

  it("refuses a scorecard level holding signal and floor-plan rules, naming each by its place", () => {
    const card = defineScorecard({
      id: "readiness",
      description: "Lines ready to release.",
      levels: [
        { name: "bronze", rules: ["line-has-owner", "signal-routed-within-sla"] },
        { name: "silver", rules: ["no-dependency-cycles"] },
      ],
    });
    const error = refusal(() =>
      ruleGate(factory.standards, { stage: "release", rules: { scorecard: card, level: "silver" } }),
    );
    expect(error.issues.map((issue) => issue.path)).toEqual([
      "rules.scorecard.levels[0].rules[1]",
      "rules.scorecard.levels[1].rules[0]",
    ]);
    expect(error.message).toContain(
      'rule "signal-routed-within-sla" checks signal targets (appliesTo "signal")',
    );
    expect(error.message).toContain('rule "no-dependency-cycles" checks floorplan targets');
    expect(() =>
      ruleGate(factory.standards, { stage: "release", rules: { scorecard: card, level: "bronze" } }),
    ).toThrow(ValidationError);
  });

  it("takes a mixed pack's work item, artifact and line rules and gates with them", async () => {
    factory.work.registerGate(ruleGate(factory.standards, { stage: "design", rules: builtinStandards }));
    const item = await factory.work.createWorkItem({
      line: "checkout",
      title: "Pay by link",
      kind: "feature",
    });
    await expect(factory.work.advance(item.id)).resolves.toMatchObject({ id: item.id });
  });
});
