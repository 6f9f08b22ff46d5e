import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { GateFailedError } from "@software-factory/core";
import {
  basicStandards,
  defaultGates,
  type Factory,
  installBasicStandards,
  openFactory,
} from "@software-factory/intelligence";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

let dir: string;
let factory: Factory;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), "basic-standards-"));
  factory = await openFactory({ dir, actor: "ana", durability: "normal", gates: defaultGates });
  installBasicStandards(factory);
});

afterEach(async () => {
  await factory.close();
  rmSync(dir, { recursive: true, force: true });
});

const findings = async (rule: string) =>
  (await factory.standards.check({ rules: [rule] })).map(
    (finding) => `${finding.target.id}: ${finding.message}`,
  );

describe("basic standards", () => {
  it("is a pack of the basics every factory should meet", () => {
    expect(basicStandards.rules.map((rule) => rule.id)).toEqual([
      "line-has-owner",
      "line-has-description",
      "line-has-paths",
      "no-dependency-cycles",
      "operators-within-capacity",
      "work-has-no-suspect-links",
      "work-is-on-a-plan-line",
      "blocked-work-is-visible",
    ]);
  });

  it("finds a line without an owner, description or code", async () => {
    await factory.floorplan.applyPlan(
      {
        operators: [{ id: "ana" }],
        lines: [{ id: "orphan" }, { id: "owned", owner: "ana", description: "d", paths: ["/src/"] }],
      },
      { mode: "merge", source: "inferred" },
    );

    expect(await findings("line-has-owner")).toEqual(["orphan: line orphan has no owner"]);
    expect(await findings("line-has-description")).toEqual(["orphan: line orphan has no description"]);
    expect(await findings("line-has-paths")).toEqual(["orphan: line orphan claims no code paths"]);
  });

  it("finds a dependency cycle, naming it", async () => {
    await factory.floorplan.applyPlan({
      settings: { cycles: "warning" },
      operators: [{ id: "ana" }],
      lines: [
        { id: "a", owner: "ana", dependsOn: ["b"] },
        { id: "b", owner: "ana", dependsOn: ["a"] },
      ],
    });

    const [cycle] = await findings("no-dependency-cycles");
    expect(cycle).toMatch(/dependency cycle: (a -> b|b -> a)/);
  });

  it("reports a dependency cycle as a warning when the floor plan's settings.cycles says so (its default), as plan check does", async () => {
    const lines = [
      { id: "a", owner: "ana", dependsOn: ["b"] },
      { id: "b", owner: "ana", dependsOn: ["a"] },
    ];
    const check = async () => factory.standards.check({ rules: ["no-dependency-cycles"] });

    await factory.floorplan.applyPlan({ settings: { cycles: "warning" }, operators: [{ id: "ana" }], lines });
    expect((await check()).map((finding) => finding.severity)).toEqual(["warning"]);
    await factory.floorplan.applyPlan({ operators: [{ id: "ana" }], lines });
    const [finding] = await check();
    expect(finding?.severity).toBe("warning");
    expect(finding?.hint).toContain("settings.cycles: error");
  });

  it("names a long dependency cycle's first ten lines and counts the rest, as plan check does, with every line in it", async () => {
    const ring = Array.from({ length: 300 }, (_, index) => ({
      id: `l${index}`,
      owner: "ana",
      dependsOn: [`l${(index + 1) % 300}`],
    }));
    await factory.floorplan.applyPlan({ operators: [{ id: "ana" }], lines: ring });
    const [finding, ...more] = await factory.standards.check({ rules: ["no-dependency-cycles"] });
    expect(more).toEqual([]);
    expect(finding?.message).toBe(
      "dependency cycle: l0 -> l1 -> l2 -> l3 -> l4 -> l5 -> l6 -> l7 -> l8 -> l9 -> ... (290 more) -> l0",
    );
    expect(finding?.lines).toHaveLength(300);
  });

  it("reports open work left on a line the floor plan no longer has, and not done or dropped work", async () => {
    const lines = [
      { id: "checkout", owner: "ana" },
      { id: "search", owner: "ana" },
    ];
    await factory.floorplan.applyPlan({ operators: [{ id: "ana" }], lines });
    const open = await factory.work.createWorkItem({ line: "checkout", title: "Pay by link" });
    const dropped = await factory.work.createWorkItem({ line: "checkout", title: "Old idea" });
    await factory.work.drop(dropped.id, { reason: "not needed" });
    await factory.work.createWorkItem({ line: "search", title: "Facets" });
    expect(await findings("work-is-on-a-plan-line")).toEqual([]);

    await factory.floorplan.applyPlan({
      operators: [{ id: "ana" }],
      lines: [{ id: "search", owner: "ana" }],
    });
    expect(await findings("work-is-on-a-plan-line")).toEqual([
      `${open.id}: work item ${open.id} (Pay by link) is on line checkout, which the floor plan no longer has`,
    ]);
    const [finding] = await factory.standards.check({ rules: ["work-is-on-a-plan-line"] });
    expect(finding?.severity).toBe("error");
  });

  it("keeps work on a suspect link out of release, and lets it pass once the link is reviewed", async () => {
    await factory.floorplan.applyPlan({
      operators: [{ id: "ana" }],
      lines: [{ id: "checkout", owner: "ana" }],
    });
    const item = await factory.work.createWorkItem({ line: "checkout", title: "Pay by link", flow: "tiny" });
    await factory.work.recordArtifact({
      id: "REQ-1",
      kind: "requirement",
      title: "Pay by link",
      fields: { body: "v1" },
    });
    await factory.work.recordArtifact({ id: "TEST-1", kind: "test", title: "pays", workItem: item.id });
    await factory.work.link({ from: "TEST-1", to: "REQ-1", type: "verifies" });
    await factory.work.advance(item.id);
    await factory.work.recordArtifact({
      kind: "changeSet",
      title: "pay by link",
      fields: { commit: "4f2a9c1", paths: ["src/checkout/pay.ts"] },
      workItem: item.id,
    });
    await factory.work.advance(item.id);
    await factory.work.recordArtifact({
      kind: "testEvidence",
      title: "ci run",
      fields: { runId: "ci-1", passed: 3, failed: 0 },
      workItem: item.id,
    });
    await factory.work.recordArtifact({
      id: "REQ-1",
      kind: "requirement",
      title: "Pay by link",
      fields: { body: "v2" },
    });

    expect(await findings("work-has-no-suspect-links")).toHaveLength(1);
    const refused = await factory.work.advance(item.id).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(GateFailedError);
    expect((refused as GateFailedError).findings[0]?.message).toMatch(
      /link TEST-1 verifies REQ-1 is suspect: REQ-1 changed \(v2\)/,
    );

    const [link] = factory.work.suspectLinks({ item: item.id });
    await factory.work.reviewLink(link?.id as string, { verdict: "keep" });
    await factory.work.advance(item.id);
    expect(factory.work.get(item.id)?.stage).toBe("release");
  });
});
