import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { importRecords } from "../src/index.js";
import { useTempKnowledgeBase } from "./fixtures/tempKnowledgeBase.js";

const temp = useTempKnowledgeBase("factory-kb-records-at-");

const mapping = { id: "id", title: "title", body: "description" };

const issue = (id: string, title: string) => ({ id, title, description: `${title}: details` });

function write(name: string, content: unknown): string {
  const file = join(temp.dir, name);
  writeFileSync(file, typeof content === "string" ? content : JSON.stringify(content, null, 2));
  return file;
}

describe("importRecords of records kept inside an API response", () => {
  it("imports Linear's data.issues.nodes, naming a bad record by the line it starts on", async () => {
    const file = write("linear.json", {
      data: {
        issues: {
          nodes: [issue("LIN-1", "Refunds fail"), { id: "LIN-2", title: "No body" }],
          pageInfo: { hasNextPage: false },
        },
      },
    });
    const report = await importRecords(temp.kb, file, {
      system: "linear",
      mapping,
      records: "data.issues.nodes",
    });
    expect(report).toMatchObject({ captured: 1 });
    // The second node's `{` is on line 10 of the pretty-printed response.
    expect(report.problems).toEqual([
      { item: file, line: 10, message: 'record has no "description" (mapped to body)' },
    ]);
    expect((await temp.kb.bySource("linear", "LIN-1"))?.title).toBe("Refunds fail");
  });

  it("refuses a path that holds no array or is not there, naming what is there instead and writing nothing", async () => {
    const file = write("linear-edges.json", {
      data: { issues: { edges: [{ node: issue("LIN-3", "x") }], pageInfo: {} } },
    });
    const head = await temp.log.head();
    await expect(
      importRecords(temp.kb, file, { system: "linear", mapping, records: "data.issues" }),
    ).rejects.toMatchObject({
      _tag: "ValidationError",
      message: `records file is invalid: ${file}:1 data.issues: expected an array of records, found an object with keys edges, pageInfo`,
      issues: [{ file, line: 1, path: "data.issues" }],
    });
    await expect(
      importRecords(temp.kb, file, { system: "linear", mapping, records: "data.issue.nodes" }),
    ).rejects.toThrow(`${file}:1 data.issue: no such field (the object has data.issues)`);
    await expect(
      importRecords(temp.kb, file, { system: "linear", mapping, records: "data.issues.edges.node" }),
    ).rejects.toThrow(`data.issues.edges.node: no such field (data.issues.edges is an array of 1)`);
    expect(await temp.log.head()).toBe(head);
  });

  it("refuses an object file without the option, saying which keys hold arrays and what to pass", async () => {
    const jira = write("jira.json", {
      startAt: 0,
      total: 2,
      issues: [issue("PAY-1", "a"), issue("PAY-2", "b")],
      warningMessages: [],
    });
    await expect(importRecords(temp.kb, jira, { system: "jira", mapping })).rejects.toThrow(
      `${jira}:1 (root): holds no JSON array of records: the file is an object; its arrays are at issues (2 records), warningMessages (0 records): pass records: "issues"`,
    );
    const linear = write("linear-nodes.json", { data: { issues: { nodes: [issue("LIN-4", "a")] } } });
    await expect(importRecords(temp.kb, linear, { system: "linear", mapping })).rejects.toThrow(
      'its arrays are at data.issues.nodes (1 record): pass records: "data.issues.nodes"',
    );
    const none = write("none.json", { ok: true });
    await expect(importRecords(temp.kb, none, { system: "x", mapping })).rejects.toThrow(
      "the file is an object with keys ok and no array of records in it",
    );
    expect(await importRecords(temp.kb, jira, { system: "jira", mapping, records: "issues" })).toMatchObject({
      captured: 2,
      problems: [],
    });
  });

  it("reads each line of a .jsonl file as a page whose records are at the path, a page without them a problem", async () => {
    const pages = [
      { messages: [issue("1700000000.1", "deploy"), issue("1700000000.2", "rollback")], has_more: true },
      { ok: false, error: "ratelimited" },
      { messages: [issue("1700000000.3", "fixed"), issue("1700000000.1", "deploy (edited)")] },
    ];
    const file = write("slack.jsonl", `${pages.map((page) => JSON.stringify(page)).join("\n")}\n`);
    const report = await importRecords(temp.kb, file, { system: "slack", mapping, records: "messages" });
    expect(report).toMatchObject({ captured: 3 });
    expect(report.problems).toEqual([
      { item: file, line: 2, message: "messages: no such field (the object has ok, error)" },
    ]);
    expect(report.warnings).toEqual([
      {
        item: file,
        line: 1,
        message:
          'skipped: record "1700000000.1" is given again at line 3; only the last record of an id is imported',
      },
    ]);
    expect((await temp.kb.bySource("slack", "1700000000.1"))?.title).toBe("deploy (edited)");
  });

  it("refuses an option it does not take, naming the keys it does", async () => {
    const file = write("zendesk.json", { tickets: [issue("Z-1", "a")] });
    await expect(
      importRecords(temp.kb, file, { system: "zendesk", mapping, record: "tickets" } as never),
    ).rejects.toMatchObject({
      _tag: "ValidationError",
      message:
        'importRecords options is invalid: (root): unknown key "record"; the keys are system, mapping, records, kind, onProgress, actor',
    });
    await expect(
      importRecords(temp.kb, file, { system: "zendesk", mapping, records: "" }),
    ).rejects.toMatchObject({
      _tag: "ValidationError",
      issues: [{ path: "records" }],
    });
  });
});
