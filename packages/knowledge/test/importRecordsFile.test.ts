import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { type ImportProgress, importRecords } from "../src/index.js";
import { useTempKnowledgeBase } from "./fixtures/tempKnowledgeBase.js";

const temp = useTempKnowledgeBase("factory-kb-records-");

const mapping = {
  id: "key",
  title: "subject",
  body: "fields.text",
  tags: "labels",
  author: "reporter",
  capturedAt: "created",
};

const tickets = [
  {
    key: "T-1",
    subject: "Export fails",
    fields: { text: "CSV export times out" },
    labels: ["export"],
    reporter: "ana",
    created: "2025-02-01T09:00:00Z",
  },
  { key: "T-2", subject: "No body", fields: {} },
  { key: "T-3", subject: "Login loop", fields: { text: "SSO users loop back to the login page" } },
];

/** Writes records as a pretty-printed JSON array (not JSON Lines), so a record's line is not its number. */
function writeArray(name: string, records: readonly unknown[]): string {
  const file = join(temp.dir, name);
  writeFileSync(file, `${JSON.stringify(records, null, 2)}\n`);
  return file;
}

describe("importRecords from a .json file holding an array", () => {
  it("captures each record, reports one lacking a mapped field by the line it starts on, and reports progress", async () => {
    const file = writeArray("tickets.json", tickets);
    const progress: ImportProgress[] = [];
    const report = await importRecords(temp.kb, file, {
      system: "zendesk",
      mapping,
      kind: "signal",
      onProgress: (step) => progress.push(step),
    });
    expect(report).toMatchObject({ captured: 2, revised: 0, unchanged: 0, retracted: 0 });
    // T-2 is the second element: its `{` is on line 14 of the pretty-printed array.
    const secondRecordLine = JSON.stringify(tickets, null, 2).split("\n").indexOf("  {", 2) + 1;
    expect(secondRecordLine).toBe(14);
    expect(report.problems).toEqual([
      { item: file, line: secondRecordLine, message: 'record has no "fields.text" (mapped to body)' },
    ]);
    expect(progress.map((step) => [step.done, step.total])).toEqual([
      [1, 3],
      [2, 3],
      [3, 3],
    ]);
    expect(progress[1]?.item).toBe(`${file}:${secondRecordLine}`);

    expect(await temp.kb.bySource("zendesk", "T-1")).toMatchObject({
      kind: "signal",
      title: "Export fails",
      tags: ["export"],
      source: { system: "zendesk", uri: "T-1", author: "ana", capturedAt: "2025-02-01T09:00:00.000Z" },
    });
    expect(await temp.kb.bySource("zendesk", "T-2")).toBeUndefined();
    expect((await temp.kb.search("login loop")).hits[0]?.document.source.uri).toBe("T-3");
  });

  it("revises only the record that changed when the file is imported again", async () => {
    const file = writeArray("tickets.json", tickets);
    await importRecords(temp.kb, file, { system: "zendesk", mapping });
    const head = await temp.log.head();

    const changed = tickets.map((ticket) =>
      ticket.key === "T-3"
        ? { ...ticket, fields: { text: "SSO users loop back after the Okta change" } }
        : ticket,
    );
    writeArray("tickets.json", changed);
    const progress: number[] = [];
    const again = await importRecords(temp.kb, file, {
      system: "zendesk",
      mapping,
      onProgress: (step) => progress.push(step.done),
    });
    expect(again).toMatchObject({ captured: 0, revised: 1, unchanged: 1 });
    expect(again.problems).toHaveLength(1);
    expect(progress).toEqual([1, 2, 3]);
    expect(await temp.log.head()).toBe(head + 1);
    expect((await temp.kb.bySource("zendesk", "T-1"))?.revisions).toHaveLength(1);
    const revised = await temp.kb.bySource("zendesk", "T-3");
    expect(revised?.revisions).toHaveLength(2);
    expect((await temp.kb.search("okta")).hits.map((hit) => hit.document.id)).toEqual([revised?.id]);

    expect(await importRecords(temp.kb, file, { system: "zendesk", mapping })).toMatchObject({
      captured: 0,
      revised: 0,
      unchanged: 2,
    });
    expect(await temp.log.head()).toBe(head + 1);
  });

  it("reports a date it cannot read by the field it came from", async () => {
    const file = writeArray("dated.json", [
      { key: "D-1", subject: "Dated", fields: { text: "has a bad date" }, created: "last tuesday" },
    ]);
    const report = await importRecords(temp.kb, file, { system: "zendesk", mapping });
    expect(report.captured).toBe(0);
    expect(report.problems).toHaveLength(1);
    expect(report.problems[0]?.line).toBe(2);
    expect(report.problems[0]?.message).toMatch(/"created" \(mapped to capturedAt\).*last tuesday/);
  });

  it("refuses a .json file that holds no array, or is not JSON, naming the file and writing nothing", async () => {
    const head = await temp.log.head();
    const object = join(temp.dir, "object.json");
    writeFileSync(object, JSON.stringify({ key: "T-1", subject: "x", fields: { text: "y" } }, null, 2));
    await expect(importRecords(temp.kb, object, { system: "zendesk", mapping })).rejects.toThrow(
      /object\.json.*array/,
    );
    await expect(importRecords(temp.kb, object, { system: "zendesk", mapping })).rejects.toMatchObject({
      _tag: "ValidationError",
      issues: [{ file: object, line: 1 }],
    });
    const broken = join(temp.dir, "broken.json");
    writeFileSync(broken, '[\n  {"key": "T-1",\n  "subject": }\n]');
    await expect(importRecords(temp.kb, broken, { system: "zendesk", mapping })).rejects.toThrow(
      /broken\.json.*not valid JSON/,
    );
    expect(await temp.log.head()).toBe(head);
  });
});

