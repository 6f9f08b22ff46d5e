import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type EventLog, openEventLog, ValidationError } from "@software-factory/core";
import { openKnowledgeBase } from "@software-factory/knowledge";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

let dir: string;
let log: EventLog;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), "factory-kb-open-options-"));
  log = await openEventLog({ path: join(dir, "factory.db") });
});
afterEach(async () => {
  await log.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("openKnowledgeBase options", () => {
  it.each([
    [{ maxTokens: 5 }, "chunking.maxTokens: must be at least 16 tokens, got 5"],
    [{ maxTokens: 64.5 }, "chunking.maxTokens: must be a whole number of tokens, got 64.5"],
    [{ overlapTokens: -1 }, "chunking.overlapTokens: must be 0 or more tokens, got -1"],
  ])(
    "refuses chunking %o with a ValidationError naming the option, before anything is written",
    async (chunking, message) => {
      for (const load of ["open", "first-use"] as const) {
        const knowledge = join(dir, `knowledge-${load}`);
        const error = await openKnowledgeBase({ log, dir: knowledge, chunking, load }).then(
          () => undefined,
          (thrown: unknown) => thrown,
        );

        expect(error).toBeInstanceOf(ValidationError);
        expect((error as ValidationError).message).toBe(`knowledge base options is invalid: ${message}`);
        expect((error as ValidationError).issues[0]?.path).toBe(message.split(":")[0]);
        expect(existsSync(knowledge)).toBe(false);
      }
      expect(await log.head()).toBe(0);
    },
  );

  it("opens with good chunking options, and every capture lands whole and indexed", async () => {
    const kb = await openKnowledgeBase({
      log,
      dir: join(dir, "knowledge"),
      chunking: { maxTokens: 16, overlapTokens: 0 },
    });
    const doc = await kb.capture({
      kind: "note",
      title: "Retries",
      body: "Payment retries happen three times. ".repeat(20),
      source: { system: "test" },
    });

    const { hits } = await kb.search("payment retries");
    await kb.close();

    expect(await log.head()).toBe(1);
    expect(hits.map((hit) => hit.document.id)).toEqual([doc.id]);
    expect(readdirSync(join(dir, "knowledge")).length).toBeGreaterThan(0);
  });
});
