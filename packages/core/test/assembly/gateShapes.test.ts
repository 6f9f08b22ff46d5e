import { type Gate, openAssemblyLine, ValidationError } from "@software-factory/core";
import { afterEach, describe, expect, it } from "vitest";
import { openTestFactory, type TestFactory } from "./fixtures/factory.js";

let factory: TestFactory;
afterEach(async () => {
  await factory?.close();
});

const pass = () => ({ pass: true as const });

describe("gates are checked when registered", () => {
  it("refuses a gate lacking stages, a name or a check, and takes one guarding a stage the pipeline lacks", async () => {
    factory = await openTestFactory();
    const { line } = factory;
    const refusals: [unknown, string][] = [
      [
        { name: "bad-stage", stages: ["design", 7], check: pass },
        "gate is invalid: stages[1]: a stage is a stage's name or *, not 7",
      ],
      [{ name: "no-stages", check: pass }, "gate is invalid: stages: a gate needs the stages it guards"],
      [
        { name: "empty", stages: [], check: pass },
        "gate is invalid: stages: a gate needs the stages it guards",
      ],
      [{ stages: ["design"], check: pass }, "gate is invalid: name: a gate needs a non-empty name"],
      [{ name: "no-check", stages: ["design"] }, "gate is invalid: check: a gate needs a check function"],
    ];
    for (const [gate, message] of refusals) {
      const error = (() => {
        try {
          line.registerGate(gate as Gate);
        } catch (caught) {
          return caught;
        }
      })();
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).message).toContain(message);
    }
    // None was kept: moves still run (a gate without stages made every advance a TypeError).
    const item = await line.createWorkItem({ line: "checkout", title: "Pay by link", flow: "full" });
    expect((await line.advance(item.id)).stage).toBe("requirements");
    line.registerGate({ name: "everywhere", stages: ["*"], check: pass });
    // A factory's shared gates may guard a stage a custom pipeline lacks: taken, never run.
    line.registerGate({
      name: "qa-sign-off",
      stages: ["qa"],
      check: () => ({ pass: false, findings: [{ message: "no" }] }),
    });
    expect((await line.advance(item.id)).stage).toBe("design");
  });

  it("refuses a gate without stages given to openAssemblyLine, naming its index", async () => {
    factory = await openTestFactory();
    const opening = openAssemblyLine({
      log: factory.log,
      gates: [
        { name: "fine", stages: ["design"], check: pass },
        { name: "no-stages", check: pass } as unknown as Gate,
      ],
    });
    await expect(opening).rejects.toBeInstanceOf(ValidationError);
    await expect(opening).rejects.toThrow(
      "assembly line options is invalid: gates[1].stages: a gate needs the stages it guards (intake, requirements",
    );
  });
});
