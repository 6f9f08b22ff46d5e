import {
  ArtifactRecorded,
  defineEvent,
  type EventLog,
  type LineDirectory,
  NotFoundError,
  SignalCaptured,
  SignalRouted,
  startProjection,
  WorkCreated,
} from "@software-factory/core";
import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { openTestFactory, type TestFactory } from "./fixtures/factory.js";

let factory: TestFactory;
afterEach(async () => {
  await factory?.close();
});

/** A line retired in the floor plan, as another process records it. */
const LineRetired = defineEvent("test.line.retired", z.object({}));

/**
 * A line directory folded from the log, like the floor plan. `retireOnNextRefresh`
 * has another log on the same file retire a line right after the next refresh
 * has read the directory: between the writer's line check and its append.
 */
async function retiringDirectory(reader: EventLog, retirer: EventLog) {
  const retired = new Set<string>();
  const projection = await startProjection(reader, {
    types: [LineRetired.type],
    live: false,
    apply: (event) => retired.add(event.subject),
  });
  let pending: string | undefined;
  const lines: LineDirectory = {
    ownerOf: () => undefined,
    wipLimitOf: () => undefined,
    hasLine: (line) => !retired.has(line),
    refresh: async () => {
      await projection.catchUp();
      const line = pending;
      pending = undefined;
      if (line !== undefined) await retirer.append({ type: LineRetired.type, subject: line, data: {} });
    },
  };
  return {
    lines,
    retireOnNextRefresh: (line: string) => {
      pending = line;
    },
  };
}

/** A writer whose line directory sees a line retired by another process between its check and its append. */
async function writerAndDirectory() {
  factory = await openTestFactory();
  const { log: retirer } = await factory.reopen();
  for (const log of [factory.log, retirer]) log.registry.register(LineRetired);
  const directory = await retiringDirectory(factory.log, retirer);
  const { line } = await factory.reopen({ lines: directory.lines });
  return { line, retireOnNextRefresh: directory.retireOnNextRefresh };
}

async function refusedFor(line: string, promise: Promise<unknown>): Promise<void> {
  const error = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(NotFoundError);
  expect(error).toMatchObject({ entity: "line", id: line, field: "line" });
}

async function count(type: string): Promise<number> {
  return (await factory.log.read({ types: [type] })).length;
}

describe("a write naming a line another process retires before the write lands", () => {
  it("refuses a work item and writes nothing", async () => {
    const { line, retireOnNextRefresh } = await writerAndDirectory();
    await line.createWorkItem({ line: "checkout", title: "Before the retirement" });

    retireOnNextRefresh("checkout");
    await refusedFor("checkout", line.createWorkItem({ line: "checkout", title: "Pay by link" }));

    expect(await count(WorkCreated.type)).toBe(1);
  });

  it("refuses a signal captured for the line and writes nothing", async () => {
    const { line, retireOnNextRefresh } = await writerAndDirectory();
    await line.captureSignal({ text: "Before the retirement", source: "support", line: "checkout" });

    retireOnNextRefresh("checkout");
    await refusedFor(
      "checkout",
      line.captureSignal({ text: "Checkout is slow", source: "support", line: "checkout" }),
    );

    expect(await count(SignalCaptured.type)).toBe(1);
    expect(await count(SignalRouted.type)).toBe(1);
  });

  it("refuses to route a signal to the line", async () => {
    const { line, retireOnNextRefresh } = await writerAndDirectory();
    const signal = await line.captureSignal({ text: "Checkout is slow", source: "support" });
    await line.routeSignal(signal.id, "search");

    retireOnNextRefresh("checkout");
    await refusedFor("checkout", line.routeSignal(signal.id, "checkout"));

    expect(line.signal(signal.id)?.line).toBe("search");
    expect(await count(SignalRouted.type)).toBe(1);
  });

  it("refuses an artifact recorded for the line", async () => {
    const { line, retireOnNextRefresh } = await writerAndDirectory();
    await line.recordArtifact({ kind: "document", title: "Before the retirement", line: "checkout" });

    retireOnNextRefresh("checkout");
    await refusedFor(
      "checkout",
      line.recordArtifact({ kind: "document", title: "Runbook", line: "checkout" }),
    );

    expect(await count(ArtifactRecorded.type)).toBe(1);
  });
});
