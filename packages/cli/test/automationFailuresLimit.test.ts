/**
 * `factory automations failures -n, --limit <n>` shows the newest n failed
 * handlings (50 by default), oldest first, as `work list` and `inbox` show
 * theirs, and says how many older ones it left out; `--json` prints the same
 * cut with `count`, all of them. The failures are real: an SDK program's
 * automation that fails every attempt, on three captured signals.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openFactory } from "@software-factory/intelligence";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tellPager } from "../../mcp/test/failingAutomations.js";
import { SHOP_YAML } from "./fixtures.js";
import { runFactory } from "./runFactory.js";

const SLOW = { timeout: 120_000 };

let cwd: string;
/** The captured signals, oldest first. */
const signals: string[] = [];
const factory = (...args: string[]) => runFactory(args, { cwd });

beforeAll(async () => {
  cwd = mkdtempSync(join(tmpdir(), "factory-cli-failures-limit-"));
  writeFileSync(join(cwd, "factory.yaml"), SHOP_YAML);
  expect((await factory("plan", "apply", "factory.yaml")).code).toBe(0);
  const program = await openFactory({ dir: join(cwd, ".factory"), actor: "ana", automations: [tellPager] });
  try {
    for (const text of ["checkout is slow", "search is down", "refunds fail"])
      signals.push((await program.work.captureSignal({ text, source: "support" })).id);
    await program.automations?.idle();
  } finally {
    await program.close();
  }
}, SLOW.timeout);
afterAll(() => {
  rmSync(cwd, { recursive: true, force: true });
});

describe("factory automations failures --limit", () => {
  it("shows the newest n and says how many older ones it left out", SLOW, async () => {
    const json = await factory("automations", "failures", "-n", "2", "--json");
    expect(json.code, json.stderr).toBe(0);
    const listed = JSON.parse(json.stdout) as { failures: { event: { subject: string } }[]; count: number };
    expect(listed.failures.map((failure) => failure.event.subject)).toEqual(signals.slice(1));
    expect(listed.count).toBe(3);

    const text = await factory("automations", "failures", "--limit", "2");
    expect(text.code, text.stderr).toBe(0);
    const lines = text.stdout.trimEnd().split("\n");
    expect(lines.filter((line) => line.startsWith("tell-pager "))).toEqual([
      expect.stringContaining(signals[1] as string),
      expect.stringContaining(signals[2] as string),
    ]);
    expect(lines.slice(-2)).toEqual([
      "1 older failed handling not shown: raise --limit",
      "3 failed handlings; factory automations retry <automation> <event-id> runs one again",
    ]);

    const whole = await factory("automations", "failures");
    expect(whole.stdout).not.toContain("raise --limit");
    expect(whole.stdout.split("\n").filter((line) => line.startsWith("tell-pager "))).toHaveLength(3);
  });

  it("refuses a limit that is not a whole number of at least 1, and says its default", SLOW, async () => {
    const zero = await factory("automations", "failures", "-n", "0");
    expect(zero.code).toBe(2);
    expect(zero.stderr.split("\n")[0]).toBe('error: E_USAGE: --limit: must be at least 1 (got "0")');
    const help = (await factory("automations", "failures", "--help")).stdout.replace(/\s+/g, " ");
    expect(help).toContain("-n, --limit <n> show the newest n (default 50)");
  });
});
