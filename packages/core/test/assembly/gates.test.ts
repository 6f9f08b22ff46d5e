import { type Gate, GateFailedError, WorkGateFailed } from "@software-factory/core";
import { afterEach, describe, expect, it } from "vitest";
import { openTestFactory, type TestFactory } from "./fixtures/factory.js";

let factory: TestFactory;
afterEach(async () => {
  await factory?.close();
});

/** A test gate: an item may enter design only once it has a requirement artifact. */
const needsRequirement: Gate = {
  name: "has-requirement",
  stages: ["design"],
  check: (_item, ctx) =>
    ctx.artifacts.some((artifact) => artifact.kind === "requirement")
      ? { pass: true }
      : {
          pass: false,
          findings: [{ message: "no requirement recorded", hint: "record one in requirements" }],
        },
};

describe("gates", () => {
  it("blocks entry into a stage with the findings, records the failure, then passes once fixed", async () => {
    factory = await openTestFactory({ gates: [needsRequirement] });
    const { line, log } = factory;
    const item = await line.createWorkItem({ line: "checkout", title: "Pay by link", flow: "full" });
    await line.advance(item.id);
    const error = await line.advance(item.id).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(GateFailedError);
    expect(error).toMatchObject({
      code: "E_GATE_FAILED",
      item: item.id,
      stage: "requirements",
      target: "design",
      findings: [
        { gate: "has-requirement", message: "no requirement recorded", hint: "record one in requirements" },
      ],
    });
    expect((error as GateFailedError).message).toContain("has-requirement: no requirement recorded");
    expect(line.get(item.id)?.stage).toBe("requirements");
    const failures = (await log.read({ types: [WorkGateFailed.type] })).filter(WorkGateFailed.is);
    expect(failures.map((event) => event.data.to)).toEqual(["design"]);

    await line.recordArtifact({
      kind: "requirement",
      title: "Pay by link",
      workItem: item.id,
      fields: { body: "..." },
    });
    expect((await line.advance(item.id)).stage).toBe("design");
  });

  it("runs only the gates of the target stage, collects every failure, and counts a throw as a failure", async () => {
    factory = await openTestFactory();
    const { line } = factory;
    const calls: string[] = [];
    line.registerGate({
      name: "elsewhere",
      stages: ["release"],
      check: () => {
        calls.push("elsewhere");
        return { pass: true };
      },
    });
    line.registerGate({
      name: "any-stage",
      stages: ["*"],
      check: (item, ctx) => {
        calls.push(`any:${ctx.from}->${ctx.to}`);
        return item.title.includes("WIP")
          ? { pass: false, findings: [{ message: "title says WIP" }] }
          : { pass: true };
      },
    });
    const unregister = line.registerGate({
      name: "broken",
      stages: ["requirements"],
      check: () => {
        throw new Error("rule engine down");
      },
    });
    const item = await line.createWorkItem({ line: "checkout", title: "WIP: pay by link" });
    const error = (await line.advance(item.id).catch((caught: unknown) => caught)) as GateFailedError;
    expect(error.findings).toEqual([
      { gate: "any-stage", message: "title says WIP" },
      { gate: "broken", message: "gate threw: rule engine down" },
    ]);
    expect(calls).toEqual(["any:intake->requirements"]);
    unregister();
    const ok = await line.createWorkItem({ line: "checkout", title: "Pay by link" });
    expect((await line.advance(ok.id)).stage).toBe("requirements");
  });
});
