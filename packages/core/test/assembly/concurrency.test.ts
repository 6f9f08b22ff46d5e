import { writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  ConcurrencyConflictError,
  openAssemblyLine,
  ValidationError,
  WorkAdvanced,
} from "@software-factory/core";
import { afterEach, describe, expect, it, vi } from "vitest";
import { spawnFixture, waitForExit, waitForOutput } from "../fixtures/runChild.js";
import { openTestFactory, type TestFactory } from "./fixtures/factory.js";

let factory: TestFactory;
afterEach(async () => {
  await factory?.close();
});

describe("concurrent moves", () => {
  it("lets exactly one of two processes advance the same item", async () => {
    factory = await openTestFactory();
    const item = await factory.line.createWorkItem({ line: "checkout", title: "Pay by link" });
    const start = join(factory.dir, "start");
    const fixture = join(import.meta.dirname, "fixtures", "mover.ts");
    const children = ["ann", "ben"].map((actor) =>
      spawnFixture(fixture, [factory.path, actor, item.id, start]),
    );
    const exits = children.map((child) => waitForExit(child));
    // Generous: starting two TypeScript processes on a loaded machine can take a while.
    await Promise.all(children.map((child) => waitForOutput(child, "ready", 150_000)));
    writeFileSync(start, "go");
    const results = await Promise.all(exits);
    const outputs = results.map((result) => result.stdout.trim().split("\n").at(-1));
    expect(
      results.map((result) => result.code),
      JSON.stringify(results),
    ).toEqual([0, 0]);
    expect(
      outputs.filter((line) => line === "won requirements"),
      JSON.stringify(outputs),
    ).toHaveLength(1);
    expect(outputs.filter((line) => line === "lost ConcurrencyConflictError")).toHaveLength(1);

    await factory.line.refresh();
    expect(factory.line.get(item.id)).toMatchObject({ stage: "requirements", version: 2 });
    const advances = (await factory.log.read({ types: [WorkAdvanced.type] })).filter(WorkAdvanced.is);
    expect(advances).toHaveLength(1);
  }, 180_000);

  it("rejects a move made against a version that is no longer current", async () => {
    factory = await openTestFactory();
    const item = await factory.line.createWorkItem({ line: "checkout", title: "Pay by link" });
    const { line: other } = await factory.reopen();
    await other.advance(item.id);
    // A version already passed stays passed: the move fails at once instead of
    // pausing between retries (with timers frozen, a pause would never end).
    vi.useFakeTimers({ toFake: ["setTimeout"] });
    const error = await factory.line
      .advance(item.id, { expectedVersion: 1 })
      .catch((caught: unknown) => caught)
      .finally(() => vi.useRealTimers());
    expect(error).toBeInstanceOf(ConcurrencyConflictError);
    expect((error as Error).message).toContain(`work item ${item.id} changed while trying to advance it`);
  });

  it("refuses a retry count that is not a whole number from 0 to 1000, naming the option", async () => {
    factory = await openTestFactory();
    for (const maxRetries of [-1, 1.5, Number.NaN, 1e6]) {
      const error = await openAssemblyLine({ log: factory.log, maxRetries }).catch(
        (caught: unknown) => caught,
      );
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as Error).message).toMatch(/^assembly line options is invalid: maxRetries: /);
    }
  });

  it("retries a move when unrelated writes land between its decision and its append", async () => {
    factory = await openTestFactory();
    const { line } = factory;
    const a = await line.createWorkItem({ line: "checkout", title: "A" });
    const b = await line.createWorkItem({ line: "checkout", title: "B" });
    const [movedA, movedB, signal] = await Promise.all([
      line.advance(a.id),
      line.advance(b.id),
      line.captureSignal({ text: "Slow checkout", source: "support" }),
    ]);
    expect(movedA).toMatchObject({ stage: "requirements", version: 2 });
    expect(movedB).toMatchObject({ stage: "requirements", version: 2 });
    expect(line.signal(signal.id)?.text).toBe("Slow checkout");
  });
});
