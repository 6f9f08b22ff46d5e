import { createHash } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { INPUT_LIMITS } from "@software-factory/core";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { importJsonl } from "../../src/connectors/jsonl.js";
import type { Factory } from "../../src/index.js";
import { openTestFactory } from "./testFactory.js";

// A Zendesk-style ticket export, one JSON object per line.
const TICKETS = [
  {
    id: 35436,
    subject: "Refund never arrived",
    description: "I returned the shoes two weeks ago.",
    priority: "high",
    via: { channel: "email" },
    requester: { name: "Jane Doe" },
    custom: { line: "billing" },
    tags: ["refund", "vip"],
  },
  {
    id: 35437,
    subject: "Basket empties itself",
    description: "Every time I log in.",
    priority: "critical",
    requester: { name: "Max Muster" },
    custom: { line: "cart" },
    tags: "basket,login",
  },
]
  .map((ticket) => JSON.stringify(ticket))
  .join("\n");

const folder = mkdtempSync(join(tmpdir(), "factory-jsonl-"));
const write = (name: string, text: string) => {
  const file = join(folder, name);
  writeFileSync(file, text);
  return file;
};
afterAll(() => rmSync(folder, { recursive: true, force: true }));

let factory: Factory;
let remove: () => Promise<void>;
beforeEach(async () => {
  ({ factory, remove } = await openTestFactory());
});
afterEach(() => remove());

const signalMapping = {
  target: "signal",
  id: "id",
  title: "subject",
  body: "description",
  severity: "priority",
  customer: "requester.name",
  line: "custom.line",
  tags: "tags",
  system: "zendesk",
} as const;

