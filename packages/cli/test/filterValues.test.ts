/**
 * A filter value that no record can carry (a tag with a space, a line or
 * operator id that is not an id) is malformed: E_USAGE (exit 2) naming the
 * flag and the rule, instead of an empty answer or a not-found. A well-formed
 * value still filters.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SHOP_YAML } from "./fixtures.js";
import { type RunResult, runFactory } from "./runFactory.js";

let cwd: string;
/** The bin runs once per case, a few seconds each on a loaded machine. */
const SLOW = { timeout: 240_000 };

const factory = (...args: string[]) => runFactory(["--dir", ".factory", ...args], { cwd });
const firstLine = (result: RunResult) => result.stderr.split("\n")[0];

beforeAll(async () => {
  cwd = mkdtempSync(join(tmpdir(), "factory-filter-values-"));
  writeFileSync(join(cwd, "factory.yaml"), SHOP_YAML);
  expect((await factory("init", "--plan", "factory.yaml")).code).toBe(0);
  const captured = await factory(
    "knowledge",
    "capture",
    "--kind",
    "runbook",
    "--title",
    "Refund retries",
    "--body",
    "Retry refunds twice.",
    "--tag",
    "pci/dss",
    "--line",
    "payments",
  );
  expect(captured.code).toBe(0);
}, SLOW.timeout);

afterAll(() => {
  rmSync(cwd, { recursive: true, force: true });
});

const TAG_RULE = 'error: E_USAGE: --tag: tags are words without spaces (got "two words")';
const LINE_RULE = "id must be 1-64 chars of [a-z0-9._-], starting with a letter or digit";
const RULE_ID_RULE = "must be kebab-case, as in line-has-owner";
const OPERATOR_RULE = "operator id must be 1-64 chars of [a-z0-9._-], starting with a letter or digit";

describe("a filter value no record can carry", () => {
  it.each([
    [["knowledge", "list", "--tag", "two words"], TAG_RULE],
    [["search", "refunds", "--tag", "pci/dss", "--tag", "two words"], TAG_RULE],
    [["knowledge", "list", "--line", "Two Words"], `error: E_USAGE: --line: ${LINE_RULE} (got "Two Words")`],
    [["search", "refunds", "--line", "two words"], `error: E_USAGE: --line: ${LINE_RULE} (got "two words")`],
    [["work", "list", "--line", "Checkout"], `error: E_USAGE: --line: ${LINE_RULE} (got "Checkout")`],
    [["work", "list", "--owner", "Ana Lima"], `error: E_USAGE: --owner: ${OPERATOR_RULE} (got "Ana Lima")`],
    [["metrics", "--operator", "Ana Lima"], `error: E_USAGE: --operator: ${OPERATOR_RULE} (got "Ana Lima")`],
    [["check", "--line", "two words"], `error: E_USAGE: --line: ${LINE_RULE} (got "two words")`],
    [["check", "--rule", "Two Words"], `error: E_USAGE: --rule: ${RULE_ID_RULE} (got "Two Words")`],
    [
      ["check", "--rule", "line-has-owner", "--rule", "line_has_owner"],
      `error: E_USAGE: --rule: ${RULE_ID_RULE} (got "line_has_owner")`,
    ],
    [["impact", "--line", "two words"], `error: E_USAGE: --line: ${LINE_RULE} (got "two words")`],
  ])("factory %j is E_USAGE naming the flag and the rule", SLOW, async (args, message) => {
    const result = await factory(...args);
    expect(firstLine(result)).toBe(message);
    expect(result.code).toBe(2);
  });
});

describe("a well-formed filter value", () => {
  it("filters knowledge list and search by tag and line", SLOW, async () => {
    const listed = await factory("knowledge", "list", "--tag", "pci/dss", "--line", "payments", "--json");
    expect(listed.code).toBe(0);
    expect((JSON.parse(listed.stdout) as { title: string }[]).map((document) => document.title)).toEqual([
      "Refund retries",
    ]);
    const searched = await factory("search", "refunds", "--tag", "pci/dss", "--mode", "lexical", "--json");
    expect(searched.code).toBe(0);
    expect(JSON.parse(searched.stdout).hits).toHaveLength(1);
  });

  it("says which filters left a search with no hits, not that nothing matches the words", SLOW, async () => {
    const filtered = await factory("search", "refunds", "--kind", "decision", "--tag", "pci/dss");
    expect(filtered.code, filtered.stderr).toBe(0);
    expect(filtered.stdout.trim()).toBe('no documents match "refunds" with --kind decision --tag pci/dss');
    const unfiltered = await factory("search", "zebras");
    expect(unfiltered.stdout.trim()).toBe('no documents match "zebras"');
  });

  it(
    "checks the rule a well-formed --rule names, and a kebab-case id of no rule is E_NOT_FOUND",
    SLOW,
    async () => {
      const checked = await factory("check", "--rule", "line-has-owner", "--json");
      expect(checked.code, checked.stderr).toBe(0);
      expect(JSON.parse(checked.stdout)).toMatchObject({ errors: 0 });
      const unknown = await factory("check", "--rule", "two-words");
      expect(unknown.code).toBe(1);
      expect(firstLine(unknown)).toMatch(
        /^error: E_NOT_FOUND: --rule: no rule "two-words"; the rules are .*line-has-owner/,
      );
    },
  );
});
