import { ValidationError } from "@software-factory/core";
import { afterEach, describe, expect, it } from "vitest";
import { openTestFactory, type TestFactory } from "./fixtures/factory.js";

let factory: TestFactory;
afterEach(async () => {
  await factory?.close();
});

/** The message of the ValidationError a call throws; fails the test otherwise. */
async function refusal(call: () => unknown): Promise<string> {
  const error = await (async () => call())().then(
    () => expect.fail("the call should have been refused"),
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(ValidationError);
  return (error as ValidationError).message;
}

describe("filter values of the reads", () => {
  it("refuses a state that is none, a stage the pipeline lacks and values of the wrong type, rather than answering nothing", async () => {
    factory = await openTestFactory();
    const { line } = factory;
    await line.createWorkItem({ line: "checkout", title: "Pay by link" });
    expect(line.list({ state: "active", stage: "intake" })).toHaveLength(1);
    expect(await refusal(() => line.list({ state: "activ" } as never))).toContain(
      'work item filter is invalid: state: must be one of "active", "blocked", "done", "dropped"',
    );
    expect(await refusal(() => line.list({ stage: "qa" }))).toBe(
      'work item filter is invalid: stage: unknown stage "qa"; stages: intake, requirements, design, architecture, implementation, testing, release, operate',
    );
    expect(await refusal(() => line.incidents({ open: "yes" } as never))).toContain(
      "incident filter is invalid: open: must be true or false, not a string",
    );
    expect(await refusal(() => line.deployments({ environment: 5 } as never))).toContain(
      "deployment filter is invalid: environment: must be a string, not a number",
    );
    expect(await refusal(() => line.suspectLinks({ item: ["wi_1"] } as never))).toContain(
      "suspect link scope is invalid: item: must be a string, not a list",
    );
    expect(await refusal(() => line.walk("REQ-1", "sideways" as never))).toContain(
      'a call of walk is invalid: direction: must be one of "upstream", "downstream", "both"',
    );
  });

  it("refuses a misspelt option of routeSignal instead of dropping it", async () => {
    factory = await openTestFactory();
    const { line, log } = factory;
    const signal = await line.captureSignal({ text: "Cards get declined", source: "support" });
    const head = await log.head();
    expect(await refusal(() => line.routeSignal(signal.id, "checkout", { actr: "olivia" } as never))).toBe(
      'signal routing options is invalid: (root): unknown key "actr"; the keys are actor',
    );
    expect(await log.head()).toEqual(head);
    expect((await line.routeSignal(signal.id, "checkout", { actor: "olivia" })).routedBy).toBe("olivia");
  });
});
