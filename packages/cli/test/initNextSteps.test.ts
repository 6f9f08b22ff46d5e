/**
 * The first steps `factory init` prints on a new factory, followed as a team
 * would on its first day: `import codebase .` already files the docs/ pages,
 * so the steps must not also send that folder through `import docs`, which
 * files every page a second time under its own source.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runFactory } from "./runFactory.js";

/** Each test runs the CLI on a real repository, a few seconds on a loaded machine. */
const SLOW = { timeout: 240_000 };

let cwd: string;
const factory = (...args: string[]) => runFactory(["--dir", ".factory", ...args], { cwd });

beforeEach(() => {
  cwd = mkdtempSync(join(tmpdir(), "factory-init-next-"));
  const git = (...args: string[]) =>
    execFileSync("git", ["-c", "commit.gpgsign=false", ...args], { cwd, stdio: "pipe" });
  mkdirSync(join(cwd, "docs"));
  writeFileSync(join(cwd, "docs", "guide.md"), "# Guide\n\nHow refunds are paid back.\n");
  writeFileSync(join(cwd, "README.md"), "# Shop\n\nA small shop.\n");
  git("init", "-q", "-b", "main");
  git("config", "user.email", "t@example.com");
  git("config", "user.name", "t");
  git("add", ".");
  git("commit", "-q", "-m", "start");
});

afterEach(() => {
  rmSync(cwd, { recursive: true, force: true });
});

describe("factory init's first steps", () => {
  it("keep import docs for other markdown, since import codebase files docs/ itself", SLOW, async () => {
    const init = await factory("init");
    expect(init.code, init.stderr).toBe(0);
    const next = init.stdout.split("\n").find((line) => line.startsWith("next: "));
    expect(next).toBe(
      "next: factory import codebase . (it imports the docs/ folders, READMEs and runbooks too), or factory plan apply factory.yaml; then factory import docs <folder> for other markdown",
    );

    // What the steps say import codebase does, it does: docs/guide.md is in the knowledge base after it.
    expect((await factory("import", "codebase", ".")).code).toBe(0);
    const listed = await factory("knowledge", "list", "--json");
    const sources = (JSON.parse(listed.stdout) as { source: { system: string; uri?: string } }[]).map(
      (document) => document.source,
    );
    expect(sources).toContainEqual(
      expect.objectContaining({ system: "codebase", uri: expect.stringMatching(/:docs\/guide\.md$/) }),
    );
  });
});
