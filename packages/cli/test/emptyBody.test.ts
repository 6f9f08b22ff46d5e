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

const documentCount = async (): Promise<number> => {
  const listed = await factory("knowledge", "list", "--all", "--json");
  expect(listed.code, listed.stderr).toBe(0);
  return JSON.parse(listed.stdout).length;
};

beforeAll(async () => {
  cwd = mkdtempSync(join(tmpdir(), "factory-cli-empty-body-"));
  writeFileSync(join(cwd, "factory.yaml"), SHOP_YAML);
  expect((await factory("init", "--plan", "factory.yaml")).code).toBe(0);
}, 240_000);

afterAll(() => {
  rmSync(cwd, { recursive: true, force: true });
});

describe("a knowledge document's body", () => {
  it(
    "is refused empty or blank by capture and revise, naming the flag, and nothing is written",
    SLOW,
    async () => {
      writeFileSync(join(cwd, "blank.md"), "\n  \n");
      for (const body of [
        ["--body", ""],
        ["--body", "  \n"],
        ["--file", "blank.md"],
      ]) {
        const captured = await factory("knowledge", "capture", "--kind", "note", "--title", "Empty", ...body);
        expect(captured.code, captured.stderr).toBe(2);
        expect(captured.stderr.split("\n")[0]).toMatch(
          body[0] === "--body"
            ? /^error: E_USAGE: --body: must not be empty/
            : /^error: E_USAGE: --file: .*blank\.md is empty/,
        );
      }
      expect(await documentCount()).toBe(0);

      const kept = await factory(
        "knowledge",
        "capture",
        "--json",
        "--kind",
        "note",
        "--title",
        "Kept",
        "--body",
        "Refunds take three days.",
      );
      expect(kept.code, kept.stderr).toBe(0);
      const { id } = JSON.parse(kept.stdout);
      const revised = await factory("knowledge", "revise", id, "--reason", "cleared", "--body", "");
      expect(revised.code, revised.stderr).toBe(2);
      expect(revised.stderr).toMatch(/^error: E_USAGE: --body: must not be empty/);
      const shown = await factory("knowledge", "show", id, "--json");
      expect(JSON.parse(shown.stdout)).toMatchObject({
        body: "Refunds take three days.",
        revisions: [{ revision: 1 }],
      });
    },
  );

  it("over the knowledge base's limit is refused naming --file when it came from a file", SLOW, async () => {
    writeFileSync(join(cwd, "huge.md"), "a".repeat(2_000_001));
    const before = await documentCount();
    const captured = await factory(
      "knowledge",
      "capture",
      "--kind",
      "note",
      "--title",
      "Huge",
      "--file",
      "huge.md",
    );
    expect(captured.code, captured.stderr).toBe(2);
    expect(captured.stderr.split("\n")[0]).toMatch(/^error: E_USAGE: --file: .*2,000,000/);
    const inline = await factory(
      "knowledge",
      "capture",
      "--kind",
      "note",
      "--title",
      "Huge",
      "--body",
      "a".repeat(2_000_001),
    );
    expect(inline.stderr.split("\n")[0]).toMatch(/^error: E_USAGE: --body: .*2,000,000/);
    expect(await documentCount()).toBe(before);
  });
});
