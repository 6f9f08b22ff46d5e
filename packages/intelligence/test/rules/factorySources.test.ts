import type { Artifact, Signal } from "@software-factory/core";
import { defineRule, type Factory } from "@software-factory/intelligence";
import { beforeEach, describe, expect, it } from "vitest";
import { useTempFactories } from "../fixtures/tempFactories.js";

const { folder, open } = useTempFactories();
let factory: Factory;

beforeEach(async () => {
  factory = await open({ dir: folder("factory-sources-"), actor: "ana" });
  await factory.floorplan.applyPlan({
    operators: [{ id: "ana" }],
    lines: [{ id: "checkout", owner: "ana" }],
  });
});

describe("a factory's rule targets", () => {
  it("include artifacts and signals without installing any pack", async () => {
    factory.standards.add(
      defineRule<Artifact, Factory>({
        id: "artifact-has-body",
        description: "An artifact says something.",
        severity: "warning",
        appliesTo: "artifact",
        check: (artifact) =>
          artifact.fields.body === undefined ? [{ message: `${artifact.id} has no body` }] : [],
      }),
      defineRule<Signal, Factory>({
        id: "signal-is-routed",
        description: "A signal has a line.",
        severity: "error",
        appliesTo: "signal",
        check: (signal) => (signal.line === undefined ? [{ message: `${signal.id} has no line` }] : []),
      }),
    );
    const item = await factory.work.createWorkItem({ line: "checkout", title: "Pay by link" });
    await factory.work.recordArtifact({
      id: "REQ-1",
      kind: "requirement",
      title: "Pay by link",
      workItem: item.id,
    });
    const signal = await factory.work.captureSignal({ text: "pay link expired", source: "support" });

    const findings = await factory.standards.check();

    expect(findings.map((finding) => [finding.rule, finding.target.id]).sort()).toEqual([
      ["artifact-has-body", "REQ-1"],
      ["signal-is-routed", signal.id],
    ]);
  });
});
