import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { GateFailedError, type WorkItem } from "@software-factory/core";
import type { LineInfo } from "@software-factory/floorplan";
import {
  builtinStandards,
  defineRule,
  defineScorecard,
  type Factory,
  type Finding,
  installBuiltinStandards,
  openFactory,
  ruleGate,
} from "@software-factory/intelligence";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

let dir: string;
let factory: Factory;

const noCriteria = "The system shall email a payment link.";
const withCriteria = [
  "The system shall email a payment link.",
  "",
  "## Acceptance criteria",
  "- Given a cart, when the customer picks pay by link, then an email with the link is sent",
].join("\n");

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), "factory-rule-gate-"));
  factory = await openFactory({ dir, actor: "ana" });
  await factory.floorplan.applyPlan({
    product: { id: "shop" },
    operators: [{ id: "ana" }],
    lines: [{ id: "checkout", owner: "ana", paths: ["/src/checkout/"] }],
  });
  installBuiltinStandards(factory);
});

afterEach(async () => {
  await factory.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A tiny-flow item with a requirement, brought to the testing stage with its evidence, one step before release. */
async function itemBeforeRelease(requirement: string): Promise<WorkItem> {
  const item = await factory.work.createWorkItem({
    line: "checkout",
    title: "Pay by link",
    kind: "feature",
    flow: "tiny",
  });
  await factory.work.recordArtifact({
    id: "REQ-1",
    kind: "requirement",
    title: "Pay by link",
    fields: { body: requirement },
    workItem: item.id,
  });
  await factory.work.advance(item.id);
  await factory.work.recordArtifact({
    kind: "changeSet",
    title: "Send payment links",
    fields: { commit: "abc1234", paths: ["src/checkout/link.ts"] },
    workItem: item.id,
  });
  await factory.work.advance(item.id);
  await factory.work.recordArtifact({
    kind: "testEvidence",
    title: "CI run 7",
    fields: { runId: "7", passed: 12, failed: 0 },
    workItem: item.id,
  });
  return factory.work.get(item.id) as WorkItem;
}

async function refusal(move: Promise<unknown>): Promise<GateFailedError> {
  const error = await move.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(GateFailedError);
  return error as GateFailedError;
}

describe("ruleGate", () => {
  it("refuses entry to release while a rule fails, with the findings, and lets the item in once fixed", async () => {
    factory.work.registerGate(ruleGate(factory.standards, { stage: "release", rules: builtinStandards }));
    const item = await itemBeforeRelease(noCriteria);
    const error = await refusal(factory.work.advance(item.id));
    expect(error.target).toBe("release");
    expect(error.findings).toEqual([
      {
        gate: "standards:release",
        message:
          "requirement-has-acceptance-criteria (error): requirement REQ-1 (Pay by link) has no acceptance criteria",
        hint: "add an `## Acceptance criteria` section of Given/When/Then items, or an acceptanceCriteria list",
      },
    ]);
    expect(factory.work.get(item.id)?.stage).toBe("testing");
    const failures = await factory.log.read({ types: ["work.gate.failed"], subjects: [item.id] });
    expect(failures).toHaveLength(1);

    await factory.work.recordArtifact({
      id: "REQ-1",
      kind: "requirement",
      title: "Pay by link",
      fields: { body: withCriteria },
    });
    expect((await factory.work.advance(item.id)).stage).toBe("release");
  });

  it("does not guard the stages it was not bound to", async () => {
    factory.work.registerGate(ruleGate(factory.standards, { stage: "release", rules: builtinStandards }));
    const item = await factory.work.createWorkItem({
      line: "checkout",
      title: "Gift cards",
      kind: "feature",
      flow: "tiny",
    });
    await factory.work.recordArtifact({
      id: "REQ-2",
      kind: "requirement",
      title: "Gift cards",
      fields: { body: "" },
      workItem: item.id,
    });
    expect((await factory.work.advance(item.id)).stage).toBe("implementation");
  });

  it("lets warnings pass and hands them to onAdvice, unless the gate blocks on warnings", async () => {
    const advice: Finding[] = [];
    const unregister = factory.work.registerGate(
      ruleGate(factory.standards, {
        stage: "release",
        rules: ["requirement-has-acceptance-criteria", "requirement-follows-ears"],
        onAdvice: (_item, findings) => advice.push(...findings),
      }),
    );
    const notEars = withCriteria.replace("The system shall", "Customers shall get");
    const item = await itemBeforeRelease(notEars);
    const strict = factory.work.registerGate(
      ruleGate(factory.standards, {
        stage: "release",
        rules: ["requirement-follows-ears"],
        severity: "warning",
        name: "ears",
      }),
    );
    const error = await refusal(factory.work.advance(item.id));
    expect(error.findings.map((finding) => finding.gate)).toEqual(["ears"]);
    expect(error.findings[0]?.message).toContain("requirement-follows-ears (warning)");
    expect(advice.map((finding) => [finding.rule, finding.severity])).toEqual([
      ["requirement-follows-ears", "warning"],
    ]);

    strict();
    expect((await factory.work.advance(item.id)).stage).toBe("release");
    expect(advice).toHaveLength(2);
    unregister();
  });

  it("runs work item rules and the rules of a scorecard level and the levels below", async () => {
    factory.standards.add(
      defineRule<WorkItem>({
        id: "work-item-title-is-short",
        description: "A work item's title fits in 20 characters.",
        severity: "error",
        appliesTo: "workItem",
        check: (item) =>
          item.title.length <= 20 ? [] : [{ message: `work item ${item.id} has a title over 20 characters` }],
      }),
    );
    const readiness = defineScorecard({
      id: "release-readiness",
      description: "Ready to ship.",
      levels: [
        { name: "bronze", rules: ["work-item-title-is-short"] },
        { name: "silver", rules: ["requirement-has-acceptance-criteria"] },
      ],
    });
    const bronze = factory.work.registerGate(
      ruleGate(factory.standards, { stage: "release", rules: { scorecard: readiness, level: "bronze" } }),
    );
    const item = await itemBeforeRelease(noCriteria);
    await factory.work.assign(item.id, { owner: "ana" });
    expect((await factory.work.advance(item.id)).stage).toBe("release");
    bronze();

    factory.work.registerGate(
      ruleGate(factory.standards, { stage: "release", rules: { scorecard: readiness, level: "silver" } }),
    );
    const long = await factory.work.createWorkItem({
      line: "checkout",
      title: "Pay by link for returning customers",
      kind: "feature",
      flow: "tiny",
    });
    await factory.work.recordArtifact({
      id: "REQ-9",
      kind: "requirement",
      title: "Returning",
      fields: { body: noCriteria },
      workItem: long.id,
    });
    await factory.work.advance(long.id);
    await factory.work.recordArtifact({
      kind: "changeSet",
      title: "c",
      fields: { commit: "abc1235", paths: ["a.ts"] },
      workItem: long.id,
    });
    await factory.work.advance(long.id);
    await factory.work.recordArtifact({
      kind: "testEvidence",
      title: "t",
      fields: { runId: "8", passed: 1, failed: 0 },
      workItem: long.id,
    });
    const error = await refusal(factory.work.advance(long.id));
    expect(error.findings.map((finding) => finding.message.split(" ")[0])).toEqual([
      "work-item-title-is-short",
      "requirement-has-acceptance-criteria",
    ]);
  });

  it("checks the item's line with the line rules of a scorecard level", async () => {
    const lineHasDescription = defineRule<LineInfo>({
      id: "line-has-description",
      description: "Every line says what it is for.",
      severity: "error",
      appliesTo: "line",
      check: (line) =>
        line.description === undefined || line.description === ""
          ? [{ message: `line ${line.id} has no description`, hint: "describe the line in the floor plan" }]
          : [],
    });
    factory.standards.add(lineHasDescription);
    const card = defineScorecard({
      id: "documented",
      description: "Lines say what they do.",
      levels: [{ name: "bronze", rules: ["line-has-description"] }],
    });
    factory.work.registerGate(
      ruleGate(factory.standards, { stage: "release", rules: { scorecard: card, level: "bronze" } }),
    );
    const item = await itemBeforeRelease(withCriteria);
    const error = await refusal(factory.work.advance(item.id));
    expect(error.findings.map((finding) => finding.message)).toEqual([
      "line-has-description (error): line checkout has no description",
    ]);
    await factory.floorplan.applyPlan({
      product: { id: "shop" },
      operators: [{ id: "ana" }],
      lines: [{ id: "checkout", owner: "ana", description: "Cart and payment", paths: ["/src/checkout/"] }],
    });
    expect((await factory.work.advance(item.id)).stage).toBe("release");
  });

  it("refuses an unknown scorecard level and an unknown rule id at once, naming them", async () => {
    const card = defineScorecard({
      id: "card",
      description: "A card.",
      levels: [{ name: "bronze", rules: [] }],
    });
    expect(() =>
      ruleGate(factory.standards, { stage: "release", rules: { scorecard: card, level: "gold" } }),
    ).toThrow('scorecard "card" has no level "gold"; its levels: bronze');
    expect(() => ruleGate(factory.standards, { stage: [] })).toThrow(/rule gate options is invalid: stage/);
    expect(() => ruleGate(factory.standards, { stage: "release", rules: ["no-such-rule"] })).toThrow(
      /^rule gate "standards:release": rules\[0\] names no rule "no-such-rule" in the standards; known rules: /,
    );
  });
});
