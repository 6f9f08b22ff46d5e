import {
  EvidenceMissingError,
  IllegalTransitionError,
  NotFoundError,
  parsePipeline,
  ValidationError,
} from "@software-factory/core";
import { afterEach, describe, expect, it } from "vitest";
import { changeSet, openTestFactory, type TestFactory, testRun } from "./fixtures/factory.js";

let factory: TestFactory;
afterEach(async () => {
  await factory?.close();
});

const lines = {
  ownerOf: (line: string) => (line === "checkout" ? "olivia" : undefined),
  wipLimitOf: () => undefined,
};

describe("work items", () => {
  it("creates an item in the first stage of its flow, owned by the line's owner", async () => {
    factory = await openTestFactory({ lines });
    const item = await factory.line.createWorkItem({
      line: "checkout",
      title: "Pay by link",
      kind: "feature",
    });
    expect(item).toMatchObject({
      line: "checkout",
      title: "Pay by link",
      kind: "feature",
      flow: "standard",
      stage: "intake",
      state: "active",
      owner: "olivia",
      version: 1,
      createdAt: "2026-03-02T09:00:00.000Z",
    });
    expect(item.id).toMatch(/^wi_/);
    const mine = await factory.line.createWorkItem({
      line: "checkout",
      title: "Refunds",
      owner: "sam",
      flow: "tiny",
    });
    expect(mine.owner).toBe("sam");
    expect(mine.stages).toEqual(["intake", "implementation", "testing", "release"]);
  });

  it("takes a tiny item to done with a change set and passing test evidence", async () => {
    factory = await openTestFactory({ lines });
    const { line } = factory;
    const item = await line.createWorkItem({
      line: "checkout",
      title: "Fix rounding",
      kind: "bug",
      flow: "tiny",
    });
    expect((await line.advance(item.id)).stage).toBe("implementation");
    await line.recordArtifact({
      kind: "changeSet",
      title: "Round half even",
      fields: changeSet,
      workItem: item.id,
    });
    expect((await line.advance(item.id)).stage).toBe("testing");
    await line.recordArtifact({
      kind: "testEvidence",
      title: "CI run",
      fields: testRun(),
      workItem: item.id,
    });
    factory.clock.advance(3_600_000);
    const released = await line.advance(item.id);
    expect(released).toMatchObject({ stage: "release", deliveredAt: "2026-03-02T10:00:00.000Z" });
    const done = await line.complete(item.id);
    expect(done).toMatchObject({ state: "done", closedAt: "2026-03-02T10:00:00.000Z" });
  });

  it("refuses to leave implementation without a change set, naming the item, stage and move", async () => {
    factory = await openTestFactory();
    const { line } = factory;
    const item = await line.createWorkItem({ line: "checkout", title: "Fix rounding", flow: "tiny" });
    await line.advance(item.id);
    const error = await line.advance(item.id).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(EvidenceMissingError);
    expect(error).toMatchObject({
      code: "E_EVIDENCE_MISSING",
      item: item.id,
      stage: "implementation",
      move: "advance",
      missing: ["changeSet"],
    });
    expect(line.get(item.id)?.stage).toBe("implementation");
  });

  it("refuses to leave testing while the latest test evidence has failures", async () => {
    factory = await openTestFactory();
    const { line } = factory;
    const item = await line.createWorkItem({ line: "checkout", title: "Fix rounding", flow: "tiny" });
    await line.advance(item.id);
    await line.recordArtifact({ kind: "changeSet", title: "Change", fields: changeSet, workItem: item.id });
    await line.advance(item.id);
    const run = await line.recordArtifact({
      kind: "testEvidence",
      title: "CI",
      fields: testRun(2),
      workItem: item.id,
    });
    await expect(line.advance(item.id)).rejects.toMatchObject({
      _tag: "EvidenceMissingError",
      missing: ["testEvidence"],
    });
    await line.recordArtifact({ id: run.artifact.id, kind: "testEvidence", title: "CI", fields: testRun(0) });
    expect((await line.advance(item.id)).stage).toBe("release");
  });

  it("rejects evidence artifacts whose fields are malformed, naming the field", async () => {
    factory = await openTestFactory();
    const error = await factory.line
      .recordArtifact({ kind: "changeSet", title: "Change", fields: { commit: "not-a-sha", paths: [] } })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).message).toContain("commit");
    expect((error as ValidationError).message).toContain("paths");
  });

  it("sends an item back with a reason and counts the rework", async () => {
    factory = await openTestFactory();
    const { line } = factory;
    const item = await line.createWorkItem({ line: "checkout", title: "Pay by link", flow: "full" });
    for (let step = 0; step < 3; step++) await line.advance(item.id);
    expect(line.get(item.id)?.stage).toBe("architecture");
    const back = await line.sendBack(item.id, { reason: "design misses offline mode", to: "requirements" });
    expect(back).toMatchObject({ stage: "requirements", sendBacks: 1, reason: "design misses offline mode" });
    expect((await line.sendBack(item.id, { reason: "unclear scope" })).stage).toBe("intake");
  });

  it("rejects a send back without a reason or to a later stage", async () => {
    factory = await openTestFactory();
    const { line } = factory;
    const item = await line.createWorkItem({ line: "checkout", title: "Pay by link" });
    await line.advance(item.id);
    await expect(line.sendBack(item.id, { reason: "  " })).rejects.toThrow(/reason: a reason is required/);
    await expect(line.sendBack(item.id, { reason: "why not", to: "testing" })).rejects.toBeInstanceOf(
      ValidationError,
    );
    const first = await line.createWorkItem({ line: "checkout", title: "Other" });
    await expect(line.sendBack(first.id, { reason: "nothing before intake" })).rejects.toMatchObject({
      _tag: "IllegalTransitionError",
      stage: "intake",
      move: "sendBack",
    });
  });

  it("blocks and unblocks, and a blocked item cannot advance", async () => {
    factory = await openTestFactory();
    const { line } = factory;
    const item = await line.createWorkItem({ line: "checkout", title: "Pay by link" });
    const blocked = await line.block(item.id, { reason: "waiting for the PSP sandbox" });
    expect(blocked).toMatchObject({ state: "blocked", reason: "waiting for the PSP sandbox" });
    const error = await line.advance(item.id).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(IllegalTransitionError);
    expect(error).toMatchObject({
      code: "E_ILLEGAL_TRANSITION",
      item: item.id,
      stage: "intake",
      state: "blocked",
      move: "advance",
    });
    await expect(line.block(item.id, { reason: "again" })).rejects.toBeInstanceOf(IllegalTransitionError);
    expect((await line.unblock(item.id)).state).toBe("active");
    await expect(line.unblock(item.id)).rejects.toBeInstanceOf(IllegalTransitionError);
    expect((await line.advance(item.id)).stage).toBe("requirements");
  });

  it("drops active or blocked items, and nothing moves a dropped or done item", async () => {
    factory = await openTestFactory();
    const { line } = factory;
    const item = await line.createWorkItem({ line: "checkout", title: "Pay by link" });
    await line.block(item.id, { reason: "customer churned" });
    expect((await line.drop(item.id, { reason: "customer churned" })).state).toBe("dropped");
    for (const move of [
      () => line.advance(item.id),
      () => line.unblock(item.id),
      () => line.drop(item.id, { reason: "twice" }),
      () => line.complete(item.id),
      () => line.sendBack(item.id, { reason: "no" }),
    ]) {
      await expect(move()).rejects.toBeInstanceOf(IllegalTransitionError);
    }
  });

  it("completes only at the last stage of the flow", async () => {
    factory = await openTestFactory();
    const { line } = factory;
    const item = await line.createWorkItem({ line: "checkout", title: "Pay by link", flow: "tiny" });
    await expect(line.complete(item.id)).rejects.toMatchObject({
      _tag: "IllegalTransitionError",
      move: "complete",
    });
    await line.advance(item.id);
    await line.recordArtifact({ kind: "changeSet", title: "Change", fields: changeSet, workItem: item.id });
    await line.advance(item.id);
    await line.recordArtifact({ kind: "testEvidence", title: "CI", fields: testRun(), workItem: item.id });
    await line.advance(item.id);
    await expect(line.advance(item.id)).rejects.toThrow(/last stage of flow "tiny"; complete it instead/);
    expect((await line.complete(item.id)).state).toBe("done");
    await expect(line.complete(item.id)).rejects.toBeInstanceOf(IllegalTransitionError);
  });

  it("fails with NotFoundError for an unknown item and ValidationError for an unknown flow", async () => {
    factory = await openTestFactory();
    await expect(factory.line.advance("wi_nope")).rejects.toBeInstanceOf(NotFoundError);
    await expect(factory.line.createWorkItem({ line: "checkout", title: "x", flow: "huge" })).rejects.toThrow(
      /flow: unknown flow "huge"; flows: tiny, standard, full/,
    );
    await expect(factory.line.createWorkItem({ line: "", title: "" })).rejects.toThrow(
      /line: .*title: title must not be empty/,
    );
  });

  it("rebuilds the same items when another process opens the log", async () => {
    factory = await openTestFactory({ lines });
    const item = await factory.line.createWorkItem({ line: "checkout", title: "Pay by link" });
    await factory.line.advance(item.id);
    await factory.line.assign(item.id, { contributors: ["sam"] });
    const { line } = await factory.reopen();
    expect(line.get(item.id)).toEqual(factory.line.get(item.id));
    expect(line.get(item.id)).toMatchObject({
      stage: "requirements",
      owner: "olivia",
      contributors: ["sam"],
      version: 3,
    });
  });
});

describe("parsePipeline", () => {
  it("names every problem of a bad configuration", () => {
    const error = (() => {
      try {
        parsePipeline(
          {
            stages: [{ name: "intake" }, { name: "build" }, { name: "build" }],
            flows: { quick: ["build", "intake", "qa"] },
            defaultFlow: "slow",
          },
          "factory.yaml",
        );
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(ValidationError);
    const paths = (error as ValidationError).issues.map((issue) => issue.path);
    expect(paths).toEqual(["stages[2].name", "flows.quick[1]", "flows.quick[2]", "defaultFlow"]);
    expect((error as ValidationError).message).toContain('factory.yaml flows.quick[2]: unknown stage "qa"');
  });

  it("lets a factory rename, drop and add stages", () => {
    const pipeline = parsePipeline({
      stages: [
        { name: "triage", wip: false },
        { name: "build", exitRequires: ["changeSet"] },
        { name: "ship" },
      ],
      flows: { only: ["triage", "build", "ship"] },
      defaultFlow: "only",
      deliveryStage: "ship",
    });
    expect(pipeline.stages.map((stage) => [stage.name, stage.wip])).toEqual([
      ["triage", false],
      ["build", true],
      ["ship", true],
    ]);
  });
});
