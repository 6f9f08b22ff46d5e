/**
 * A blank value given to a flag on purpose (`--store "$DATABASE_URL"` with the
 * variable unset in a CI step) is a usage error naming the flag, in the CLI's
 * words, and the command does nothing: it neither falls back to the default
 * (the `<dir>/factory.db` beside the shared store the script meant) nor hands
 * the value to the SDK to be refused in zod's words.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SHOP_YAML } from "./fixtures.js";
import { type RunResult, runFactory } from "./runFactory.js";

let cwd: string;
const factory = (args: string[], env: NodeJS.ProcessEnv = {}) => runFactory(args, { cwd, env });
const SLOW = { timeout: 240_000 };

/** The first line of standard error: the code and the message, as scripts read it. */
const firstLine = (result: RunResult) => result.stderr.split("\n")[0];

beforeAll(async () => {
  cwd = mkdtempSync(join(tmpdir(), "factory-cli-blank-flags-"));
  writeFileSync(join(cwd, "factory.yaml"), SHOP_YAML);
  writeFileSync(
    join(cwd, "junit.xml"),
    '<testsuites><testsuite name="s"><testcase classname="c" name="t"/></testsuite></testsuites>',
  );
  execFileSync("git", ["init", "-q"], { cwd });
  execFileSync(
    "git",
    ["-c", "user.name=T", "-c", "user.email=t@example.com", "commit", "-q", "--allow-empty", "-m", "one"],
    {
      cwd,
    },
  );
  expect((await factory(["init", "--plan", "factory.yaml"])).code).toBe(0);
}, SLOW.timeout);

afterAll(() => {
  rmSync(cwd, { recursive: true, force: true });
});

describe("a blank store", () => {
  it("--store is refused, not read as no --store", SLOW, async () => {
    for (const value of ["", "  "]) {
      const listed = await factory(["work", "list", "--store", value]);
      expect(listed.code).toBe(2);
      expect(firstLine(listed)).toBe(
        `error: E_USAGE: --store: must not be empty; give a postgres:// URL or a SQLite file (got "${value}")`,
      );
      expect(listed.stdout).toBe("");
    }
    const created = await factory(["--store", "", "work", "create", "--line", "checkout", "Fix refunds"]);
    expect(created.code).toBe(2);
    expect(JSON.parse((await factory(["work", "list", "--json"])).stdout)).toEqual([]);
  });

  it("an empty FACTORY_DATABASE_URL is unset, as an empty FACTORY_DIR is", SLOW, async () => {
    const listed = await factory(["work", "list", "--json"], { FACTORY_DATABASE_URL: "" });
    expect(listed.code).toBe(0);
    expect(JSON.parse(listed.stdout)).toEqual([]);
  });

  it("migrate --from and --to are refused blank, and nothing is copied", SLOW, async () => {
    const target = join(cwd, "copy.db");
    const from = await factory(["migrate", "--from", "", "--to", target]);
    expect(from.code).toBe(2);
    expect(firstLine(from)).toBe(
      'error: E_USAGE: --from: must not be empty; give a postgres:// URL or a SQLite file (got "")',
    );
    expect(existsSync(target)).toBe(false);
    const to = await factory(["migrate", "--to", ""]);
    expect(to.code).toBe(2);
    expect(firstLine(to)).toBe(
      'error: E_USAGE: --to: must not be empty; give a postgres:// URL or a SQLite file (got "")',
    );
  });
});

describe("a blank value of an import flag", () => {
  it("import junit --run-id", SLOW, async () => {
    for (const value of ["", " "]) {
      const result = await factory(["import", "junit", "junit.xml", "--run-id", value]);
      expect(result.code).toBe(2);
      expect(firstLine(result)).toBe(`error: E_USAGE: --run-id: must not be empty (got "${value}")`);
    }
  });

  it("import git --range", SLOW, async () => {
    const result = await factory(["import", "git", ".", "--range", ""]);
    expect(result.code).toBe(2);
    expect(firstLine(result)).toBe('error: E_USAGE: --range: must not be empty (got "")');
  });
});
