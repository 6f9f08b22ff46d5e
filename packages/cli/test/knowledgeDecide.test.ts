/**
 * `factory knowledge decide`: the SDK's `recordDecision` (the MCP tool
 * `record_decision`) from a shell, with `--idempotency-key`. The built bin,
 * run as a subprocess, on a real SQLite file, checked through the SDK.
 */
import { describe, expect, it } from "vitest";
import type { RunResult } from "./runFactory.js";
import { firstLine, SLOW, useShopFactory } from "./shopFactory.js";

const { factory, withSdk } = useShopFactory("factory-knowledge-decide-", { actor: "ana" });
const idOf = (result: RunResult) => (JSON.parse(result.stdout) as { id: string }).id;

/** `factory knowledge decide` with a title, context and decision, then `args`. */
const decide = (title: string, ...args: string[]) =>
  factory(
    "knowledge",
    "decide",
    "--title",
    title,
    "--context",
    "Checkout needs one store.",
    "--decision",
    "SQLite in WAL mode.",
    ...args,
  );

/** The titles of the decisions the factory holds, superseded ones too. */
const decisionTitles = () =>
  withSdk(async (sdk) =>
    (await sdk.knowledge.list({ kinds: ["decision"], current: false })).map((document) => document.title),
  );

describe("factory knowledge decide", () => {
  it("records a decision with its options, status, lines and tags, in text", SLOW, async () => {
    const recorded = await decide(
      "Store the log in SQLite",
      "--status",
      "accepted",
      "--option",
      "SQLite",
      "--option",
      '{"title":"PostgreSQL","pros":["scales out"],"cons":["a server to run"]}',
      "--consequences",
      "One writer at a time.",
      "--line",
      "checkout",
      "--tag",
      "storage",
      "--author",
      "Ana Lima",
    );
    expect(recorded.code, recorded.stderr).toBe(0);
    const id = /^recorded decision (doc_\S+) \(accepted\): Store the log in SQLite\n$/.exec(
      recorded.stdout,
    )?.[1];
    expect(id, recorded.stdout).toBeDefined();

    const document = await withSdk((sdk) => sdk.knowledge.get(id as string));
    expect(document).toMatchObject({
      kind: "decision",
      title: "Store the log in SQLite",
      source: { system: "cli", author: "Ana Lima" },
      lines: ["checkout"],
      tags: ["storage"],
      decision: {
        status: "accepted",
        context: "Checkout needs one store.",
        options: [
          { title: "SQLite", pros: [], cons: [] },
          { title: "PostgreSQL", pros: ["scales out"], cons: ["a server to run"] },
        ],
        decision: "SQLite in WAL mode.",
        consequences: "One writer at a time.",
      },
    });
    expect(document?.revisions[0]?.actor).toBe("tester");
  });

  it(
    "prints the decision as JSON, proposed and by the actor unless told, and supersedes an earlier one",
    SLOW,
    async () => {
      const first = await decide("Keep sessions in memory", "--json");
      expect(first.code, first.stderr).toBe(0);
      expect(JSON.parse(first.stdout)).toMatchObject({
        kind: "decision",
        source: { system: "cli", author: "tester" },
        decision: { status: "proposed", options: [], consequences: "" },
      });

      const second = await decide("Keep sessions in Redis", "--supersedes", idOf(first), "--json");
      expect(second.code, second.stderr).toBe(0);
      expect(JSON.parse(second.stdout)).toMatchObject({ supersedes: [idOf(first)] });
      const superseded = await withSdk((sdk) => sdk.knowledge.get(idOf(first)));
      expect(superseded?.supersededBy?.id).toBe(idOf(second));
    },
  );

  it.each([
    [
      ["--status", "superseded"],
      '--status: must be one of proposed, accepted, rejected (superseded is set by a later decision\'s --supersedes) (got "superseded")',
    ],
    [
      ["--status", "maybe"],
      '--status: must be one of proposed, accepted, rejected (superseded is set by a later decision\'s --supersedes) (got "maybe")',
    ],
    [
      ["--option", '{"title":"SQLite","pro":["small"]}'],
      '--option: unknown key "pro"; the keys are title, pros, cons (got "{\\"title\\":\\"SQLite\\",\\"pro\\":[\\"small\\"]}")',
    ],
    [["--option", "{SQLite"], "--option: not valid JSON ("],
    [["--option", ""], '--option: must not be empty (got "")'],
    [["--consequences", " "], '--consequences: must not be empty (got " ")'],
    [["--tag", "two words"], '--tag: tags are words without spaces (got "two words")'],
    [["--author", ""], '--author: must not be empty (got "")'],
    [["--line", "Checkout"], "--line: id must be 1-64 chars of [a-z0-9._-], starting with a letter or digit"],
    [["--idempotency-key", ""], '--idempotency-key: must not be empty (got "")'],
  ])("refuses %j with E_USAGE naming the flag, recording nothing", SLOW, async (args, problem) => {
    const refused = await decide("Refused decision", ...args);
    expect(refused.code).toBe(2);
    expect(firstLine(refused)).toContain(`error: E_USAGE: ${problem}`);
    expect(await decisionTitles()).not.toContain("Refused decision");
  });

  it("refuses a blank --title, --context or --decision with E_USAGE naming it", SLOW, async () => {
    const title = await factory("knowledge", "decide", "--title", " ", "--context", "c", "--decision", "d");
    expect(firstLine(title)).toBe('error: E_USAGE: --title: must not be empty (got " ")');
    const context = await factory("knowledge", "decide", "--title", "t", "--context", "", "--decision", "d");
    expect(firstLine(context)).toBe('error: E_USAGE: --context: must not be empty (got "")');
    const decision = await factory(
      "knowledge",
      "decide",
      "--title",
      "t",
      "--context",
      "c",
      "--decision",
      " ",
    );
    expect(firstLine(decision)).toBe('error: E_USAGE: --decision: must not be empty (got " ")');
    expect([title.code, context.code, decision.code]).toEqual([2, 2, 2]);
  });

  it(
    "refuses an unknown --line or --supersedes with E_NOT_FOUND, and a retracted one with E_RETRACTED",
    SLOW,
    async () => {
      const line = await decide("Unknown line", "--line", "nope");
      expect(line.code).toBe(1);
      expect(firstLine(line)).toBe(
        'error: E_NOT_FOUND: --line: no line "nope" in the floor plan (see factory floorplan)',
      );
      const unknown = await decide("Unknown supersedes", "--supersedes", "doc_nope");
      expect(unknown.code).toBe(1);
      expect(firstLine(unknown)).toBe(
        'error: E_NOT_FOUND: --supersedes: no document "doc_nope" (see factory knowledge list)',
      );

      const old = await decide("Retracted decision", "--json");
      expect((await factory("knowledge", "retract", idOf(old), "--reason", "never agreed")).code).toBe(0);
      const retracted = await decide("Replaces a retracted one", "--supersedes", idOf(old));
      expect(retracted.code).toBe(1);
      expect(firstLine(retracted)).toMatch(
        new RegExp(
          `^error: E_RETRACTED: document ${idOf(old)} \\("Retracted decision"\\) was retracted at \\S+ \\(never agreed\\) and cannot be superseded;`,
        ),
      );
      const titles = await decisionTitles();
      for (const title of ["Unknown line", "Unknown supersedes", "Replaces a retracted one"])
        expect(titles).not.toContain(title);
    },
  );

  it(
    "refuses texts past the knowledge base's total with E_USAGE naming the flag of the longest",
    SLOW,
    async () => {
      const refused = await factory(
        "knowledge",
        "decide",
        "--title",
        "Too long",
        "--context",
        "c".repeat(120_000),
        "--decision",
        "d".repeat(90_000),
      );
      expect(refused.code).toBe(2);
      expect(firstLine(refused)).toBe(
        "error: E_USAGE: --context: context, options, decision and consequences together are at most 200000 characters; these have 210000, 120000 of them in context: shorten them, or keep the detail in a document and name it in the context",
      );
      expect(await decisionTitles()).not.toContain("Too long");
    },
  );

  it("points knowledge capture --kind decision to knowledge decide", SLOW, async () => {
    const refused = await factory(
      "knowledge",
      "capture",
      "--kind",
      "decision",
      "--title",
      "t",
      "--body",
      "b",
    );
    expect(refused.code).toBe(2);
    expect(firstLine(refused)).toMatch(
      /^error: E_USAGE: --kind: .*record it with factory knowledge decide\)/,
    );
  });
});

describe("factory knowledge decide --idempotency-key", () => {
  it(
    "records a retried decision once, and refuses the key for another decision naming the flag",
    SLOW,
    async () => {
      const run = (decision: string) =>
        factory(
          "knowledge",
          "decide",
          "--title",
          "Retry payments twice",
          "--context",
          "Card networks time out.",
          "--decision",
          decision,
          "--idempotency-key",
          "ci-decide-1",
          "--json",
        );
      const first = await run("Two retries, then fail.");
      expect(first.code, first.stderr).toBe(0);
      const retried = await run("Two retries, then fail.");
      expect(retried.code, retried.stderr).toBe(0);
      expect(JSON.parse(retried.stdout)).toEqual(JSON.parse(first.stdout));

      const other = await run("Three retries, then fail.");
      expect(other.code).toBe(1);
      expect(firstLine(other)).toBe(
        `error: E_IDEMPOTENCY_CONFLICT: --idempotency-key: idempotency key "ci-decide-1" was already used to capture a different document (${idOf(first)}); use a new key`,
      );
      expect((await decisionTitles()).filter((title) => title === "Retry payments twice")).toHaveLength(1);
    },
  );
});
