import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type EventLog, openEventLog } from "@software-factory/core";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openKnowledgeBase } from "../src/index.js";

let dir: string;
let log: EventLog;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), "factory-kb-rebuild-"));
  log = await openEventLog({ path: join(dir, "factory.db") });
});

afterEach(async () => {
  await log.close();
  rmSync(dir, { recursive: true, force: true });
});

const source = { system: "test", author: "ana" };
const topics = ["authentication", "deployment", "observability", "migration", "throttling", "billing"];
/** Rebuilds in two worker threads from 10 chunks on (the default waits for 10,000). */
const parallel = { vectorIndex: { buildThreads: 2, parallelBuildMin: 10 } };

describe("vector index rebuilt in worker threads", () => {
  it("rebuilds a lost vector index in parallel, saves its graphs stamped with the log position, and reopens from them", async () => {
    const knowledge = join(dir, "knowledge");
    let kb = await openKnowledgeBase({ log, dir: knowledge });
    const ids: string[] = [];
    for (const [index, topic] of topics.entries()) {
      for (let copy = 0; copy < 4; copy += 1) {
        const doc = await kb.capture({
          kind: "note",
          title: `${topic} ${copy}`,
          body: `Notes on ${topic}, part ${copy}.`,
          source,
        });
        if (copy === 0) ids[index] = doc.id;
      }
    }
    await kb.close();
    for (const file of readdirSync(knowledge)) {
      if (file.startsWith("knowledge.hnsw")) rmSync(join(knowledge, file));
    }

    kb = await openKnowledgeBase({ log, dir: knowledge, ...parallel });
    const fuzzy = await kb.search("obsrvability", { mode: "vector", limit: 4 });
    expect(fuzzy.hits).toHaveLength(4);
    expect(fuzzy.hits.every((hit) => hit.document.title.startsWith("observability"))).toBe(true);
    await kb.retract(ids[0] as string, "wrong");
    await kb.close();
    const manifest = JSON.parse(readFileSync(join(knowledge, "knowledge.hnsw.json"), "utf8"));
    expect(manifest.files).toHaveLength(2);

    const other = await openKnowledgeBase({ log });
    const late = await other.capture({ kind: "note", title: "Caching", body: "Notes on caching.", source });
    await other.close();

    kb = await openKnowledgeBase({ log, dir: knowledge, ...parallel });
    expect((await kb.search("cachng", { mode: "vector", limit: 1 })).hits[0]?.document.id).toBe(late.id);
    const authentication = await kb.search("authentcation", { mode: "vector", limit: 10 });
    expect(authentication.hits.map((hit) => hit.document.id)).not.toContain(ids[0]);
    expect(authentication.hits[0]?.document.title).toMatch(/^authentication [123]$/);
    await kb.close();
  });
});
