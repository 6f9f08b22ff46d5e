import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { importRecords } from "../src/index.js";
import { useTempKnowledgeBase } from "./fixtures/tempKnowledgeBase.js";

const temp = useTempKnowledgeBase("factory-kb-record-exports-");

const mapping = { id: "id", title: "title", body: "body" };

function write(name: string, content: string | Buffer): string {
  const file = join(temp.dir, name);
  writeFileSync(file, content);
  return file;
}

describe("importRecords of files as tools export them", () => {
  it("reads a JSON array and JSON Lines written with a byte order mark", async () => {
    const array = write(
      "bom.json",
      `\uFEFF${JSON.stringify([{ id: "A-1", title: "Refunds", body: "fail" }])}`,
    );
    const lines = write(
      "bom.jsonl",
      `\uFEFF${JSON.stringify({ id: "B-1", title: "Login", body: "loops" })}\r\n`,
    );
    expect(await importRecords(temp.kb, array, { system: "powershell", mapping })).toMatchObject({
      captured: 1,
      problems: [],
    });
    expect(await importRecords(temp.kb, lines, { system: "powershell", mapping })).toMatchObject({
      captured: 1,
      problems: [],
    });
    expect((await temp.kb.bySource("powershell", "B-1"))?.title).toBe("Login");
  });

  it("refuses a file that is not UTF-8, naming its line and column and writing nothing", async () => {
    const head = await temp.log.head();
    const latin1 = write(
      "latin1.jsonl",
      Buffer.from('{"id":"1","title":"ok","body":"ok"}\n{"id":"2","title":"Caf\xe9","body":"x"}\n', "latin1"),
    );
    await expect(importRecords(temp.kb, latin1, { system: "crm", mapping })).rejects.toMatchObject({
      _tag: "ValidationError",
      issues: [{ file: latin1, line: 2, column: 23 }],
    });
    await expect(importRecords(temp.kb, latin1, { system: "crm", mapping })).rejects.toThrow(
      /latin1\.jsonl:2:23 \(root\): not UTF-8 text/,
    );
    expect(await temp.log.head()).toBe(head);
  });

  it("reports a mapped field that holds an object or a list where text is wanted, rather than importing [object Object]", async () => {
    const jira = write(
      "jira.json",
      JSON.stringify(
        [
          {
            key: "PAY-1",
            fields: {
              summary: "Refunds fail",
              description: { type: "doc", content: [{ type: "paragraph", content: [] }] },
            },
          },
          {
            key: "PAY-2",
            fields: { summary: "Chargebacks", description: "Steps", reporter: { displayName: "Bo" } },
          },
          {
            key: "PAY-3",
            fields: { summary: "Disputes", description: "Steps", labels: [{ name: "pci" }] },
          },
        ],
        null,
        2,
      ),
    );
    const report = await importRecords(temp.kb, jira, {
      system: "jira",
      mapping: {
        id: "key",
        title: "fields.summary",
        body: "fields.description",
        author: "fields.reporter",
        tags: "fields.labels",
      },
    });
    expect(report.captured).toBe(0);
    expect(report.problems.map(({ line, message }) => [line, message])).toEqual([
      [
        2,
        'record\'s "fields.description" (mapped to body) is an object, not text: map a text field inside it (fields.description.<key>)',
      ],
      [
        17,
        'record\'s "fields.reporter" (mapped to author) is an object, not text: map a text field inside it (fields.reporter.<key>)',
      ],
      [
        27,
        'record\'s "fields.labels.0" (mapped to tags) is an object, not text: map a text field inside it (fields.labels.0.<key>)',
      ],
    ]);
    expect(await temp.kb.list()).toEqual([]);
  });

  it("reads epoch times in seconds (Intercom, Slack) as well as in milliseconds", async () => {
    const records = [
      { id: "intercom", title: "t", body: "b", at: 1700000000 },
      { id: "slack", title: "t", body: "b", at: "1700000000.123456" },
      { id: "millis", title: "t", body: "b", at: 1700000000123 },
      { id: "millis-text", title: "t", body: "b", at: "1700000000123" },
      { id: "year", title: "t", body: "b", at: "2024" },
    ];
    const file = write("times.jsonl", records.map((record) => JSON.stringify(record)).join("\n"));
    const report = await importRecords(temp.kb, file, {
      system: "exports",
      mapping: { ...mapping, capturedAt: "at" },
    });
    expect(report).toMatchObject({ captured: 5, problems: [] });
    const capturedAt = async (id: string) => (await temp.kb.bySource("exports", id))?.source.capturedAt;
    expect(await capturedAt("intercom")).toBe("2023-11-14T22:13:20.000Z");
    expect(await capturedAt("slack")).toBe("2023-11-14T22:13:20.123Z");
    expect(await capturedAt("millis")).toBe("2023-11-14T22:13:20.123Z");
    expect(await capturedAt("millis-text")).toBe("2023-11-14T22:13:20.123Z");
    expect(await capturedAt("year")).toBe("2024-01-01T00:00:00.000Z");
  });
});
