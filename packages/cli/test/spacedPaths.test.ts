/**
 * A file whose name ends in a space (`docs/notes.md `, legal on Linux and
 * macOS), given quoted to `who-owns`, `impact` and `context --path`, and
 * changed in a git range: each command reads it as that file, never trimmed.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runFactory } from "./runFactory.js";

const PLAN = `version: 1
product: { id: shop }
operators:
  - { id: ana }
  - { id: bo }
lines:
  - id: docs
    description: The guides
    owner: ana
    paths: [/docs/]
  - id: drafts
    description: The draft notes
    owner: bo
    paths: ["/docs/notes.md "]
`;
const SPACED = "docs/notes.md ";
/** Each test runs the CLI on a real repository, a few seconds on a loaded machine. */
const SLOW = { timeout: 240_000 };

let cwd: string;
const factory = (...args: string[]) => runFactory(["--dir", ".factory", ...args], { cwd });

beforeAll(async () => {
  cwd = mkdtempSync(join(tmpdir(), "factory-spaced-paths-"));
  const git = (...args: string[]) =>
    execFileSync("git", ["-c", "commit.gpgsign=false", ...args], { cwd, stdio: "pipe" });
  mkdirSync(join(cwd, "docs"));
  writeFileSync(join(cwd, "factory.yaml"), PLAN);
  writeFileSync(join(cwd, "docs", "notes.md"), "the guide\n");
  git("init", "-q", "-b", "main");
  git("config", "user.email", "t@example.com");
  git("config", "user.name", "t");
  git("add", ".");
  git("commit", "-q", "-m", "start");
  writeFileSync(join(cwd, SPACED), "a draft\n");
  git("add", ".");
  git("commit", "-q", "-m", "draft");
  expect((await factory("init", "--plan", "factory.yaml")).code).toBe(0);
}, SLOW.timeout);

afterAll(() => {
  rmSync(cwd, { recursive: true, force: true });
});

describe("a path with a space at its end, quoted on the command line", () => {
  it("is owned by the line that claims that file, not the trimmed name's", SLOW, async () => {
    const result = await factory("--json", "who-owns", SPACED, "docs/notes.md");
    expect(result.stderr).toBe("");
    expect(JSON.parse(result.stdout)).toMatchObject([
      { path: SPACED, line: "drafts", owner: "bo" },
      { path: "docs/notes.md", line: "docs", owner: "ana" },
    ]);
  });

  it(
    "is shown quoted in who-owns' text output, as are a tab and a line break; a plain path is not",
    SLOW,
    async () => {
      const result = await factory("who-owns", SPACED, "docs/notes.md", "docs/a\tb.md", "docs/c\nd.md");
      expect(result.stderr).toBe("");
      expect(result.stdout.split("\n")).toEqual([
        '"docs/notes.md "  line drafts  owner bo',
        "docs/notes.md  line docs  owner ana",
        '"docs/a\\tb.md"  line docs  owner ana',
        '"docs/c\\nd.md"  line docs  owner ana',
        "",
      ]);
    },
  );

  it("changes that file's line, given as a path or in a git range", SLOW, async () => {
    for (const args of [[SPACED], ["--since", "main~1"]]) {
      const result = await factory("--json", "impact", ...args);
      expect(result.stderr).toBe("");
      const report = JSON.parse(result.stdout) as { changed: { line: string; paths: string[] }[] };
      expect(report.changed).toMatchObject([{ line: "drafts", paths: [SPACED] }]);
    }
  });

  it("packs that file's line with context --path, and refuses a blank path", SLOW, async () => {
    const result = await factory("--json", "context", "--path", SPACED);
    expect(result.stderr).toBe("");
    const pack = JSON.parse(result.stdout) as { lines: { line: { id: string } }[]; unclaimedPaths: string[] };
    expect(pack.lines.map(({ line }) => line.id)).toEqual(["drafts"]);
    expect(pack.unclaimedPaths).toEqual([]);
    const blank = await factory("context", "--path", "  ");
    expect(blank.code).toBe(2);
    expect(blank.stderr).toContain("E_USAGE: --path: [0]: a path must not be empty");
  });
});
