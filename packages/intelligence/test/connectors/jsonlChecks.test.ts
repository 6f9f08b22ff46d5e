import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { INPUT_LIMITS } from "@software-factory/core";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { importJsonl } from "../../src/connectors/jsonl.js";
import type { Factory } from "../../src/index.js";
import { jsonlFolder, signalMapping, TICKETS } from "./jsonlFixture.js";
import { openTestFactory } from "./testFactory.js";

const { folder, write } = jsonlFolder();

let factory: Factory;
let remove: () => Promise<void>;
beforeEach(async () => {
  ({ factory, remove } = await openTestFactory());
});
afterEach(() => remove());

describe("importJsonl checks what each line would write before writing any", () => {
  it("refuses a file that is not UTF-8 text at the line and column of its first bad byte, writing nothing", async () => {
    // Line 2 saved as Latin-1: é is the single byte 0xe9.
    const latin1 = join(folder, "latin1.jsonl");
    writeFileSync(
      latin1,
      Buffer.from(`{"id":1,"subject":"Tea"}\n{"id":2,"subject":"Caf\u00e9 au lait"}\n`, "latin1"),
    );
    const binary = join(folder, "binary.jsonl");
    writeFileSync(binary, Buffer.from(`{"id":1,"subject":"Tea\u0000"}\n`, "utf8"));
    const events = await factory.log.head();

    await expect(importJsonl(factory, { file: latin1, mapping: signalMapping })).rejects.toMatchObject({
      _tag: "ValidationError",
      issues: [{ file: latin1, line: 2, column: 23, message: "is not UTF-8 text (save it as UTF-8)" }],
    });
    await expect(importJsonl(factory, { file: binary, mapping: signalMapping })).rejects.toThrow(
      `${binary}:1:23 (root): is a binary file (it holds a NUL byte), not text`,
    );
    expect(await factory.log.head()).toBe(events);
  });

  it("bounds a long ticket's signal text to the assembly line's limit instead of refusing the record", async () => {
    const long = {
      id: 1,
      subject: "Export times out",
      description: "x".repeat(20_000),
      custom: { line: "billing" },
    };
    const file = write("long.jsonl", JSON.stringify(long));

    expect(await importJsonl(factory, { file, mapping: signalMapping })).toMatchObject({
      created: 1,
      truncated: 1,
      problems: [],
    });

    const [signal] = factory.work.signals();
    expect(signal?.text).toHaveLength(INPUT_LIMITS.signalText);
    expect(signal?.text.startsWith("Export times out\n\nxxx")).toBe(true);
    expect(await importJsonl(factory, { file, mapping: signalMapping })).toMatchObject({
      unchanged: 1,
      truncated: 0,
    });
  });

  it("never cuts a signal's text inside a surrogate pair", async () => {
    // "Emoji\n\n" is 7 units; the emoji's two units straddle the limit.
    const description = `${"x".repeat(INPUT_LIMITS.signalText - 8)}\u{1F680}`;
    const file = write("emoji.jsonl", JSON.stringify({ id: 1, subject: "Emoji", description }));

    expect(await importJsonl(factory, { file, mapping: signalMapping })).toMatchObject({
      created: 1,
      truncated: 1,
    });
    expect(factory.work.signals()[0]?.text).toHaveLength(INPUT_LIMITS.signalText - 1);
  });

  it("checks what every line writes before writing any, naming the line and field of each that would be refused", async () => {
    const note = (id: string, subject: string, description = "fine") =>
      JSON.stringify({ id, subject, description });
    const file = write(
      "limits.jsonl",
      [
        note("1", "one"),
        note("y".repeat(2001), "long id"),
        note("3", "t".repeat(1_000_000)),
        note("4", "four", "x".repeat(2_000_001)),
        note("5", "five"),
      ].join("\n"),
    );
    const mapping = { target: "document", id: "id", title: "subject", body: "description" } as const;
    const events = await factory.log.head();

    const error = await importJsonl(factory, { file, mapping }).catch((caught: unknown) => caught);

    expect(error).toMatchObject({ _tag: "ValidationError" });
    const issues = (error as { issues: { line: number; path: string; message: string }[] }).issues;
    expect(issues.map((issue) => [issue.line, issue.path])).toEqual([
      [2, "id"],
      [3, "subject"],
      [4, "description"],
    ]);
    expect(issues[0]?.message).toBe("must be at most 2000 characters (written as the document's source.uri)");
    expect((error as Error).message).toContain(`${file}:4 description: `);
    expect(await factory.log.head()).toBe(events);
    expect(await factory.knowledge.fromSystem("limits")).toEqual([]);
  });

  it("refuses a signal line whose customer is too long, writing none of the lines before it", async () => {
    const tickets = Array.from({ length: 7 }, (_, index) =>
      JSON.stringify({
        id: index + 1,
        subject: `Ticket ${index + 1}`,
        requester: { name: index === 6 ? "c".repeat(INPUT_LIMITS.customer + 1) : "Jane" },
      }),
    );
    const file = write("customers.jsonl", tickets.join("\n"));
    const events = await factory.log.head();

    await expect(importJsonl(factory, { file, mapping: signalMapping })).rejects.toMatchObject({
      _tag: "ValidationError",
      issues: [expect.objectContaining({ line: 7, path: "requester.name" })],
    });
    expect(await factory.log.head()).toBe(events);
    expect(factory.work.signals()).toEqual([]);
  });

  it("refuses a title over 500 characters for signals and artifacts instead of cutting it", async () => {
    const file = write("title.jsonl", JSON.stringify({ id: 9, subject: "s".repeat(501) }));
    const events = await factory.log.head();
    for (const mapping of [
      signalMapping,
      { target: "artifact", kind: "feedback", id: "id", title: "subject" } as const,
    ]) {
      await expect(importJsonl(factory, { file, mapping })).rejects.toMatchObject({
        _tag: "ValidationError",
        message: expect.stringContaining(`${file}:1 subject: title is at most 500 characters`),
      });
    }
    expect(await factory.log.head()).toBe(events);
  });

  it("refuses text no store can keep (NUL, a lone surrogate) by line and path, writing none of the lines before it", async () => {
    const file = write(
      "unstorable.jsonl",
      [
        { id: 1, subject: "Fine", description: "ok" },
        { id: 2, subject: "Bad", description: "a\u0000b" },
        { id: 3, subject: "Bad customer", requester: { name: "Jo\uD800" } },
      ]
        .map((record) => JSON.stringify(record))
        .join("\n"),
    );
    const events = await factory.log.head();

    const error = await importJsonl(factory, { file, mapping: signalMapping }).catch(
      (caught: unknown) => caught,
    );

    expect(error).toMatchObject({
      _tag: "ValidationError",
      issues: [
        {
          path: "description",
          line: 2,
          message: expect.stringContaining("NUL character (\\u0000) at index 1"),
        },
        {
          path: "requester.name",
          line: 3,
          message: expect.stringContaining("lone UTF-16 surrogate (\\ud800)"),
        },
      ],
    });
    expect((error as Error).message).toContain(`${file}:2 description: contains a NUL character`);
    expect(await factory.log.head()).toBe(events);
    // An artifact's mapped fields are stored too, keys included.
    const fields = write("fields.jsonl", JSON.stringify({ id: 1, subject: "x", extra: { "k\u0000": 1 } }));
    const mapping = {
      target: "artifact",
      kind: "feedback",
      id: "id",
      title: "subject",
      fields: { extra: "extra" },
    } as const;
    await expect(importJsonl(factory, { file: fields, mapping })).rejects.toMatchObject({
      issues: [
        expect.objectContaining({
          path: "extra",
          line: 1,
          message: expect.stringContaining('key "k\\u0000"'),
        }),
      ],
    });
    expect(await factory.log.head()).toBe(events);
  });

  it("refuses a line whose artifact id holds an artifact of another kind", async () => {
    const file = write("kinds.jsonl", TICKETS);
    const mapping = { target: "artifact", id: "id", title: "subject", system: "zendesk" } as const;
    await importJsonl(factory, { file, mapping: { ...mapping, kind: "feedback" } });
    const events = await factory.log.head();

    await expect(
      importJsonl(factory, { file, mapping: { ...mapping, kind: "incident" } }),
    ).rejects.toMatchObject({
      _tag: "ValidationError",
      message: expect.stringContaining(
        `${file}:1 id: id "35436" is stored as artifact "zendesk-35436", which is a feedback, not a incident`,
      ),
    });
    expect(await factory.log.head()).toBe(events);
  });

  it("reports every bad line with its number and writes nothing", async () => {
    const file = write(
      "bad.jsonl",
      [
        JSON.stringify({ id: 1, subject: "fine", priority: "low" }),
        "{not json",
        JSON.stringify({ id: 2, priority: "urgent", custom: { line: "nowhere" } }),
        JSON.stringify({ id: 1, subject: "again" }),
        "[1, 2]",
      ].join("\n"),
    );
    const head = await factory.log.head();
    const error = await importJsonl(factory, { file, mapping: signalMapping }).catch(
      (caught: unknown) => caught,
    );
    expect(error).toMatchObject({ _tag: "ValidationError" });
    const issues = (error as { issues: { line: number; path: string }[] }).issues;
    expect(issues.map((issue) => [issue.line, issue.path])).toEqual([
      [2, "(root)"],
      [3, "subject"],
      [3, "custom.line"],
      [3, "priority"],
      [4, "id"],
      [5, "(root)"],
    ]);
    expect((error as Error).message).toContain(
      `${file}:3 priority: severity must be low, medium, high or critical, not "urgent"`,
    );
    expect(await factory.log.head()).toBe(head);
  });
});
