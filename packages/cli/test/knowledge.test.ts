import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SHOP_YAML } from "./fixtures.js";
import { runFactory } from "./runFactory.js";

let cwd: string;
const factory = (...args: string[]) => runFactory(args, { cwd });
/** Each test runs the bin several times, a few seconds each on a loaded machine. */
const SLOW = { timeout: 240_000 };

interface Listed {
  id: string;
  title: string;
  kind: string;
  revisionCount: number;
  supersededBy?: { id: string };
}

const listAll = async (): Promise<Listed[]> => {
  const listed = await factory("knowledge", "list", "--all", "--json");
  expect(listed.code, listed.stderr).toBe(0);
  return JSON.parse(listed.stdout);
};

const capture = async (...args: string[]): Promise<string> => {
  const captured = await factory("knowledge", "capture", "--json", ...args);
  expect(captured.code, captured.stderr).toBe(0);
  return JSON.parse(captured.stdout).id;
};

beforeAll(async () => {
  cwd = mkdtempSync(join(tmpdir(), "factory-cli-knowledge-"));
  writeFileSync(join(cwd, "factory.yaml"), SHOP_YAML);
  expect((await factory("init", "--plan", "factory.yaml")).code).toBe(0);
}, 240_000);

afterAll(() => {
  rmSync(cwd, { recursive: true, force: true });
});

