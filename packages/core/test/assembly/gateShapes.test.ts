import { type Gate, openAssemblyLine, ValidationError } from "@software-factory/core";
import { afterEach, describe, expect, it } from "vitest";
import { openTestFactory, type TestFactory } from "./fixtures/factory.js";

let factory: TestFactory;
afterEach(async () => {
  await factory?.close();
});

const pass = () => ({ pass: true as const });

describe("gates are checked when registered", () => {
  it("refuses a gate naming a stage the pipeline lacks, or lacking stages, a name or a check", async () => {
    factory = await openTestFactory();
    const { line } = factory;
    const refusals: [unknown, string][] = [
      [
        { name: "qa-sign-off", stages: ["qa"], check: pass },
        'gate is invalid: stages[0]: unknown stage "qa"',
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
    expect((await line.advance(item.id)).stage).toBe("design");
  });

  it("refuses such a gate given to openAssemblyLine, naming its index", async () => {
    factory = await openTestFactory();
    const opening = openAssemblyLine({
      log: factory.log,
      gates: [
        { name: "fine", stages: ["design"], check: pass },
        { name: "qa-sign-off", stages: ["design", "qa"], check: pass },
      ],
    });
    await expect(opening).rejects.toBeInstanceOf(ValidationError);
    await expect(opening).rejects.toThrow(
      'assembly line options is invalid: gates[1].stages[1]: unknown stage "qa"; stages: intake, requirements',
    );
  });
});
