import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type EventLog, EventLogService, openEventLog } from "@software-factory/core";
import * as Effect from "effect/Effect";
import * as Layer from "effect/Layer";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { KnowledgeBaseService, openKnowledgeBase } from "../src/index.js";
import { note } from "./fixtures/retriesNote.js";

let dir: string;
/** A cache folder that cannot be made: its parent is a file. */
let cacheDir: string;
const logs: EventLog[] = [];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "factory-kb-unwritable-"));
  writeFileSync(join(dir, "cache"), "not a folder");
  cacheDir = join(dir, "cache", "knowledge");
});

afterEach(async () => {
  for (const log of logs.splice(0)) await log.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("a cache folder that cannot be written", () => {
  it("does not fail close, which still closes the knowledge base", async () => {
    const log = await openEventLog({ path: join(dir, "factory.db") });
    logs.push(log);
    const kb = await openKnowledgeBase({ log, dir: cacheDir });
    const { id } = await kb.capture(note);

    await expect(kb.close()).resolves.toBeUndefined();
    await expect(kb.get(id)).rejects.toMatchObject({ _tag: "ClosedError" });

    const reopened = await openKnowledgeBase({ log, dir: cacheDir });
    expect((await reopened.search("payment retries")).hits.map((hit) => hit.document.id)).toEqual([id]);
    await reopened.close();
  });

  it("does not fail the reads and writes that save it at a checkpoint", async () => {
    const log = await openEventLog({ path: join(dir, "factory.db") });
    logs.push(log);
    const kb = await openKnowledgeBase({ log, dir: cacheDir, checkpointEvery: 1 });

    const { id } = await kb.capture(note);
    expect((await kb.search("payment retries")).hits.map((hit) => hit.document.id)).toEqual([id]);
    await kb.close();
  });

  it("does not turn the end of a KnowledgeBaseService layer into a defect", async () => {
    const layer = KnowledgeBaseService.layer({ dir: cacheDir }).pipe(
      Layer.provide(EventLogService.layer({ path: join(dir, "factory.db") })),
    );
    const program = Effect.gen(function* () {
      const kb = yield* KnowledgeBaseService;
      const document = yield* kb.capture(note);
      return { id: document.id, knowledgeBase: kb.knowledgeBase };
    });

    const { id, knowledgeBase } = await Effect.runPromise(Effect.provide(program, layer));

    expect(id).toMatch(/^doc_/);
    await expect(knowledgeBase.get(id)).rejects.toMatchObject({ _tag: "ClosedError" });
  });
});