describe("factory knowledge", () => {
  it(
    "captures from a file, lists, revises with a reason and shows the revision in force at a date",
    SLOW,
    async () => {
      writeFileSync(join(cwd, "retries.md"), "# Retries\n\nCheckout retries a card payment three tims.\n");
      const id = await capture(
        "--kind",
        "runbook",
        "--title",
        "Payment retires",
        "--file",
        "retries.md",
        "--line",
        "checkout",
        "--tag",
        "payments",
      );
      const before = new Date().toISOString();

      await capture(
        "--kind",
        "research",
        "--title",
        "Cart copy",
        "--body",
        "Say 'basket'.",
        "--line",
        "checkout",
      );
      const one = await factory("knowledge", "list", "--line", "checkout", "-n", "1");
      expect(one.stdout).toMatch(/Cart copy {2}by tester\nmore documents match: raise --limit\n$/);
      const listed = await factory("knowledge", "list", "--line", "checkout");
      expect(listed.code, listed.stderr).toBe(0);
      expect(listed.stdout).toMatch(
        new RegExp(`${id}  \\d{4}-\\d{2}-\\d{2}  runbook      Payment retires  by tester\n`),
      );

      const revised = await factory(
        "knowledge",
        "revise",
        id,
        "--title",
        "Payment retries",
        "--body",
        "Checkout retries a card payment three times.",
        "--reason",
        "typos",
      );
      expect(revised.code, revised.stderr).toBe(0);
      expect(revised.stdout).toBe(`revised ${id}: revision 2\n`);
      const again = await factory(
        "knowledge",
        "revise",
        id,
        "--title",
        "Payment retries",
        "--reason",
        "typos",
      );
      expect(again.stdout).toBe(`unchanged ${id}: it already reads so (revision 2)\n`);

      const shown = await factory("knowledge", "show", id);
      expect(shown.code, shown.stderr).toBe(0);
      expect(shown.stdout).toContain("Payment retries [runbook]");
      expect(shown.stdout).toContain(`source:    cli ${join(cwd, "retries.md")} by tester`);
      expect(shown.stdout).toMatch(/revision: {2}2 of 2 \(.* by tester: typos\)/);
      expect(shown.stdout).toContain("Checkout retries a card payment three times.");

      const then = await factory("knowledge", "show", id, "--as-of", before, "--json");
      const old = JSON.parse(then.stdout);
      expect(old.title).toBe("Payment retires");
      expect(old.body).toContain("three tims.");
      // As of then, the document had its first revision only.
      expect(old.revisions).toHaveLength(1);
      expect(old.revisions[0].body).toBeUndefined();
      expect(old.source).toEqual({
        system: "cli",
        uri: join(cwd, "retries.md"),
        author: "tester",
      });
    },
  );

  it("replaces a document with --supersedes and retracts one with a reason, once", SLOW, async () => {
    const old = await capture("--kind", "note", "--title", "Refunds take a week", "--body", "A week.");
    const replacement = await capture(
      "--kind",
      "note",
      "--title",
      "Refunds take three days",
      "--body",
      "Three days.",
      "--supersedes",
      old,
    );
    const current = await factory("knowledge", "list", "--kind", "note", "--json");
    expect(JSON.parse(current.stdout).map((document: Listed) => document.id)).toEqual([replacement]);
    const all = await listAll();
    expect(all.find((document) => document.id === old)?.supersededBy?.id).toBe(replacement);

    const retracted = await factory("knowledge", "retract", replacement, "--reason", "wrong team");
    expect(retracted.code, retracted.stderr).toBe(0);
    expect(retracted.stdout).toBe(`retracted ${replacement}: Refunds take three days\n`);
    const twice = await factory("knowledge", "retract", replacement, "--reason", "again");
    expect(twice.code).toBe(0);
    expect(twice.stdout).toMatch(/was already retracted at .*: wrong team \(nothing written\)/);

    expect((await listAll()).map((document) => document.id)).not.toContain(replacement);
    const shown = await factory("knowledge", "show", replacement);
    expect(shown.stdout).toMatch(/retracted at .*: wrong team/);
  });

  it("refuses unknown ids, bad flags and files that are not text, and writes nothing", SLOW, async () => {
    const id = await capture("--kind", "insight", "--title", "Shoppers leave at VAT", "--body", "9%.");
    const before = await listAll();

    const unknown = [
      ["show", "doc_nope"],
      ["revise", "doc_nope", "--title", "x", "--reason", "r"],
      ["retract", "doc_nope", "--reason", "r"],
    ];
    for (const args of unknown) {
      const result = await factory("knowledge", ...args);
      expect(result.code, args.join(" ")).toBe(1);
      expect(result.stderr).toMatch(/^error: E_NOT_FOUND: <id>: no document "doc_nope"/);
    }
    const beforeCapture = await factory("knowledge", "show", id, "--as-of", "2000-01-01");
    expect(beforeCapture.code).toBe(1);
    expect(beforeCapture.stderr).toContain(
      `E_NOT_FOUND: <id>: no document "${id}" at 2000-01-01T00:00:00.000Z`,
    );

    const line = await factory("knowledge", "revise", id, "--line", "ghost", "--reason", "r");
    expect(line.code).toBe(1);
    expect(line.stderr).toMatch(/^error: E_NOT_FOUND: --line: no line "ghost"/);
    const superseded = await factory(
      ...[
        "knowledge",
        "capture",
        "--kind",
        "note",
        "--title",
        "x",
        "--body",
        "y",
        "--supersedes",
        "doc_nope",
      ],
    );
    expect(superseded.code).toBe(1);
    expect(superseded.stderr).toContain("E_NOT_FOUND");

    writeFileSync(join(cwd, "binary.md"), Buffer.from([0x61, 0x0a, 0x62, 0xff, 0x63]));
    const notText = await factory(
      "knowledge",
      "capture",
      "--kind",
      "note",
      "--title",
      "x",
      "--file",
      "binary.md",
    );
    expect(notText.code).toBe(2);
    expect(notText.stderr).toContain(`E_USAGE: --file: ${join(cwd, "binary.md")}:2:2 is not UTF-8 text`);

    const usage: [string[], string][] = [
      [["capture", "--kind", "decision", "--title", "x", "--body", "y"], "--kind: must be one of"],
      [["capture", "--kind", "note", "--title", "x"], "give the body with --body <text> or --file <path>"],
      [["capture", "--kind", "note", "--title", "x", "--body", "y", "--file", "binary.md"], "not both"],
      [["revise", id, "--reason", "r"], "nothing to revise"],
      [["revise", id, "--title", "x", "--reason", " "], "--reason: must not be empty"],
      [["list", "--kind", "memo"], "--kind:"],
      [["list", "--limit", "0"], "--limit: must be at least 1"],
      [["show", id, "--as-of", "yesterday"], "--as-of:"],
    ];
    for (const [args, message] of usage) {
      const result = await factory("knowledge", ...args);
      expect(result.code, `${args.join(" ")}: ${result.stderr}`).toBe(2);
      expect(result.stderr).toContain(message);
    }
    const missingReason = await factory("knowledge", "retract", id);
    expect(missingReason.code).toBe(2);
    expect(missingReason.stderr).toContain("required option '--reason <why>' not specified");

    expect(await listAll()).toEqual(before);
  });
});
