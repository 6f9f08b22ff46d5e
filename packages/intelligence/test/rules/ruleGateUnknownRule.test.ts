/**
 * A rule gate that names a rule the standards do not hold is refused when it
 * is made, with a NotFoundError naming the gate, the rule and where it was
 * named; it never reaches a work item as a "gate threw" finding.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { NotFoundError } from "@software-factory/core";
import {
  defineRule,
  defineRulePack,
  defineScorecard,
  type Factory,
  installBuiltinStandards,
  openFactory,
  ruleGate,
} from "@software-factory/intelligence";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

let dir: string;
let factory: Factory;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), "factory-rule-gate-unknown-"));
  factory = await openFactory({ dir, actor: "ana" });
  await factory.floorplan.applyPlan({
    product: { id: "shop" },
    operators: [{ id: "ana" }],
    lines: [{ id: "checkout", owner: "ana", paths: ["/src/checkout/"] }],
  });
});

afterEach(async () => {
  await factory.close();
  rmSync(dir, { recursive: true, force: true });
});

/** What making the gate threw. */
function refusal(make: () => unknown): NotFoundError {
  let error: unknown;
  try {
    make();
  } catch (thrown) {
    error = thrown;
  }
  expect(error).toBeInstanceOf(NotFoundError);
  return error as NotFoundError;
}

const notInstalled = defineRule({
  id: "not-installed",
  description: "A rule nobody added to the standards.",
  severity: "error",
  appliesTo: "workItem",
  check: () => [],
});

describe("a rule gate naming an unknown rule", () => {
  it("is a NotFoundError naming the gate, the rule id and its place, for ids, packs and scorecard levels", () => {
    installBuiltinStandards(factory);
    const byId = refusal(() =>
      ruleGate(factory.standards, {
        stage: "release",
        name: "release-standards",
        rules: ["requirement-has-acceptance-criteria", "no-such-rule"],
      }),
    );
    expect(byId).toMatchObject({
      code: "E_NOT_FOUND",
      entity: "rule",
      id: "no-such-rule",
      field: "rules[1]",
    });
    expect(byId.message).toMatch(
      /^rule gate "release-standards": rules\[1\] names no rule "no-such-rule" in the standards; known rules: .*requirement-has-acceptance-criteria/,
    );

    const pack = defineRulePack({ id: "extra", description: "Not installed.", rules: [notInstalled] });
    expect(refusal(() => ruleGate(factory.standards, { stage: "testing", rules: pack }))).toMatchObject({
      id: "not-installed",
      field: "rules.rules[0]",
    });

    const card = defineScorecard({
      id: "card",
      description: "A card.",
      levels: [
        { name: "bronze", rules: ["requirement-has-acceptance-criteria"] },
        { name: "silver", rules: ["not-installed"] },
      ],
    });
    const level = refusal(() =>
      ruleGate(factory.standards, { stage: "*", rules: { scorecard: card, level: "silver" } }),
    );
    expect(level).toMatchObject({ id: "not-installed", field: "rules.scorecard.levels[1].rules[0]" });
    expect(level.message).toMatch(/^rule gate "standards:\*": /);
  });

  it("says to install the standards first when there are none, and registers nothing", async () => {
    const error = refusal(() => ruleGate(factory.standards, { stage: "release", rules: ["no-such-rule"] }));

    expect(error.message).toBe(
      'rule gate "standards:release": rules[0] names no rule "no-such-rule" in the standards; known rules: none (install the standards before making the gate)',
    );
    const item = await factory.work.createWorkItem({ line: "checkout", title: "Pay by link", flow: "tiny" });
    expect((await factory.work.advance(item.id)).stage).not.toBe(item.stage);
    expect((await factory.log.read({ types: ["work.gate.failed"] })).length).toBe(0);
  });

  it("uses a pack's rules once they are installed", async () => {
    const pack = defineRulePack({ id: "extra", description: "Installed now.", rules: [notInstalled] });
    factory.standards.add(pack);

    const gate = ruleGate(factory.standards, { stage: "release", rules: pack });

    expect(gate).toMatchObject({ name: "standards:release", stages: ["release"] });
  });
});
