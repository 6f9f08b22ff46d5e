/**
 * `factory import docs` and files it cannot import for what they hold: each
 * is an error line naming the file, the rest of the folder imports, and the
 * exit code is 1, so a CI job sees it (docs/cli.md). The built bin, run as a
 * subprocess, on a real SQLite factory in a temp folder.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SHOP_YAML } from "./fixtures.js";
import { runFactory } from "./runFactory.js";

let cwd: string;
const factory = (...args: string[]) => runFactory(args, { cwd });
/** Each test runs the bin a few times, a few seconds each on a loaded machine. */
const SLOW = { timeout: 240_000 };

beforeAll(async () => {
  cwd = mkdtempSync(join(tmpdir(), "factory-cli-import-bad-files-"));
  writeFileSync(join(cwd, "factory.yaml"), SHOP_YAML);
  const init = await factory("init", "--plan", "factory.yaml");
  expect(init.code, init.stderr).toBe(0);
}, SLOW.timeout);

afterAll(() => {
  rmSync(cwd, { recursive: true, force: true });
});

/** A new folder `name` in `cwd` holding the files (name to text or bytes). */
function folderOf(name: string, files: Record<string, string | Uint8Array>): string {
  mkdirSync(join(cwd, name));
  for (const [file, content] of Object.entries(files)) writeFileSync(join(cwd, name, file), content);
  return name;
}

describe("factory import docs", () => {
  it("names an empty file as an error, imports the rest and exits 1", SLOW, async () => {
    folderOf("empty", { "empty.md": "", "blank.md": "\n  \n", "good.md": "# Good\n\nfine" });
    const run = await factory("import", "docs", "empty");
    expect(run.code, run.stderr).toBe(1);
    expect(run.stderr).toMatch(
      /^empty\/blank\.md error skipped: the file is empty \(a document needs a body\)$/m,
    );
    expect(run.stderr).toMatch(
      /^empty\/empty\.md error skipped: the file is empty \(a document needs a body\)$/m,
    );
    expect(run.stdout).toContain(
      "empty: 1 captured, 0 revised, 0 unchanged, 0 retracted, 0 decisions, 2 problems",
    );
    const listed = await factory("knowledge", "list", "--json");
    expect(JSON.parse(listed.stdout).map((document: { title: string }) => document.title)).toEqual(["Good"]);
  });

  it(
    "names a file that is not UTF-8, a decision record among them, as an error, imports the rest and exits 1",
    SLOW,
    async () => {
      folderOf("latin1", {
        "cafe.md": new Uint8Array([0x63, 0x61, 0x66, 0xe9, 0x0a]),
        "adr-1.md": Buffer.concat([
          Buffer.from("---\nkind: decision\n---\n## Decision\nCaf"),
          Buffer.from([0xe9, 0x0a]),
        ]),
        "fine.md": "# Fine\n\nfine",
      });
      const run = await factory("import", "docs", "latin1", "--json");
      expect(run.code, run.stderr).toBe(1);
      const report = JSON.parse(run.stdout);
      expect(report).toMatchObject({ captured: 1, decisions: 0, warnings: [] });
      expect(report.problems).toEqual([
        {
          item: "adr-1.md",
          message: expect.stringMatching(/^skipped: not UTF-8 text .*\(line 5, column 4\)/),
        },
        {
          item: "cafe.md",
          message: expect.stringMatching(/^skipped: not UTF-8 text .*\(line 1, column 4\)/),
        },
      ]);
      const text = await factory("import", "docs", "latin1");
      expect(text.code, text.stderr).toBe(1);
      expect(text.stderr).toMatch(/^latin1\/cafe\.md error skipped: not UTF-8 text/m);
      expect(text.stdout).toContain("0 decisions, 2 problems, 0 warnings");
    },
  );
});
