/**
 * A retraction landing between a write's read of the document and its append
 * is not overtaken: revise, capture and recordDecision with `supersedes`
 * decide and append as one step (the log's expected head), so they see the
 * retraction and refuse with DocumentRetractedError, writing nothing.
 *
 * The race is made deterministic: the writer's log is wrapped so that, just
 * before the write's events reach the SQLite file, a second knowledge base on
 * its own connection to the same file retracts the document.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type AppendOptions, type EventLog, type NewEvent, openEventLog } from "@software-factory/core";
import {
  DocumentCaptured,
  DocumentRetractedError,
  DocumentRevised,
  type KnowledgeBase,
  openKnowledgeBase,
} from "@software-factory/knowledge";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

const source = { system: "test" };
let dir: string;
let logs: EventLog[];
let writer: KnowledgeBase;
let other: KnowledgeBase;
/** Runs once, before the next append of the writer whose events include the given type. */
let before: { type: string; run: () => Promise<unknown> } | undefined;

/** The log `log` with `before` run ahead of the matching append, as another process's write landing first. */
function racing(log: EventLog): EventLog {
  return new Proxy(log, {
    get(target, property) {
      if (property === "append") {
        return async (events: NewEvent | readonly NewEvent[], options?: AppendOptions) => {
          const batch = Array.isArray(events) ? events : [events as NewEvent];
          const hook = before;
          if (hook !== undefined && batch.some((event) => event.type === hook.type)) {
            before = undefined;
            await hook.run();
          }
          return target.append(events as readonly NewEvent[], options);
        };
      }
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), "factory-kb-retraction-race-"));
  const path = join(dir, "factory.db");
  logs = [await openEventLog({ path }), await openEventLog({ path })];
  writer = await openKnowledgeBase({ log: racing(logs[0] as EventLog), dir: join(dir, "writer") });
  other = await openKnowledgeBase({ log: logs[1] as EventLog, dir: join(dir, "other") });
});
afterEach(async () => {
  before = undefined;
  await writer.close();
  await other.close();
  for (const log of logs) await log.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A document both knowledge bases know, and the log's head once the other one has retracted it. */
async function retractedInTheRace(type: string) {
  const doc = await writer.capture({ kind: "note", title: "Retries", body: "Twice.", source });
  let head = 0;
  before = {
    type,
    run: async () => {
      await other.retract(doc.id, "wrong");
      head = await (logs[1] as EventLog).head();
    },
  };
  return { doc, head: () => head };
}

/** What a call threw, or `undefined` when it resolved. */
const thrown = (call: Promise<unknown>) =>
  call.then(
    () => undefined,
    (error: unknown) => error,
  );

describe("a retraction landing between a write's read and its append", () => {
  it("makes revise refuse with DocumentRetractedError and write no revision", async () => {
    const { doc, head } = await retractedInTheRace(DocumentRevised.type);
    const error = await thrown(writer.revise(doc.id, { body: "Three times." }));
    expect(error).toBeInstanceOf(DocumentRetractedError);
    expect(error).toMatchObject({ code: "E_RETRACTED", id: doc.id, reason: "wrong" });
    expect(await (logs[0] as EventLog).head()).toBe(head());
    expect((await writer.get(doc.id))?.revisions).toHaveLength(1);
  });

  it("makes a capture and a recorded decision that supersede it refuse, writing nothing", async () => {
    const race = await retractedInTheRace(DocumentCaptured.type);
    const captured = await thrown(
      writer.capture({
        kind: "note",
        title: "Retries v2",
        body: "Thrice.",
        source,
        supersedes: [race.doc.id],
      }),
    );
    expect(captured).toBeInstanceOf(DocumentRetractedError);
    expect((captured as Error).message).toMatch(/and cannot be superseded; capture a new document instead$/);
    expect(await (logs[0] as EventLog).head()).toBe(race.head());

    const decision = await retractedInTheRace(DocumentCaptured.type);
    const recorded = await thrown(
      writer.recordDecision({
        title: "Retry with backoff",
        context: "Payments fail under load.",
        decision: "Retry three times with backoff.",
        source,
        supersedes: [decision.doc.id],
      }),
    );
    expect(recorded).toBeInstanceOf(DocumentRetractedError);
    expect(await (logs[0] as EventLog).head()).toBe(decision.head());
    expect((await writer.get(decision.doc.id))?.supersededBy).toBeUndefined();
  });

  it("makes captureOrRevise capture the source address afresh instead of revising the retracted one", async () => {
    const first = await writer.captureOrRevise({
      kind: "note",
      title: "Retries",
      body: "Twice.",
      source: { system: "notes", uri: "retries.md" },
    });
    before = { type: DocumentRevised.type, run: () => other.retract(first.document.id, "wrong") };
    const again = await writer.captureOrRevise({
      kind: "note",
      title: "Retries",
      body: "Three times.",
      source: { system: "notes", uri: "retries.md" },
    });
    expect(again.outcome).toBe("captured");
    expect(again.document.id).not.toBe(first.document.id);
    expect((await writer.get(first.document.id))?.revisions).toHaveLength(1);
  });
});
