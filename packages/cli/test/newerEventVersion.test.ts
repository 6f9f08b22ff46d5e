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
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  appendNewerEvent,
  logHead,
  NEWER_LINE,
  NEWER_NOTE,
  NEWER_WORK_ITEM,
} from "../../core/test/fixtures/newerEvent.js";
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
    await appendNewerEvent(db(), NEWER_LINE);
    const before = await logHead(db());
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
    expect(await logHead(db())).toBe(before);
  });

  it("refuses the commands that read the knowledge base over a newer knowledge event, writing nothing", async () => {
    await appendNewerEvent(db(), NEWER_NOTE);
    const before = await logHead(db());
    for (const args of [
      ["search", "refunds"],
      ["knowledge", "list"],
      ["check"],
      ["context", "--line", "checkout"],
      ["import", "docs", "docs"],
    ])
      await expectRefused("knowledge.document.captured", args);
    expect(await logHead(db())).toBe(before);
  });

  it("refuses the work commands over a newer work item event", async () => {
    await appendNewerEvent(db(), NEWER_WORK_ITEM);
    const before = await logHead(db());
    for (const args of [
      ["work", "list"],
      ["work", "create", "--line", "checkout", "Refunds by link"],
    ])
      await expectRefused("work.created", args);
    expect(await logHead(db())).toBe(before);
  });
});
