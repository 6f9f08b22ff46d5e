import { createHash } from "node:crypto";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { importJsonl } from "../../src/connectors/jsonl.js";
import type { Factory } from "../../src/index.js";
import { feedbackMapping, jsonlFolder, signalMapping } from "./jsonlFixture.js";
import { openTestFactory } from "./testFactory.js";

const { write } = jsonlFolder();

let factory: Factory;
let remove: () => Promise<void>;
beforeEach(async () => {
  ({ factory, remove } = await openTestFactory());
});
afterEach(() => remove());

describe("importJsonl keeps each record under its own id", () => {
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
    expect(await importJsonl(factory, { file, mapping: feedbackMapping })).toMatchObject({
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
    // "a b" is stored as zd-a_b-<hash of "a b">, which is what "a_b-<that hash>" is stored as, plain.
    const taken = `a_b-${createHash("sha256").update("a b").digest("hex").slice(0, 16)}`;
    const file = write(
      "clash.jsonl",
      [JSON.stringify({ id: "a b", subject: "x" }), JSON.stringify({ id: taken, subject: "y" })].join("\n"),
    );
    const events = await factory.log.head();

    await expect(importJsonl(factory, { file, mapping: feedbackMapping })).rejects.toMatchObject({
      _tag: "ValidationError",
      message: expect.stringContaining(`${file}:2 id: `),
    });
    await expect(importJsonl(factory, { file, mapping: feedbackMapping })).rejects.toThrow(
      `as is id "a b" on line 1`,
    );
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

    expect(await importJsonl(factory, { file, mapping: feedbackMapping })).toMatchObject({
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
    expect(await importJsonl(factory, { file, mapping: feedbackMapping })).toMatchObject({
      created: 0,
      unchanged: 3,
    });
  });
});
