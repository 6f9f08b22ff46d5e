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
});
