import { ValidationError } from "@software-factory/core";
import { afterEach, describe, expect, it } from "vitest";
import { openTestFactory, type TestFactory } from "./fixtures/factory.js";
import { failure } from "./fixtures/failures.js";

let factory: TestFactory;
afterEach(async () => {
  await factory?.close();
});

describe("artifact inputs", () => {
  it("refuses fields the log cannot keep with a ValidationError naming the field, writing nothing", async () => {
    factory = await openTestFactory();
    const { line, log } = factory;
    const head = await log.head();
    const cyclic: Record<string, unknown> = { name: "loop" };
    cyclic.self = cyclic;
    const cases: [Record<string, unknown>, string][] = [
      [{ body: { cyclic } }, "artifact is invalid: fields.body.cyclic"],
      [{ size: 10n }, "artifact is invalid: fields.size: is a BigInt"],
      [{ at: new Date(0) }, "artifact is invalid: fields.at: a Date is not stored as written"],
    ];
    for (const [fields, message] of cases) {
      const error = await failure(() => line.recordArtifact({ kind: "requirement", title: "Login", fields }));
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).message).toContain(message);
    }
    expect(await log.head()).toEqual(head);
  });

  it("refuses a new artifact whose id is a work item's or a signal's: a link to it would mean either", async () => {
    factory = await openTestFactory();
    const { line } = factory;
    const item = await line.createWorkItem({ line: "checkout", title: "Pay by link" });
    const signal = await line.captureSignal({ text: "Cards get declined", source: "support" });
    for (const [id, what] of [
      [item.id, "work item"],
      [signal.id, "signal"],
    ]) {
      const error = await failure(() => line.recordArtifact({ id, kind: "requirement", title: "Login" }));
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).message).toBe(
        `artifact is invalid: id: "${id}" is a ${what}'s id; an artifact needs an id of its own`,
      );
      expect(line.artifact(id as string)).toBeUndefined();
    }
  });

  it("refuses a kind a letter or two from a known one, which no stage gate would count, and takes a kind of its own", async () => {
    factory = await openTestFactory();
    const { line, log } = factory;
    const head = await log.head();
    for (const [kind, meant] of [
      ["changeset", "changeSet"],
      ["requirment", "requirement"],
      ["designs", "design"],
    ]) {
      const error = await failure(() => line.recordArtifact({ kind: kind as string, title: "Login" }));
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).message).toContain(
        `artifact is invalid: kind: "${kind}" is not a known artifact kind: did you mean "${meant}"?`,
      );
    }
    expect(await log.head()).toEqual(head);
    const runbook = await line.recordArtifact({ kind: "runbook", title: "Restart the queue" });
    expect(runbook.artifact.kind).toBe("runbook");
  });

  it("refuses a batch that is no list", async () => {
    factory = await openTestFactory();
    const { line } = factory;
    const artifacts = await failure(() => line.recordArtifacts({ kind: "requirement" } as never));
    expect(artifacts).toBeInstanceOf(ValidationError);
    expect((artifacts as ValidationError).message).toBe(
      "a call of recordArtifacts is invalid: inputs: must be a list of artifact inputs",
    );
    const links = await failure(() => line.linkAll({ from: "a", to: "b" } as never));
    expect(links).toBeInstanceOf(ValidationError);
    expect((links as ValidationError).message).toBe(
      "a call of linkAll is invalid: inputs: must be a list of trace link inputs",
    );
  });
});
