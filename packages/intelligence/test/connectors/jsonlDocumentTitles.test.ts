/**
 * A JSONL record imported as a knowledge document may have a title with a
 * tab, a line break or a bidi override, which a document's title refuses. The
 * import titles the document one line instead of failing the whole file, and
 * a re-import of the unchanged file writes nothing.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { hashJson } from "@software-factory/core";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type Factory, importJsonl, openFactory } from "../../src/index.js";
import { jsonlFolder } from "./jsonlFixture.js";

const { write } = jsonlFolder();
const mapping = { target: "document", id: "key", title: "subject", body: "text", system: "zendesk" } as const;

let dir: string;
let factory: Factory;
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), "factory-jsonl-titles-"));
  factory = await openFactory({ dir });
});
afterEach(async () => {
  await factory.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("a JSONL record imported as a document", () => {
  it("is titled one line (system and id when nothing is left), its body kept as written", async () => {
    const file = write(
      "tickets.jsonl",
      [
        { key: "T-1", subject: "Export\tfails\r\nagain \u202eslow", text: "CSV export\ttimes out\u202e" },
        { key: "T-2", subject: "\u202e\u2066\t", text: "An empty subject" },
      ]
        .map((record) => JSON.stringify(record))
        .join("\n"),
    );

    expect(await importJsonl(factory, { file, mapping })).toMatchObject({ created: 2, problems: [] });
    expect(await factory.knowledge.bySource("zendesk", "T-1")).toMatchObject({
      title: "Export fails again slow",
      body: "CSV export\ttimes out\u202e",
    });
    expect((await factory.knowledge.bySource("zendesk", "T-2"))?.title).toBe("zendesk T-2");

    const head = await factory.log.head();
    expect(await importJsonl(factory, { file, mapping })).toMatchObject({
      created: 0,
      updated: 0,
      unchanged: 2,
    });
    expect(await factory.log.head()).toBe(head);
  });

  it("stored before titles were one line is revised once by a re-import, then left alone", async () => {
    const title = "Export\tfails";
    const body = "CSV export times out";
    await factory.log.append([
      {
        type: "knowledge.document.captured",
        subject: "doc_stored0",
        data: {
          kind: "note",
          source: { system: "zendesk", uri: "T-1" },
          links: [],
          supersedes: [],
          title,
          body,
          contentHash: hashJson({ title, body, decision: null }),
          tags: [],
          lines: [],
          validFrom: "2026-01-01T00:00:00.000Z",
        },
      },
    ]);
    await factory.close();
    factory = await openFactory({ dir });
    const file = write("stored.jsonl", JSON.stringify({ key: "T-1", subject: title, text: body }));

    expect(await importJsonl(factory, { file, mapping })).toMatchObject({ updated: 1, unchanged: 0 });
    expect(await factory.knowledge.get("doc_stored0")).toMatchObject({ title: "Export fails", body });
    expect(await importJsonl(factory, { file, mapping })).toMatchObject({ updated: 0, unchanged: 1 });
    expect((await factory.knowledge.get("doc_stored0"))?.revisions).toHaveLength(2);
  });
});
