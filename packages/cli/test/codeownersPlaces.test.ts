/**
 * `factory import codeowners` without a file finds the repository's own where
 * GitHub and GitLab look, and says which file it read.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openEventLog } from "@software-factory/core";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runFactory } from "./runFactory.js";

let cwd: string;
const factory = (...args: string[]) => runFactory(args, { cwd });
/** The bin runs a few times, a few seconds each on a loaded machine. */
const SLOW = { timeout: 240_000 };

beforeEach(() => {
  cwd = mkdtempSync(join(tmpdir(), "factory-cli-codeowners-"));
});
afterEach(() => {
  rmSync(cwd, { recursive: true, force: true });
});

/** Writes `text` to `path` under the working folder, making its folder. */
function write(path: string, text: string): void {
  mkdirSync(join(cwd, path, ".."), { recursive: true });
  writeFileSync(join(cwd, path), text);
}

/** Every event of the factory's log, as JSON text. */
async function eventsText(): Promise<string> {
  const log = await openEventLog({ path: join(cwd, ".factory", "factory.db") });
  try {
    return JSON.stringify(await log.read());
  } finally {
    await log.close();
  }
}

describe("factory import codeowners without a file", () => {
  it("reads GitLab's .gitlab/CODEOWNERS, names it and records its rules as provenance", SLOW, async () => {
    write(".gitlab/CODEOWNERS", "[Checkout] @ana\n/src/checkout/\n");
    const text = await factory("import", "codeowners");
    expect(text.stderr).toBe("");
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^\.gitlab\/CODEOWNERS: 1 line, \d+ changes merged into the floor plan\n$/);
    expect(await eventsText()).toContain(".gitlab/CODEOWNERS:2");
    const json = await factory("import", "codeowners", "--json");
    expect(JSON.parse(json.stdout)).toMatchObject({ file: ".gitlab/CODEOWNERS", lines: 1, changes: 0 });
  });

  it("takes the first of .github/, the root, docs/ and .gitlab/", SLOW, async () => {
    write(".gitlab/CODEOWNERS", "/gitlab/ @ana\n");
    write("docs/CODEOWNERS", "/docs/ @ana\n");
    expect(
      JSON.parse((await factory("import", "codeowners", "--json", "--out", "p.yaml")).stdout),
    ).toMatchObject({
      file: "docs/CODEOWNERS",
    });
    write("CODEOWNERS", "/root/ @ana\n");
    expect(
      JSON.parse((await factory("import", "codeowners", "--json", "--out", "p.yaml")).stdout),
    ).toMatchObject({
      file: "CODEOWNERS",
    });
    write(".github/CODEOWNERS", "/github/ @ana\n");
    expect(
      JSON.parse((await factory("import", "codeowners", "--json", "--out", "p.yaml")).stdout),
    ).toMatchObject({
      file: ".github/CODEOWNERS",
    });
  });
});
