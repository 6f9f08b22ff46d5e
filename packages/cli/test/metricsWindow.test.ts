/**
 * `factory metrics` measures the window MCP's get_metrics does: the default
 * one ends a millisecond after now (exclusive) and starts 30 days before its
 * end, and the text output states it.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SHOP_YAML } from "./fixtures.js";
import { runFactory } from "./runFactory.js";

let cwd: string;
const factory = (...args: string[]) => runFactory(args, { cwd });
const DAYS_30 = 30 * 86_400_000;
/** The bin runs a few times, a few seconds each on a loaded machine. */
const SLOW = { timeout: 240_000 };

beforeAll(async () => {
  cwd = mkdtempSync(join(tmpdir(), "factory-cli-metrics-window-"));
  writeFileSync(join(cwd, "factory.yaml"), SHOP_YAML);
  expect((await factory("plan", "apply", "factory.yaml")).code).toBe(0);
});
afterAll(() => {
  rmSync(cwd, { recursive: true, force: true });
});

describe("factory metrics' window", () => {
  it("ends a millisecond after now by default and starts 30 days before", SLOW, async () => {
    const before = Date.now();
    const result = await factory("metrics", "--json");
    const after = Date.now();
    expect(result.code).toBe(0);
    const { window } = JSON.parse(result.stdout) as { window: { from: string; to: string } };
    const to = Date.parse(window.to);
    expect(to).toBeGreaterThan(before);
    expect(to).toBeLessThanOrEqual(after + 1);
    expect(to - Date.parse(window.from)).toBe(DAYS_30);
  });

  it("starts 30 days before --until when --since is not given, and says so in the text", SLOW, async () => {
    const json = await factory("metrics", "--until", "2026-06-01", "--json");
    expect(json.stderr).toBe("");
    expect(JSON.parse(json.stdout).window).toMatchObject({
      from: "2026-05-02T00:00:00.000Z",
      to: "2026-06-01T00:00:00.000Z",
    });
    const text = await factory("metrics", "--since", "2026-05-02T06:30:00Z", "--until", "2026-06-01");
    expect(text.stdout.split("\n")[0]).toBe("measures 2026-05-02T06:30:00.000Z .. 2026-06-01 (end excluded)");
  });
});
