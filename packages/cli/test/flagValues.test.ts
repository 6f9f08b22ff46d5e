/**
 * Flag values refused in the CLI's words, whichever command parses them: a
 * value that is not one of a fixed set (`--flag: must be one of "a", "b" (got
 * "x")`, not zod's `Invalid option: expected one of "a"|"b"`), and a number
 * past what the flag takes, however many digits it has (`must be at most 200`,
 * not zod's `Too big: expected int to be <=9007199254740991`), and an empty
 * value (an unset variable) that would name nothing.
 */
import { describe, expect, it } from "vitest";
import { firstLine, SLOW, useShopFactory } from "./shopFactory.js";

const { factory, ok, withSdk } = useShopFactory("factory-flag-values-");

describe("a flag value outside its set of choices, or of the wrong JSON type", () => {
  it.each([
    [
      ["work", "list", "--state", "gone"],
      '--state: must be one of "active", "blocked", "done", "dropped" (got "gone")',
    ],
    [
      ["search", "refunds", "--mode", "fuzzy"],
      '--mode: must be one of "hybrid", "lexical", "vector" (got "fuzzy")',
    ],
    [["check", "--fail-on", "info"], '--fail-on: must be one of "error", "warning", "never" (got "info")'],
    [
      ["work", "create", "--line", "checkout", "--kind", "epic", "Refunds"],
      '--kind: must be one of "feature", "bug", "improvement", "chore" (got "epic")',
    ],
    [
      ["standards", "export", "--format", "windsurf", "--to", "out"],
      '--format: must be one of "cursor", "agents-md" (got "windsurf")',
    ],
    [
      ["work", "artifact", "wi_x", "--kind", "design", "--title", "T", "--fields", "[1]"],
      "--fields: must be a JSON object, not a list (got [1])",
    ],
    [
      [
        "work",
        "artifact",
        "wi_x",
        "--kind",
        "testEvidence",
        "--title",
        "T",
        "--fields",
        '{"runId":1,"passed":1,"failed":0}',
      ],
      '--fields: runId: must be a string, not a number (got {"runId":1,"passed":1,"failed":0})',
    ],
    [
      ["import", "jsonl", "tickets.jsonl", "--mapping", '{"target":"ticket"}'],
      '--mapping: target: must be one of "document", "signal", "artifact" (got {"target":"ticket"})',
    ],
    [
      ["knowledge", "decide", "--title", "T", "--context", "C", "--decision", "D", "--option", '{"title":1}'],
      '--option: title: must be a string, not a number (got "{\\"title\\":1}")',
    ],
  ])("%j is a usage error in the CLI's words", SLOW, async (args, message) => {
    const before = await withSdk((opened) => opened.log.head());
    const result = await factory(...args);
    expect(result.code, result.stderr).toBe(2);
    expect(result.stdout).toBe("");
    expect(firstLine(result)).toBe(`error: E_USAGE: ${message}`);
    expect(await withSdk((opened) => opened.log.head())).toBe(before);
  });
});

describe("a text flag longer than the factory keeps", () => {
  const long = (length: number) => "c".repeat(length);
  const shownCut = (length: number) => `"${long(60)}"... (${length} characters)`;
  it.each([
    [
      ["knowledge", "capture", "--kind", "note", "--title", "T", "--body", "B", "--tag", long(81)],
      `--tag: must be at most 80 characters (got ${shownCut(81)})`,
    ],
    [
      ["deployment", "record", "--environment", long(101)],
      `--environment: must be at most 100 characters (got ${shownCut(101)})`,
    ],
    [
      ["signal", "capture", "--source", "support", "--customer", long(201), "Refunds fail"],
      "--customer: must be at most 200 characters",
    ],
  ])("%j says the limit in the CLI's words", SLOW, async (args, message) => {
    const before = await withSdk((opened) => opened.log.head());
    const result = await factory(...args);
    expect(result.code, result.stderr).toBe(2);
    expect(firstLine(result)).toBe(`error: E_USAGE: ${message}`);
    expect(await withSdk((opened) => opened.log.head())).toBe(before);
  });
});

describe("a number flag past its largest value", () => {
  const HUGE = "99999999999999999999";
  it.each([
    [["search", "refunds", "-n", HUGE], `--limit: must be at most 200 (got "${HUGE}")`],
    [["signal", "route", "sig_x", "-n", HUGE], `--limit: must be at most 100 (got "${HUGE}")`],
    [["inbox", "-n", HUGE], `--limit: must be at most 500 (got "${HUGE}")`],
    [
      ["context", "--line", "checkout", "--budget", HUGE],
      `--budget: must be at most 20000 tokens (got "${HUGE}")`,
    ],
    [["knowledge", "list", "-n", HUGE], `--limit: must be at most 9007199254740991 (got "${HUGE}")`],
    [
      ["impact", "--line", "checkout", "--depth", HUGE],
      `--depth: must be at most 9007199254740991 (got "${HUGE}")`,
    ],
  ])("%j is a usage error saying the largest value", SLOW, async (args, message) => {
    const result = await factory(...args);
    expect(result.code, result.stderr).toBe(2);
    expect(result.stdout).toBe("");
    expect(firstLine(result)).toBe(`error: E_USAGE: ${message}`);
  });
});

describe("an empty value of a flag that names something", () => {
  it("is a usage error naming the flag, and nothing is written", SLOW, async () => {
    const captured = await ok(
      "knowledge",
      "capture",
      "--kind",
      "note",
      "--title",
      "Refunds",
      "--body",
      "Three days.",
      "--json",
    );
    const { id } = JSON.parse(captured.stdout) as { id: string };
    const before = await withSdk((opened) => opened.log.head());
    for (const [args, message] of [
      [
        ["knowledge", "capture", "--kind", "note", "--title", "", "--body", "b"],
        '--title: must not be empty (got "")',
      ],
      [
        ["knowledge", "revise", id, "--title", " ", "--reason", "typo"],
        '--title: must not be empty (got " ")',
      ],
      [
        ["signal", "capture", "--source", "support", "--customer", "", "Refunds are slow"],
        '--customer: must not be empty (got "")',
      ],
    ] as const) {
      const result = await factory(...args);
      expect(result.code, result.stderr).toBe(2);
      expect(firstLine(result)).toBe(`error: E_USAGE: ${message}`);
    }
    expect(await withSdk((opened) => opened.log.head())).toBe(before);
  });
});
