/**
 * What the user typed, told back in the command line's words: a malformed
 * flag value or argument is E_USAGE (exit 2) naming it, with every problem;
 * an id that names nothing is E_NOT_FOUND (exit 1) naming the flag. The first
 * line of standard error is `error: <code>: <message>`, whatever follows.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openEventLog } from "@software-factory/core";
import { openFactory } from "@software-factory/intelligence";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BROKEN_YAML, SHOP_YAML } from "./fixtures.js";
import { type RunResult, runCliCapturing, runFactory } from "./runFactory.js";

let cwd: string;
const factory = (...args: string[]) => runFactory(args, { cwd });
/** Each test runs the bin several times, a few seconds each on a loaded machine. */
const SLOW = { timeout: 240_000 };

beforeAll(async () => {
  cwd = mkdtempSync(join(tmpdir(), "factory-cli-errors-"));
  writeFileSync(join(cwd, "factory.yaml"), SHOP_YAML);
  writeFileSync(join(cwd, "broken.yaml"), BROKEN_YAML);
  writeFileSync(join(cwd, "tickets.jsonl"), `${JSON.stringify({ id: "T-1", subject: "refunds fail" })}\n`);
  expect((await factory("init", "--plan", "factory.yaml")).code).toBe(0);
}, SLOW.timeout);

afterAll(() => {
  rmSync(cwd, { recursive: true, force: true });
});

/** The first line of standard error: the code and the message, as scripts read it. */
const firstLine = (result: RunResult) => result.stderr.split("\n")[0];

/** Work items of the factory, to show a refused command wrote nothing. */
async function workItems(): Promise<unknown[]> {
  return JSON.parse((await factory("work", "list", "--json")).stdout) as unknown[];
}

describe("a malformed flag value", () => {
  it("names each field of a JSON flag that is wrong, not only the first", SLOW, async () => {
    const result = await factory("import", "jsonl", "tickets.jsonl", "--mapping", '{"target":"signal"}');
    expect(result.code).toBe(2);
    expect(firstLine(result)).toBe(
      'error: E_USAGE: --mapping: id: required (a string); title: required (a string) (got {"target":"signal"})',
    );

    const both = await factory(
      "import",
      "jsonl",
      "tickets.jsonl",
      "--mapping",
      '{"target":"signal","id":"","title":"subject","system":"Zendesk"}',
    );
    expect(both.code).toBe(2);
    expect(firstLine(both)).toContain(
      "--mapping: id: a field path must not be empty; system: system must be a short lowercase name",
    );
  });

  it("is a usage error naming the flag or argument when the SDK refuses it", SLOW, async () => {
    const cases: [args: string[], message: string][] = [
      [["search", ""], "error: E_USAGE: <query>: the query is empty"],
      [["search", "x".repeat(4001)], "error: E_USAGE: <query>: "],
      [
        ["work", "create", "--line", "checkout", "--flow", "weird", "fix it"],
        'error: E_USAGE: --flow: unknown flow "weird"',
      ],
      [["signal", "capture", "--source", "s", ""], "error: E_USAGE: <text>: text must not be empty"],
      [
        ["signal", "capture", "--source", " ", "refunds fail"],
        "error: E_USAGE: --source: source must not be empty",
      ],
      [
        ["metrics", "--since", "2026-12-01", "--until", "2026-01-01"],
        'error: E_USAGE: --until: must be after --since (got --since "2026-12-01", --until "2026-01-01")',
      ],
      [["metrics", "--since", "2999-01-01"], "error: E_USAGE: --since: must be before now"],
    ];
    for (const [args, message] of cases) {
      const result = await factory(...args);
      expect(result.code, args.join(" ")).toBe(2);
      expect(firstLine(result), args.join(" ")).toContain(message);
    }
    expect(await workItems()).toEqual([]);
  });
});

