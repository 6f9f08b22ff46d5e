/**
 * `ruleGate`: a gate that runs rules of the standards when a work item enters
 * a stage, refusing entry on errors (and, if asked, warnings). Made with a
 * rule it does not know, it is refused with a NotFoundError; made with a rule
 * over a kind it never checks (documents, signals, the floor plan), with a
 * ValidationError; both name the gate, the rule and where it was named.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { GateFailedError, NotFoundError, ValidationError, type WorkItem } from "@software-factory/core";
import type { LineInfo } from "@software-factory/floorplan";
import {
  builtinStandards,
  defineRule,
  defineRulePack,
  defineScorecard,
  type Factory,
  type Finding,
  installBasicStandards,
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

// A factory with one line, `checkout`, owned by `ana`, and no standards yet: each block installs its own.
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), "factory-rule-gate-"));
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

/**
 * A tiny-flow item with a requirement (`ref`, titled as the item), brought to the testing stage with its
 * evidence, one step before release.
 */
async function itemBeforeRelease(
  requirement: string,
  { title = "Pay by link", ref = "REQ-1" }: { title?: string; ref?: string } = {},
): Promise<WorkItem> {
  const item = await factory.work.createWorkItem({ line: "checkout", title, kind: "feature", flow: "tiny" });
  await factory.work.recordArtifact({
    id: ref,
    kind: "requirement",
    title,
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

/** What a move of a work item was refused with: a GateFailedError. */
async function gateFailure(move: Promise<unknown>): Promise<GateFailedError> {
  const error = await move.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(GateFailedError);
  return error as GateFailedError;
}

/** What making a gate threw, checked to be an instance of `type`. */
function refusal<E>(make: () => unknown, type: abstract new (...args: never[]) => E): E {
  let error: unknown;
  try {
    make();
  } catch (thrown) {
    error = thrown;
  }
  expect(error).toBeInstanceOf(type);
  return error as E;
}

describe("ruleGate", () => {
  beforeEach(() => {
    installBuiltinStandards(factory);
  });

  it("refuses entry to release while a rule fails, with the findings, and lets the item in once fixed", async () => {
    factory.work.registerGate(ruleGate(factory.standards, { stage: "release", rules: builtinStandards }));
    const item = await itemBeforeRelease(noCriteria);
    const error = await gateFailure(factory.work.advance(item.id));
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
    const error = await gateFailure(factory.work.advance(item.id));
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
    const long = await itemBeforeRelease(noCriteria, {
      title: "Pay by link for returning customers",
      ref: "REQ-9",
    });
    const error = await gateFailure(factory.work.advance(long.id));
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
    const error = await gateFailure(factory.work.advance(item.id));
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

describe("a rule gate naming an unknown rule", () => {
  const notInstalled = defineRule({
    id: "not-installed",
    description: "A rule nobody added to the standards.",
    severity: "error",
    appliesTo: "workItem",
    check: () => [],
  });

  it("is a NotFoundError naming the gate, the rule id and its place, for ids, packs and scorecard levels", () => {
    installBuiltinStandards(factory);
    const byId = refusal(
      () =>
        ruleGate(factory.standards, {
          stage: "release",
          name: "release-standards",
          rules: ["requirement-has-acceptance-criteria", "no-such-rule"],
        }),
      NotFoundError,
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
    expect(
      refusal(() => ruleGate(factory.standards, { stage: "testing", rules: pack }), NotFoundError),
    ).toMatchObject({
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
    const level = refusal(
      () => ruleGate(factory.standards, { stage: "*", rules: { scorecard: card, level: "silver" } }),
      NotFoundError,
    );
    expect(level).toMatchObject({ id: "not-installed", field: "rules.scorecard.levels[1].rules[0]" });
    expect(level.message).toMatch(/^rule gate "standards:\*": /);
  });

  it("says to install the standards first when there are none, and registers nothing", async () => {
    const error = refusal(
      () => ruleGate(factory.standards, { stage: "release", rules: ["no-such-rule"] }),
      NotFoundError,
    );

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

describe("a rule gate naming a rule it would never run", () => {
  beforeEach(() => {
    installBuiltinStandards(factory);
    installBasicStandards(factory);
  });

  it("refuses a document rule named by id, naming the gate, the rule, its appliesTo and its place", () => {
    const error = refusal(
      () =>
        ruleGate(factory.standards, {
          stage: "release",
          name: "release-standards",
          rules: ["requirement-has-acceptance-criteria", "recorded-decision-is-complete"],
        }),
      ValidationError,
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
    const error = refusal(
      () => ruleGate(factory.standards, { stage: "release", rules: { scorecard: card, level: "silver" } }),
      ValidationError,
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