describe("importJsonl", () => {
  it("maps lines to signals by dotted paths, once", async () => {
    const file = write("tickets.jsonl", `${TICKETS}\n\n`);
    expect(await importJsonl(factory, { file, mapping: signalMapping })).toEqual({
      created: 2,
      updated: 0,
      unchanged: 0,
      skipped: 0,
      truncated: 0,
      problems: [],
    });
    expect(factory.work.signals().map((s) => [s.text, s.source, s.severity, s.customer, s.line])).toEqual([
      [
        "Refund never arrived\n\nI returned the shoes two weeks ago.",
        "zendesk:35436",
        "high",
        "Jane Doe",
        "billing",
      ],
      ["Basket empties itself\n\nEvery time I log in.", "zendesk:35437", "critical", "Max Muster", "cart"],
    ]);
    const head = await factory.log.head();
    expect(await importJsonl(factory, { file, mapping: signalMapping })).toMatchObject({
      created: 0,
      unchanged: 2,
    });
    expect(await factory.log.head()).toBe(head);
  });

  it("reads a file that starts with a UTF-8 byte order mark", async () => {
    const file = write("bom.jsonl", `\uFEFF${TICKETS}`);
    expect(await importJsonl(factory, { file, mapping: signalMapping })).toMatchObject({ created: 2 });
    expect(factory.work.signals().map((signal) => signal.source)).toEqual(["zendesk:35436", "zendesk:35437"]);
  });

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
    expect(issues[0]?.message).toMatch(/<=2000 characters \(written as the document's source\.uri\)/);
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

  it("keeps ids that differ only in punctuation or past 128 characters as distinct records", async () => {
    const long = "L".repeat(200);
    const ids = ["a b", "a_b", "a/b", `${long}1`, `${long}2`];
    const file = write(
      "ids.jsonl",
      ids.map((id, index) => JSON.stringify({ id, subject: `Record ${index}` })).join("\n"),
    );

    expect(await importJsonl(factory, { file, mapping: signalMapping })).toMatchObject({
      created: 5,
      updated: 0,
    });
    expect(factory.work.signals().map((signal) => signal.source)).toEqual(ids.map((id) => `zendesk:${id}`));
    const artifacts = {
      target: "artifact",
      kind: "feedback",
      id: "id",
      title: "subject",
      system: "zd",
    } as const;
    expect(await importJsonl(factory, { file, mapping: artifacts })).toMatchObject({
      created: 5,
      updated: 0,
    });
    const stored = factory.work.artifacts().filter((artifact) => artifact.kind === "feedback");
    expect(stored.map((artifact) => [artifact.fields.externalId, artifact.version])).toEqual(
      ids.map((id) => [id, 1]),
    );
    expect(stored.map((artifact) => artifact.id).slice(0, 2)).toEqual([
      expect.stringMatching(/^zd-a_b-[0-9a-f]{16}$/),
      "zd-a_b",
    ]);
  });

  it("refuses two ids stored as the same artifact, naming both lines", async () => {
    const mapping = {
      target: "artifact",
      kind: "feedback",
      id: "id",
      title: "subject",
      system: "zd",
    } as const;
    // "a b" is stored as zd-a_b-<hash of "a b">, which is what "a_b-<that hash>" is stored as, plain.
    const taken = `a_b-${createHash("sha256").update("a b").digest("hex").slice(0, 16)}`;
    const file = write(
      "clash.jsonl",
      [JSON.stringify({ id: "a b", subject: "x" }), JSON.stringify({ id: taken, subject: "y" })].join("\n"),
    );
    const events = await factory.log.head();

    await expect(importJsonl(factory, { file, mapping })).rejects.toMatchObject({
      _tag: "ValidationError",
      message: expect.stringContaining(`${file}:2 id: `),
    });
    await expect(importJsonl(factory, { file, mapping })).rejects.toThrow(`as is id "a b" on line 1`);
    expect(await factory.log.head()).toBe(events);
  });

  it("finds a signal imported before ids were hashed under its old id instead of capturing it again", async () => {
    // What an import before ids were hashed wrote for "PROJ 12": the signal and its reference ext-zendesk-PROJ_12.
    const mapping = { target: "signal", id: "id", title: "subject", system: "zendesk" } as const;
    const signal = await factory.work.captureSignal({ text: "Checkout fails", source: "zendesk:PROJ 12" });
    await factory.work.recordArtifact({
      id: "ext-zendesk-PROJ_12",
      kind: "externalRef",
      title: "Checkout fails",
      fields: { system: "zendesk", externalId: "PROJ 12", targetKind: "signal", tags: [], target: signal.id },
    });
    const file = write("old.jsonl", JSON.stringify({ id: "PROJ 12", subject: "Checkout fails" }));
    const events = await factory.log.head();

    expect(await importJsonl(factory, { file, mapping })).toMatchObject({ created: 0, unchanged: 1 });
    expect(await factory.log.head()).toBe(events);
    const renamed = write(
      "renamed.jsonl",
      JSON.stringify({ id: "PROJ 12", subject: "Checkout fails twice" }),
    );
    expect(await importJsonl(factory, { file: renamed, mapping })).toMatchObject({ created: 0, updated: 1 });
    expect(factory.work.signals().map((each) => each.id)).toEqual([signal.id]);
    expect(factory.work.artifact("ext-zendesk-PROJ_12")?.title).toBe("Checkout fails twice");
  });

  it("versions an artifact imported before ids were hashed under its old id, and keeps ids it merged apart", async () => {
    const mapping = {
      target: "artifact",
      kind: "feedback",
      id: "id",
      title: "subject",
      system: "zd",
    } as const;
    const long = "L".repeat(200);
    // Imports before ids were hashed stored "a b" as zd-a_b and a long id cut at 128 characters.
    for (const [id, externalId] of [
      ["zd-a_b", "a b"],
      [`zd-${long}`.slice(0, 128), long],
    ] as const)
      await factory.work.recordArtifact({
        id,
        kind: "feedback",
        title: "Old",
        fields: { body: "", tags: [], source: "zd", externalId },
      });
    const file = write(
      "old.jsonl",
      [
        { id: "a b", subject: "Old" },
        { id: long, subject: "New" },
        { id: "a_b", subject: "Another record" },
      ]
        .map((record) => JSON.stringify(record))
        .join("\n"),
    );

    expect(await importJsonl(factory, { file, mapping })).toMatchObject({
      created: 1,
      updated: 1,
      unchanged: 1,
    });
    const stored = factory.work
      .artifacts()
      .map((artifact) => [artifact.id, artifact.fields.externalId, artifact.version]);
    expect(stored).toEqual([
      ["zd-a_b", "a b", 1],
      [`zd-${long}`.slice(0, 128), long, 2],
      [expect.stringMatching(/^zd-a_b-[0-9a-f]{16}$/), "a_b", 1],
    ]);
    expect(await importJsonl(factory, { file, mapping })).toMatchObject({ created: 0, unchanged: 3 });
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

  it("maps lines to knowledge documents, revising a changed record", async () => {
    const file = write("notes.jsonl", TICKETS);
    const mapping = {
      target: "document",
      kind: "insight",
      id: "id",
      title: "subject",
      body: "description",
      tags: "tags",
      line: "custom.line",
      author: "requester.name",
    } as const;
    expect(await importJsonl(factory, { file, mapping })).toMatchObject({ created: 2 });
    const documents = await factory.knowledge.fromSystem("notes");
    expect(documents.map((d) => [d.kind, d.title, d.tags, d.lines, d.source.author]).sort()).toEqual([
      ["insight", "Basket empties itself", ["basket", "login"], ["cart"], "Max Muster"],
      ["insight", "Refund never arrived", ["refund", "vip"], ["billing"], "Jane Doe"],
    ]);
    write("notes.jsonl", TICKETS.replace("two weeks ago", "three weeks ago"));
    expect(await importJsonl(factory, { file, mapping })).toMatchObject({
      created: 0,
      updated: 1,
      unchanged: 1,
    });
    const head = await factory.log.head();
    expect(await importJsonl(factory, { file, mapping })).toMatchObject({
      created: 0,
      updated: 0,
      unchanged: 2,
    });
    expect(await factory.log.head()).toBe(head);
  });

  it("maps lines to artifacts of a kind, with mapped fields", async () => {
    const file = write("feedback.jsonl", TICKETS);
    const mapping = {
      target: "artifact",
      kind: "feedback",
      id: "id",
      title: "subject",
      body: "description",
      line: "custom.line",
      fields: { channel: "via.channel" },
      system: "zendesk",
    } as const;
    expect(await importJsonl(factory, { file, mapping })).toMatchObject({ created: 2 });
    expect(factory.work.artifact("zendesk-35436")).toMatchObject({
      kind: "feedback",
      line: "billing",
      fields: { channel: "email", body: "I returned the shoes two weeks ago.", externalId: "35436" },
    });
    const head = await factory.log.head();
    expect(await importJsonl(factory, { file, mapping })).toMatchObject({ created: 0, unchanged: 2 });
    expect(await factory.log.head()).toBe(head);
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

  it("rejects a mapping that would write decisions, which need fields a line does not map", async () => {
    await expect(
      importJsonl(factory, {
        file: write("decisions.jsonl", TICKETS),
        mapping: { target: "document", kind: "decision", id: "id", title: "subject" } as never,
      }),
    ).rejects.toMatchObject({ _tag: "ValidationError", message: expect.stringContaining("mapping.kind") });
  });

  it("rejects a mapping without the paths its target needs", async () => {
    await expect(
      importJsonl(factory, {
        file: write("x.jsonl", TICKETS),
        mapping: { target: "artifact", id: "id", title: "subject" } as never,
      }),
    ).rejects.toMatchObject({ _tag: "ValidationError", message: expect.stringContaining("mapping.kind") });
  });
});
