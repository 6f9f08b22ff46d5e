import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type EventLog, openEventLog } from "@software-factory/core";
import { afterEach, describe, expect, it } from "vitest";
import { type KnowledgeBase, openKnowledgeBase } from "../src/index.js";

let dir: string | undefined;
let log: EventLog | undefined;
let kb: KnowledgeBase | undefined;

afterEach(async () => {
  await kb?.close();
  await log?.close();
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

/** `log` with each read a few milliseconds slower, as on a server across a network. */
function slowReads(target: EventLog): EventLog {
  return new Proxy(target, {
    get(inner, property) {
      const value: unknown = Reflect.get(inner, property, inner);
      if (typeof value !== "function") return value;
      const method = (value as (...args: unknown[]) => unknown).bind(inner);
      if (property !== "read") return method;
      return async (...args: unknown[]) => {
        await new Promise((resolve) => setTimeout(resolve, 3));
        return method(...args);
      };
    },
  });
}

describe("captures called at once in one process", () => {
  it("returns each of 20 captures called at once, its document folded, when reads are slow", async () => {
    dir = mkdtempSync(join(tmpdir(), "factory-kb-overlap-"));
    log = await openEventLog({ path: join(dir, "factory.db") });
    kb = await openKnowledgeBase({ log: slowReads(log), dir: join(dir, "knowledge") });
    const source = { system: "test", author: "ana" };
    for (let round = 0; round < 3; round++) {
      const titles = Array.from({ length: 20 }, (_, index) => `Round ${round} note ${index}`);
      const captured = await Promise.all(
        titles.map((title) => kb?.capture({ kind: "note", title, body: `${title}.`, source })),
      );
      expect(captured.map((document) => document?.title)).toEqual(titles);
    }
    expect(await kb.list({ limit: 100 })).toHaveLength(60);
  });
});
