import {
  ConcurrencyConflictError,
  openAssemblyLine,
  openEventLog,
  TraceReviewed,
} from "@software-factory/core";
import { openSqliteEventStore } from "@software-factory/core/sqlite";
import { afterEach, describe, expect, it } from "vitest";
import { openTestFactory, type TestFactory } from "./fixtures/factory.js";

let factory: TestFactory;
afterEach(async () => {
  await factory?.close();
});

const requirement = (body: string) => ({
  id: "REQ-1",
  kind: "requirement",
  title: "Retry",
  fields: { body },
});
const decision = (body: string) => ({
  id: "ADR-1",
  kind: "decision",
  title: "Use a queue",
  fields: { body },
});

describe("a review decided on a link another process changed meanwhile", () => {
  it("fails rather than clear an upstream change the reviewer's line had not seen, and the link stays suspect", async () => {
    factory = await openTestFactory();
    const { line, log, path } = factory;
    await line.recordArtifacts([
      requirement("Retry up to 3 times"),
      decision("SQS with a dead letter queue"),
      { id: "CS-1", kind: "task", title: "Queue", fields: { body: "src/queue.ts" } },
    ]);
    const [, implemented] = await line.linkAll([
      { from: "ADR-1", to: "REQ-1", type: "derivesFrom" },
      { from: "CS-1", to: "ADR-1", type: "implements" },
    ]);
    const id = implemented?.id as string;
    await line.recordArtifact(requirement("Retry up to 5 times"));

    // Bob's process, which follows the file once an hour: it sees CS-1's link suspect for REQ-1's change only.
    const store = await openSqliteEventStore({ path, pollIntervalMs: 3_600_000 });
    const bobLog = await openEventLog({ store, actor: "bob" });
    const bob = await openAssemblyLine({ log: bobLog });
    try {
      await line.recordArtifact(decision("SQS FIFO with a dead letter queue"));
      expect(bob.traceLink(id)?.causes.map((cause) => cause.artifact)).toEqual(["REQ-1"]);

      const review = bob.reviewLink(id, { verdict: "keep", note: "the queue still retries" });

      await expect(review).rejects.toBeInstanceOf(ConcurrencyConflictError);
      await expect(review).rejects.toThrow(/ADR-1 version 2/);
      expect(await log.read({ types: [TraceReviewed.type] })).toEqual([]);
      await line.refresh();
      expect(line.traceLink(id)?.causes.map((cause) => `${cause.artifact}@${cause.version}`)).toEqual([
        "REQ-1@2",
        "ADR-1@2",
      ]);
      // Read again, the link is Bob's to review with both changes in view.
      expect(bob.traceLink(id)?.causes).toHaveLength(2);
      expect(await bob.reviewLink(id, { verdict: "keep" })).toMatchObject({ suspect: false, causes: [] });
    } finally {
      await bob.close();
      await bobLog.close();
    }
  });
});
