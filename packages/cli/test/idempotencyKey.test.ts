/**
 * `factory signal capture` and `factory work create` take
 * `--idempotency-key`, as `captureSignal`, `createWorkItem` and the MCP tools
 * do: a CI job that retries a command with its key writes once, and a key
 * reused for other input is refused with the SDK's E_IDEMPOTENCY_CONFLICT
 * naming the flag. The built bin, run as a subprocess, on a real SQLite file.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openFactory } from "@software-factory/intelligence";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SHOP_YAML } from "./fixtures.js";
import { type RunResult, runFactory } from "./runFactory.js";

let cwd: string;
/** The bin runs several times per test, a few seconds each on a loaded machine. */
const SLOW = { timeout: 240_000 };

const factory = (...args: string[]) => runFactory(["--dir", ".factory", ...args], { cwd });
const firstLine = (result: RunResult) => result.stderr.split("\n")[0];
const idOf = (result: RunResult) => (JSON.parse(result.stdout) as { id: string }).id;

/** What the factory holds, read through the SDK from the file the bin wrote. */
async function recorded(): Promise<{ signals: string[]; items: string[] }> {
  const opened = await openFactory({ dir: join(cwd, ".factory") });
  try {
    await opened.work.refresh();
    return {
      signals: opened.work.signals().map((signal) => signal.text),
      items: opened.work.list().map((item) => item.title),
    };
  } finally {
    await opened.close();
  }
}

beforeAll(async () => {
  cwd = mkdtempSync(join(tmpdir(), "factory-idempotency-key-"));
  writeFileSync(join(cwd, "factory.yaml"), SHOP_YAML);
  expect((await factory("init", "--plan", "factory.yaml")).code).toBe(0);
}, SLOW.timeout);

afterAll(() => {
  rmSync(cwd, { recursive: true, force: true });
});

describe("factory signal capture --idempotency-key", () => {
  const capture = (key: string, text: string) =>
    factory("signal", "capture", "--source", "ci", "--idempotency-key", key, "--json", text);

  it("captures a retried signal once, and refuses the key for other text naming the flag", SLOW, async () => {
    const first = await capture("ci-run-7", "Checkout times out");
    expect(first.code, first.stderr).toBe(0);
    const retried = await capture("ci-run-7", "Checkout times out");
    expect(retried.code, retried.stderr).toBe(0);
    expect(idOf(retried)).toBe(idOf(first));

    const other = await capture("ci-run-7", "Checkout is slow");
    expect(other.code).toBe(1);
    expect(firstLine(other)).toBe(
      `error: E_IDEMPOTENCY_CONFLICT: --idempotency-key: idempotency key "ci-run-7" was already used to capture signal ${idOf(first)} with a different text; use a new key`,
    );
    expect((await recorded()).signals.filter((text) => text.startsWith("Checkout"))).toEqual([
      "Checkout times out",
    ]);
  });
});

describe("factory work create --idempotency-key", () => {
  const create = (key: string, title: string) =>
    factory("work", "create", "--line", "checkout", "--idempotency-key", key, "--json", title);

  it("creates a retried item once, and refuses the key for another title naming the flag", SLOW, async () => {
    const first = await create("ci-run-8", "Pay by link");
    expect(first.code, first.stderr).toBe(0);
    const retried = await create("ci-run-8", "Pay by link");
    expect(retried.code, retried.stderr).toBe(0);
    expect(idOf(retried)).toBe(idOf(first));

    const other = await create("ci-run-8", "Pay by card");
    expect(other.code).toBe(1);
    expect(firstLine(other)).toBe(
      `error: E_IDEMPOTENCY_CONFLICT: --idempotency-key: idempotency key "ci-run-8" was already used to create work item ${idOf(first)} with a different title; use a new key`,
    );
    expect((await recorded()).items.filter((title) => title.startsWith("Pay by"))).toEqual(["Pay by link"]);
  });

  it("refuses a capture's key for a work item, naming the flag", SLOW, async () => {
    const captured = await factory(
      "signal",
      "capture",
      "--source",
      "ci",
      "--idempotency-key",
      "ci-run-9",
      "--json",
      "Refunds fail",
    );
    expect(captured.code, captured.stderr).toBe(0);
    const reused = await create("ci-run-9", "Fix refunds");
    expect(reused.code).toBe(1);
    expect(firstLine(reused)).toBe(
      `error: E_IDEMPOTENCY_CONFLICT: --idempotency-key: idempotency key "ci-run-9" was already used to capture signal ${idOf(captured)}, not to create a work item; use a new key`,
    );
    expect((await recorded()).items).not.toContain("Fix refunds");
  });
});

describe("a malformed --idempotency-key", () => {
  it.each([
    [["signal", "capture", "--source", "ci", "Slow pages"]],
    [["work", "create", "--line", "checkout", "Faster pages"]],
  ])("is E_USAGE naming the flag for factory %j, writing nothing", SLOW, async (args) => {
    const empty = await factory(...args, "--idempotency-key", "");
    expect(empty.code).toBe(2);
    expect(firstLine(empty)).toBe('error: E_USAGE: --idempotency-key: must not be empty (got "")');

    const long = await factory(...args, "--idempotency-key", "k".repeat(201));
    expect(long.code).toBe(2);
    expect(firstLine(long)).toBe(
      `error: E_USAGE: --idempotency-key: must be at most 200 characters (got "${"k".repeat(60)}"... (201 characters))`,
    );

    const { signals, items } = await recorded();
    expect(signals).not.toContain("Slow pages");
    expect(items).not.toContain("Faster pages");
  });
});
