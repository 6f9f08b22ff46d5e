import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ValidationError } from "@software-factory/core";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type Factory, openFactory } from "../../src/index.js";

const KiB = 1024;
const MiB = 1024 * KiB;

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "factory-artifact-size-"));
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** A factory on a real SQLite file with one line and a work item on it. */
async function factoryWithItem(maxEventBytes?: number): Promise<{ factory: Factory; item: string }> {
  const factory = await openFactory({ dir, ...(maxEventBytes === undefined ? {} : { maxEventBytes }) });
  await factory.floorplan.applyPlan({
    operators: [{ id: "ana" }],
    lines: [{ id: "checkout", owner: "ana" }],
  });
  const item = await factory.work.createWorkItem({ line: "checkout", title: "Pay by card" });
  return { factory, item: item.id };
}

describe("an artifact whose fields are too large for one event", () => {
  it("is refused at fields, naming both sizes and openFactory's maxEventBytes, and writes nothing", async () => {
    const { factory, item } = await factoryWithItem();
    const head = await factory.log.head();
    const error = await factory.work
      .recordArtifact({
        kind: "requirement",
        title: "big",
        workItem: item,
        fields: { body: "x".repeat(17 * MiB) },
      })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues).toEqual([
      {
        path: "fields",
        message:
          "is 17.00 MiB serialized; the event recording it may take at most 16 MiB: keep large content " +
          "outside the log and store a reference to it, or raise maxEventBytes (an option of openFactory and of openEventLog)",
      },
    ]);
    expect((error as ValidationError).message).toMatch(
      /^artifact is invalid: fields: is 17\.00 MiB serialized/,
    );
    expect(await factory.log.head()).toBe(head);
    await factory.close();
  });

  it("names the artifact of a batch by its index, measured against the factory's maxEventBytes", async () => {
    const { factory, item } = await factoryWithItem(64 * KiB);
    const head = await factory.log.head();
    const error = await factory.work
      .recordArtifacts([
        { kind: "requirement", title: "small", workItem: item, fields: { body: "fits" } },
        { kind: "design", title: "big", workItem: item, fields: { notes: ["é".repeat(40 * KiB)] } },
      ])
      .catch((caught: unknown) => caught);
    expect(error).toMatchObject({
      _tag: "ValidationError",
      issues: [
        {
          path: "fields",
          message: expect.stringMatching(/^is 81,9\d\d bytes serialized; .* at most 65,536 bytes/),
        },
      ],
    });
    expect((error as ValidationError).message).toMatch(/^artifacts\[1\] is invalid: fields: /);
    expect(await factory.log.head()).toBe(head);
    const fits = await factory.work.recordArtifact({
      kind: "design",
      title: "fits",
      workItem: item,
      fields: { notes: ["é".repeat(20 * KiB)] },
    });
    expect(fits.changed).toBe(true);
    await factory.close();
  });
});