describe("importRecords of a file that gives one id twice", () => {
  it("imports only the last record of the id, warns about the earlier one, and writes nothing when imported again", async () => {
    const file = join(temp.dir, "changes.jsonl");
    const changes = [
      { key: "T-1", subject: "Export fails", fields: { text: "CSV export times out" } },
      { key: "T-2", subject: "Login loop", fields: { text: "SSO users loop back" } },
      { key: "T-1", subject: "Export fails (fixed)", fields: { text: "Fixed by streaming the CSV" } },
    ];
    writeFileSync(file, `${changes.map((change) => JSON.stringify(change)).join("\n")}\n`);

    const first = await importRecords(temp.kb, file, { system: "jira", mapping });

    expect(first).toMatchObject({ captured: 2, revised: 0, problems: [] });
    expect(first.warnings).toEqual([
      {
        item: file,
        line: 1,
        message: 'skipped: record "T-1" is given again at line 3; only the last record of an id is imported',
      },
    ]);
    const ticket = await temp.kb.bySource("jira", "T-1");
    expect(ticket).toMatchObject({ title: "Export fails (fixed)", body: "Fixed by streaming the CSV" });
    expect(ticket?.revisions).toHaveLength(1);
    const head = await temp.log.head();
    const again = await importRecords(temp.kb, file, { system: "jira", mapping });
    expect(again).toMatchObject({ captured: 0, revised: 0, unchanged: 2 });
    expect(await temp.log.head()).toBe(head);
  });
});

describe("importRecords' arguments", () => {
  it("refuses a mapping key it does not take, or a missing one, with a ValidationError naming it", async () => {
    const file = writeArray("tickets.json", tickets);
    const head = await temp.log.head();

    await expect(
      importRecords(temp.kb, file, { system: "jira", mapping: { ...mapping, tag: "labels" } as never }),
    ).rejects.toMatchObject({
      _tag: "ValidationError",
      message:
        'importRecords options is invalid: mapping: unknown key "tag"; the keys are id, title, body, kind, tags, lines, author, capturedAt, uri',
    });
    await expect(
      importRecords(temp.kb, file, { system: "jira", mapping: { id: "key", body: "text" } as never }),
    ).rejects.toMatchObject({ _tag: "ValidationError", issues: [{ path: "mapping.title" }] });
    expect(await temp.log.head()).toBe(head);
  });

  it("throws a NotFoundError naming a file that does not exist", async () => {
    const file = join(temp.dir, "missing.jsonl");
    await expect(importRecords(temp.kb, file, { system: "jira", mapping })).rejects.toMatchObject({
      _tag: "NotFoundError",
      code: "E_NOT_FOUND",
      message: `cannot import ${file}: it does not exist (give a .json or .jsonl file of records)`,
    });
  });
});
