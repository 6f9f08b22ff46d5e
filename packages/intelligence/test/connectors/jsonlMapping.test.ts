import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { importJsonl } from "../../src/connectors/jsonl.js";
import type { Factory } from "../../src/index.js";
import { jsonlFolder, signalMapping, TICKETS } from "./jsonlFixture.js";
import { openTestFactory } from "./testFactory.js";

const { write } = jsonlFolder();

let factory: Factory;
let remove: () => Promise<void>;
beforeEach(async () => {
  ({ factory, remove } = await openTestFactory());
});
afterEach(() => remove());

describe("importJsonl maps lines to signals, documents and artifacts", () => {
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
