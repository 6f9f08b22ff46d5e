/**
 * `factory` over a factory folder into whose log a newer SDK appended an event
 * stored at a newer version of its type than this code defines: every command
 * that reads that part of the log refuses with `error: E_EVENT_VERSION: ...`
 * naming the event, exit 1 (the operation failed), no stack trace, and writes
 * nothing.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openSqliteEventStore } from "@software-factory/core/sqlite";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { SHOP_YAML } from "./fixtures.js";
import { type RunResult, runFactory } from "./runFactory.js";

let root: string;
let dir: string;
const db = () => join(dir, "factory.db");

beforeEach(async () => {
  root = mkdtempSync(join(tmpdir(), "factory-cli-newer-event-"));
  dir = join(root, ".factory");
  writeFileSync(join(root, "factory.yaml"), SHOP_YAML);
  mkdirSync(join(root, "docs"));
  writeFileSync(join(root, "docs", "refunds.md"), "# Refunds\n\nRefunds take a day.\n");
  expect((await factory("init", "--plan", "factory.yaml")).code).toBe(0);
});
afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

function factory(...args: string[]): Promise<RunResult> {
  return runFactory(["--dir", dir, ...args], { cwd: root });
}

/** A newer SDK's process appends an event of `type` at version 9 to the factory's file. */
async function appendNewerEvent(type: string, subject: string, data: unknown): Promise<void> {
  const store = openSqliteEventStore({ path: db() });
  try {
    await store.append(
      [
        {
          id: `evt_newer_${subject}`,
          type,
          v: 9,
          at: new Date(0).toISOString(),
          actor: "newer-sdk",
          subject,
          data,
        },
      ],
      {},
    );
  } finally {
    await store.close();
  }
}

/** The position of the last event of the factory's log. */
async function head(): Promise<number> {
  const store = openSqliteEventStore({ path: db() });
  try {
    return await store.head();
  } finally {
    await store.close();
  }
}

/** Runs `args` and checks it refused with the EventVersionError of the event of `type`, and nothing else. */
async function expectRefused(type: string, args: string[]): Promise<void> {
  const { code, stdout, stderr } = await factory(...args);
  expect({ args, code, stdout }).toEqual({ args, code: 1, stdout: "" });
  expect(stderr).toMatch(
    new RegExp(
      `^error: E_EVENT_VERSION: event "${type}" at position \\d+ \\(id evt_newer_\\S+\\) is stored at version 9, but this code knows "${type}" up to version 1: .*; upgrade to read it\\n$`,
    ),
  );
  expect(stderr).not.toMatch(/^\s+at /m);
}

describe("factory over a log holding an event a newer SDK wrote", () => {
  it("refuses the reads and writes that meet a newer floor-plan event, writing nothing", async () => {
    await appendNewerEvent("floorplan.line.declared", "refunds", { id: "refunds", order: 3 });
    const before = await head();
    for (const args of [
      ["work", "list"],
      ["check"],
      ["who-owns", "src/checkout/cart.ts"],
      ["floorplan"],
      ["plan", "apply", "factory.yaml"],
      ["work", "create", "--line", "checkout", "Refunds by link"],
      ["knowledge", "capture", "--kind", "note", "--title", "Refunds", "--body", "A day."],
    ])
      await expectRefused("floorplan.line.declared", args);
    expect(await head()).toBe(before);
  });

  it("refuses the commands that read the knowledge base over a newer knowledge event, writing nothing", async () => {
    await appendNewerEvent("knowledge.document.captured", "doc_newer", {
      kind: "note",
      title: "Refunds",
      body: "Refunds take a day.",
      source: { system: "newer" },
    });
    const before = await head();
    for (const args of [
      ["search", "refunds"],
      ["knowledge", "list"],
      ["check"],
      ["context", "--line", "checkout"],
      ["import", "docs", "docs"],
    ])
      await expectRefused("knowledge.document.captured", args);
    expect(await head()).toBe(before);
  });

  it("refuses the work commands over a newer work item event", async () => {
    await appendNewerEvent("work.created", "wi_newer", { item: { heading: "Refunds" } });
    const before = await head();
    for (const args of [
      ["work", "list"],
      ["work", "create", "--line", "checkout", "Refunds by link"],
    ])
      await expectRefused("work.created", args);
    expect(await head()).toBe(before);
  });
});
