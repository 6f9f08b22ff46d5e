/**
 * A typo'd key on a write is refused with a ValidationError naming it and the
 * keys the input takes, and nothing is written; before, the key was dropped
 * and the write landed without it (a flow, signals, a line).
 */
import { afterEach, describe, expect, it } from "vitest";
import { openTestFactory, refusedWrite, type TestFactory } from "./fixtures/factory.js";

let factory: TestFactory;
afterEach(async () => {
  await factory?.close();
});

/** The `ValidationError` of a write refused without moving the log. */
const refused = (write: () => Promise<unknown>) => refusedWrite(factory, write);

describe("write inputs with an unknown key", () => {
  it("refuses a work item with flw for flow, naming the key and the keys it takes", async () => {
    factory = await openTestFactory();
    const error = await refused(() =>
      factory.line.createWorkItem({ line: "checkout", title: "x", flw: "tiny" } as never),
    );
    expect(error.message).toBe(
      'work item is invalid: (root): unknown key "flw"; the keys are line, title, kind, flow, owner, contributors, signals',
    );
    expect(error.issues).toEqual([
      {
        path: "",
        message: 'unknown key "flw"; the keys are line, title, kind, flow, owner, contributors, signals',
      },
    ]);
    expect(factory.line.list({})).toEqual([]);
  });

  it("refuses a work item with signal for signals", async () => {
    factory = await openTestFactory();
    const signal = await factory.line.captureSignal({ text: "Refunds take a week", source: "sales" });
    const error = await refused(() =>
      factory.line.createWorkItem({ line: "checkout", title: "x", signal: [signal.id] } as never),
    );
    expect(error.message).toContain('unknown key "signal"');
    expect(factory.line.signal(signal.id)?.workItems).toEqual([]);
  });

  it("refuses a signal with lnie for line", async () => {
    factory = await openTestFactory();
    const error = await refused(() =>
      factory.line.captureSignal({ text: "Checkout is slow", source: "support", lnie: "checkout" } as never),
    );
    expect(error.message).toBe(
      'signal is invalid: (root): unknown key "lnie"; the keys are text, source, customer, severity, line, actor',
    );
  });

  it("refuses an unknown key in a move's options and in its nested overrideWip", async () => {
    factory = await openTestFactory();
    const item = await factory.line.createWorkItem({ line: "checkout", title: "x" });
    const options = await refused(() => factory.line.advance(item.id, { idempotencykey: "k1" } as never));
    expect(options.message).toContain('unknown key "idempotencykey"');
    const nested = await refused(() =>
      factory.line.advance(item.id, { overrideWip: { reason: "hotfix", reasn: "x" } } as never),
    );
    expect(nested.issues).toEqual([
      { path: "overrideWip", message: 'unknown key "reasn"; the keys are reason' },
    ]);
  });

  it("still writes an input with only known keys", async () => {
    factory = await openTestFactory();
    const item = await factory.line.createWorkItem({ line: "checkout", title: "x", kind: "bug" });
    expect(item).toMatchObject({ line: "checkout", title: "x", kind: "bug" });
  });
});

describe("measure options with an unknown key", () => {
  it("refuses lines for line and a misspelt yield switch, rather than measuring without them", async () => {
    factory = await openTestFactory();
    const window = { from: "2026-03-01", to: "2026-04-01" };
    await expect(factory.line.measures({ ...window, lines: ["checkout"] } as never)).rejects.toMatchObject({
      _tag: "ValidationError",
      message:
        'measure options is invalid: (root): unknown key "lines"; the keys are from, to, line, operator, environment, yield',
    });
    await expect(
      factory.line.measures({ ...window, yield: { sendback: false } } as never),
    ).rejects.toMatchObject({
      _tag: "ValidationError",
      issues: [
        {
          path: "yield",
          message: 'unknown key "sendback"; the keys are gateFailures, sendBacks, adaptedLinks',
        },
      ],
    });
    await expect(factory.line.measures({ ...window, line: "checkout" })).resolves.toMatchObject({
      scope: { line: "checkout" },
    });
  });
});

describe("read filters with an unknown key", () => {
  it("refuses lines for line and the like, naming the key and the keys, rather than answering for everything", async () => {
    factory = await openTestFactory();
    await factory.line.createWorkItem({ line: "checkout", title: "x" });
    expect(() => factory.line.list({ lines: ["payments"] } as never)).toThrow(
      'work item filter is invalid: (root): unknown key "lines"; the keys are line, state, stage, owner',
    );
    expect(() => factory.line.signals({ lines: ["payments"] } as never)).toThrow(
      'signal filter is invalid: (root): unknown key "lines"; the keys are line',
    );
    expect(() => factory.line.suspectLinks({ items: ["wi_1"] } as never)).toThrow(
      'suspect link scope is invalid: (root): unknown key "items"; the keys are item, line',
    );
    expect(() => factory.line.deployments({ env: "staging" } as never)).toThrow(
      'deployment filter is invalid: (root): unknown key "env"; the keys are environment, line',
    );
    expect(() => factory.line.incidents({ resolved: false } as never)).toThrow(
      'incident filter is invalid: (root): unknown key "resolved"; the keys are open, line',
    );
    expect(factory.line.list({ line: "checkout" })).toHaveLength(1);
  });
});
