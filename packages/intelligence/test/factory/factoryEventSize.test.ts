import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { defineEvent } from "@software-factory/core";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { type OpenFactoryOptions, openFactory } from "../../src/index.js";

const KiB = 1024;
const MiB = 1024 * KiB;
const NoteAdded = defineEvent("note.added", z.object({ text: z.string() }));

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "factory-event-size-"));
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe("openFactory's maxEventBytes", () => {
  it("lowers the log's size limit per event, for the factory's own writes too", async () => {
    await using factory = await openFactory({ dir, events: [NoteAdded], maxEventBytes: 64 * KiB });
    await factory.log.append({ type: "note.added", subject: "n1", data: { text: "x".repeat(60 * KiB) } });
    const head = await factory.log.head();
    await expect(
      factory.log.append({ type: "note.added", subject: "n2", data: { text: "x".repeat(70 * KiB) } }),
    ).rejects.toMatchObject({
      _tag: "ValidationError",
      message: expect.stringContaining("over the limit of 65,536 bytes per event"),
    });
    await expect(
      factory.knowledge.capture({
        kind: "note",
        title: "A long note",
        body: "y".repeat(70 * KiB),
        source: { system: "meeting", author: "ana" },
      }),
    ).rejects.toMatchObject({ _tag: "ValidationError", message: expect.stringContaining("65,536 bytes") });
    expect(await factory.log.head()).toBe(head);
  });

  it("raises it above the default of 16 MiB", async () => {
    const text = "x".repeat(17 * MiB);
    {
      await using factory = await openFactory({ dir, events: [NoteAdded] });
      await expect(
        factory.log.append({ type: "note.added", subject: "n1", data: { text } }),
      ).rejects.toMatchObject({ message: expect.stringContaining("over the limit of 16 MiB per event") });
    }
    await using factory = await openFactory({ dir, events: [NoteAdded], maxEventBytes: 32 * MiB });
    const [stored] = await factory.log.append({ type: "note.added", subject: "n1", data: { text } });
    expect(stored?.data).toEqual({ text });
  });

  it("is refused unless a positive integer of at most 256 MiB, naming maxEventBytes, before creating anything", async () => {
    const fresh = join(dir, "never-created");
    for (const maxEventBytes of [0, 1.5, 257 * MiB, "16MiB"]) {
      await expect(openFactory({ dir: fresh, maxEventBytes } as OpenFactoryOptions)).rejects.toMatchObject({
        _tag: "ValidationError",
        message: expect.stringMatching(/^openFactory options is invalid: maxEventBytes: /),
        issues: [{ path: "maxEventBytes" }],
      });
    }
    expect(existsSync(fresh)).toBe(false);
  });
});
