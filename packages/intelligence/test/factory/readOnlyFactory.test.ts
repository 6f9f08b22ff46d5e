import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createMemoryEventStore, ReadOnlyError } from "@software-factory/core";
import { defineAutomation, openFactory } from "@software-factory/intelligence";
import { afterEach, describe, expect, it } from "vitest";
import {
  folderDigest,
  makeReadOnly,
  makeWritable,
  runUnprivileged,
} from "../../../core/test/fixtures/runUnprivileged.js";

const child = join(import.meta.dirname, "..", "fixtures", "readOnlyFactoryChild.ts");
const roots: string[] = [];
afterEach(() => {
  for (const root of roots.splice(0)) {
    makeWritable(root);
    rmSync(root, { recursive: true, force: true });
  }
});

/** A factory folder with a line, its owner and a decision note, closed. */
async function writtenFactory(): Promise<string> {
  const root = mkdtempSync(join(tmpdir(), "factory-read-only-"));
  roots.push(root);
  const dir = join(root, ".factory");
  const factory = await openFactory({ dir });
  await factory.floorplan.applyPlan({
    operators: [{ id: "ana" }],
    lines: [{ id: "payments", owner: "ana", paths: ["src/payments/**"], description: "Payment processing" }],
  });
  await factory.knowledge.capture({
    kind: "note",
    title: "Why PostgreSQL",
    body: "We picked PostgreSQL for payments.",
    source: { system: "test" },
    lines: ["payments"],
  });
  await factory.close();
  return dir;
}

/** The error a promise rejects with. */
const rejection = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (error: unknown) => error,
  );

describe("a factory opened read-only", () => {
  it("reads every part, refuses each write with a ReadOnlyError, and leaves the folder byte for byte as it was", async () => {
    const dir = await writtenFactory();
    // Without caches every part folds the log, and a factory that may write would save them on close.
    rmSync(join(dir, "cache"), { recursive: true });
    const before = folderDigest(dir);

    const factory = await openFactory({ dir, readOnly: true });
    expect(factory.readOnly).toBe(true);
    expect(factory.floorplan.ownerOf(factory.floorplan.lineForPath("src/payments/pay.ts") ?? "")).toBe("ana");
    const { hits } = await factory.knowledge.search("postgres");
    expect(hits.map((hit) => hit.document.title)).toEqual(["Why PostgreSQL"]);
    const path = join(dir, "factory.db");
    const message = `cannot write to the event store at ${path}: it was opened read-only (readOnly: true); it can be read, and nothing was written`;
    const captured = await rejection(
      factory.knowledge.capture({
        kind: "note",
        title: "No",
        body: "Not written.",
        source: { system: "test" },
      }),
    );
    expect(captured).toBeInstanceOf(ReadOnlyError);
    expect(captured).toMatchObject({ code: "E_READ_ONLY", path, message });
    expect(
      await rejection(factory.work.createWorkItem({ line: "payments", title: "Refunds" })),
    ).toMatchObject({
      code: "E_READ_ONLY",
      message,
    });
    await factory.close();

    expect(readdirSync(dir)).toEqual(["factory.db"]);
    expect(folderDigest(dir)).toEqual(before);
  });

  it("refuses automations with a ReadOnlyError naming the folder, before anything runs", async () => {
    const dir = await writtenFactory();
    const before = folderDigest(dir);
    const automation = defineAutomation({
      name: "greet",
      description: "Greets every captured document.",
      on: ["knowledge.document.captured"],
      run: () => {},
    });

    const error = await rejection(openFactory({ dir, readOnly: true, automations: [automation] }));
    expect(error).toBeInstanceOf(ReadOnlyError);
    expect(error).toMatchObject({
      path: dir,
      message: `cannot run automations on the factory at ${dir}: it is open read-only, and an automation records each event it handles; open it where it can be written, or without automations`,
    });
    expect(folderDigest(dir)).toEqual(before);
  });

  it("refuses the appends of a store object given with it, naming the store", async () => {
    const root = mkdtempSync(join(tmpdir(), "factory-read-only-memory-"));
    roots.push(root);
    const factory = await openFactory({
      dir: join(root, ".factory"),
      store: createMemoryEventStore(),
      readOnly: true,
    });
    const error = await rejection(
      factory.knowledge.capture({
        kind: "note",
        title: "No",
        body: "Not written.",
        source: { system: "test" },
      }),
    );
    expect(error).toMatchObject({
      code: "E_READ_ONLY",
      message:
        "cannot write to the memory store: the factory was opened read-only (readOnly: true); it can be read, and nothing was written",
    });
    expect(await factory.log.head()).toBe(0);
    await factory.close();
    expect(readdirSync(root)).toEqual([]);
  });
});

describe("a factory in a folder this process may not write", () => {
  it("opens read-only by itself: it reads, and a capture is a ReadOnlyError naming the folder", async () => {
    const dir = await writtenFactory();
    makeReadOnly(dir);
    const before = folderDigest(dir);

    const run = await runUnprivileged(child, [dir]);
    expect(run.code, run.stderr).toBe(0);
    const path = join(dir, "factory.db");
    expect(JSON.parse(run.stdout)).toEqual({
      readOnly: true,
      owner: "ana",
      hits: ["Why PostgreSQL"],
      refused: {
        tag: "ReadOnlyError",
        code: "E_READ_ONLY",
        path: dir,
        message: `cannot write to the event store at ${path}: the folder ${dir} is read-only for this process (permission denied); it can be read, and nothing was written`,
      },
    });
    expect(folderDigest(dir)).toEqual(before);
  });
});