describe("an id that names nothing", () => {
  it("is E_NOT_FOUND naming the flag, and nothing is written", SLOW, async () => {
    const signal = await factory("work", "create", "--line", "checkout", "--signal", "sig_nope", "fix it");
    expect(signal.code).toBe(1);
    expect(signal.stderr).toBe('error: E_NOT_FOUND: --signal: no signal "sig_nope" in this factory\n');

    const line = await factory("work", "create", "--line", "nope", "fix it");
    expect(line.code).toBe(1);
    expect(line.stderr).toBe('error: E_NOT_FOUND: --line: no line "nope" in this factory\n');

    const owner = await factory("work", "create", "--line", "checkout", "--owner", "nobody", "fix it");
    expect(owner.code).toBe(1);
    expect(owner.stderr).toBe('error: E_NOT_FOUND: --owner: no operator "nobody" in this factory\n');

    const routed = await factory("signal", "capture", "--source", "s", "--line", "nope", "refunds fail");
    expect(routed.code).toBe(1);
    expect(routed.stderr).toBe('error: E_NOT_FOUND: --line: no line "nope" in this factory\n');

    expect(await workItems()).toEqual([]);
  });
});

describe("the error lines", () => {
  it("start with one line of code and message; more lines may follow", SLOW, async () => {
    const usage = await factory("search", "refunds", "--limit", "-5");
    expect(usage.code).toBe(2);
    expect(usage.stderr).toBe(
      'error: E_USAGE: --limit: must be at least 1 (got "-5")\n(run with --help for usage)\n',
    );

    const plan = await factory("--dir", "other", "init", "--plan", "broken.yaml");
    expect(plan.code).toBe(1);
    expect(firstLine(plan)).toMatch(/^error: E_VALIDATION: broken\.yaml is invalid/);
    expect(plan.stderr.split("\n").length).toBeGreaterThan(2);
  });
});

describe("factory automations run", () => {
  it("reports what this run handled, so two runs at once add up to the log's records", SLOW, async () => {
    const dir = mkdtempSync(join(tmpdir(), "factory-cli-automations-"));
    const signals = 50;
    try {
      writeFileSync(join(dir, "factory.yaml"), SHOP_YAML);
      expect((await runFactory(["init", "--plan", "factory.yaml"], { cwd: dir })).code).toBe(0);
      const opened = await openFactory({ dir: join(dir, ".factory") });
      try {
        for (let index = 0; index < signals; index++)
          await opened.work.captureSignal({ text: `checkout cart broken (${index})`, source: "support" });
      } finally {
        await opened.close();
      }

      // Two runs over the same SQLite file, started together: both handle events until the head.
      const args = ["--dir", join(dir, ".factory"), "--actor", "tester", "automations", "run", "--json"];
      const runs = await Promise.all([runCliCapturing(args), runCliCapturing(args)]);
      const reported = new Map<string, number>();
      for (const run of runs) {
        expect(run.code, run.stderr).toBe(0);
        const report = JSON.parse(run.stdout) as { automations: { name: string; handled: number }[] };
        for (const { name, handled } of report.automations)
          reported.set(name, (reported.get(name) ?? 0) + handled);
      }

      // A mark counts one handling, an automation.advanced the handlings that emitted nothing.
      const log = await openEventLog({ path: join(dir, ".factory", "factory.db") });
      const recorded = new Map<string, number>();
      try {
        for await (const event of log.readAll({ types: ["automation.handled", "automation.advanced"] })) {
          const data = event.data as { automation: string; handled?: number };
          const count = event.type === "automation.advanced" ? (data.handled ?? 0) : 1;
          recorded.set(data.automation, (recorded.get(data.automation) ?? 0) + count);
        }
      } finally {
        await log.close();
      }
      // Each signal was handled by one run or by both: a handling that emits nothing may run in both.
      expect(recorded.get("route-new-signals")).toBeGreaterThanOrEqual(signals);
      expect(recorded.get("route-new-signals")).toBeLessThanOrEqual(2 * signals);
      for (const [name, count] of reported) expect(count, name).toBe(recorded.get(name) ?? 0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
