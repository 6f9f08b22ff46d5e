import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SHOP_YAML } from "./fixtures.js";
import { runFactory } from "./runFactory.js";

let cwd: string;
const factory = (...args: string[]) => runFactory(["--dir", ".factory", ...args], { cwd });
/** Each test runs the bin several times, a few seconds each on a loaded machine. */
const SLOW = { timeout: 240_000 };

beforeAll(async () => {
  cwd = mkdtempSync(join(tmpdir(), "factory-cli-context-"));
  writeFileSync(join(cwd, "factory.yaml"), SHOP_YAML);
  expect((await factory("init", "--plan", "factory.yaml")).code).toBe(0);
});

afterAll(() => {
  rmSync(cwd, { recursive: true, force: true });
});

describe("factory context", () => {
  it("prints the pack of a line as markdown, and as the JSON pack with --json", SLOW, async () => {
    const text = await factory("context", "--line", "checkout");
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/^# Context/);
    expect(text.stdout).toContain("### checkout (`checkout`)");
    expect(text.stdout).toContain("- Owner: ana");
    expect(text.stdout).toContain("- Depends on: payments (api, high, owner bo)");
    // The rules of both packs the CLI installs: the line's in full, those on the process by id.
    expect(text.stdout).toContain("`line-has-owner` (error)");
    expect(text.stdout).toMatch(/\nProcess rules, by id: .*`requirement-has-acceptance-criteria`/);

    const json = await factory("context", "--line", "checkout", "--budget", "4000", "--json");
    expect(json.code, json.stderr).toBe(0);
    const pack = JSON.parse(json.stdout);
    expect(pack.lines.map((line: { line: { id: string } }) => line.line.id)).toEqual(["checkout"]);
    expect(pack.budgetTokens).toBe(4000);
    expect(pack.tokens).toBeLessThanOrEqual(4000);
    expect(pack.standards.rules.map((rule: { id: string }) => rule.id)).toContain("signal-routed-within-sla");
  });

  it("packs a work item, paths and a question", SLOW, async () => {
    const created = await factory("work", "create", "--line", "payments", "Refund", "by", "link", "--json");
    expect(created.code, created.stderr).toBe(0);
    const item = JSON.parse(created.stdout).id as string;
    const forItem = await factory("context", "--work-item", item);
    expect(forItem.code, forItem.stderr).toBe(0);
    expect(forItem.stdout).toContain(`## Work item ${item}: Refund by link`);
    expect(forItem.stdout).toContain("### payments (`payments`)");

    const forPaths = await factory(
      "context",
      "--path",
      "src/search/index.ts",
      "src/payments/refund.ts",
      "--json",
    );
    expect(forPaths.code, forPaths.stderr).toBe(0);
    const lines = JSON.parse(forPaths.stdout).lines.map((line: { line: { id: string } }) => line.line.id);
    expect(lines.sort()).toEqual(["payments", "search"]);

    const forQuestion = await factory("context", "--question", "how do refunds work?");
    expect(forQuestion.code, forQuestion.stderr).toBe(0);
    expect(forQuestion.stdout).toMatch(/^# Context/);
  });

  it("says what is wrong: nothing to pack, an unknown line or item, a budget too small", SLOW, async () => {
    const nothing = await factory("context");
    expect(nothing.code).toBe(2);
    expect(nothing.stderr).toMatch(/^error: E_USAGE: say what the pack is about: --work-item/);

    const empty = await factory("context", "--question", "  ");
    expect(empty.code).toBe(2);
    expect(empty.stderr).toContain("E_USAGE: --question: must not be empty");

    const line = await factory("context", "--line", "ghost");
    expect(line.code).toBe(1);
    expect(line.stderr).toMatch(/^error: E_NOT_FOUND: --line: no line "ghost"/);

    const item = await factory("context", "--work-item", "wi_nope");
    expect(item.code).toBe(1);
    expect(item.stderr).toMatch(/^error: E_NOT_FOUND: --work-item: no work item "wi_nope"/);

    const small = await factory("context", "--line", "checkout", "--budget", "5");
    expect(small.code).toBe(2);
    expect(small.stderr).toMatch(
      /^error: E_USAGE: --budget: 5 is below the \d+ tokens that the line checkout/,
    );
    expect(small.stderr).toMatch(/ask for at least \d+/);
    expect(small.stderr).not.toContain("    at ");

    const notNumber = await factory("context", "--line", "checkout", "--budget", "lots");
    expect(notNumber.code).toBe(2);
    expect(notNumber.stderr).toContain("E_USAGE: --budget: must be a whole number");
  });

  it("refuses a budget or a question over the limits get_context has, naming the flag", SLOW, async () => {
    const budget = await factory("context", "--line", "checkout", "--budget", "1000000");
    expect(budget.code).toBe(2);
    expect(budget.stderr).toMatch(
      /^error: E_USAGE: --budget: must be at most 20000 tokens \(got "1000000"\)/,
    );

    const question = await factory("context", "--question", "a".repeat(5000));
    expect(question.code).toBe(2);
    expect(question.stderr).toMatch(
      /^error: E_USAGE: --question: must be at most 4000 characters \(got "a{60}"\.\.\. \(5000 characters\)\)/,
    );
    expect((await factory("context", "--question", "a".repeat(4000))).code).toBe(0);
  });
});
