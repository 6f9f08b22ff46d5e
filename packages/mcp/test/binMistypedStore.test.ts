import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { serverArgs } from "./fixtures.js";

const PASSWORD = "s3cret-pw-9902";
let cwd: string;

beforeEach(() => {
  cwd = mkdtempSync(join(tmpdir(), "mcp-mistyped-store-"));
});
afterEach(() => {
  rmSync(cwd, { recursive: true, force: true });
});

/** Runs factory-mcp in `cwd` with its stdin closed and returns its exit code and output. */
async function start(args: readonly string[], env: NodeJS.ProcessEnv = {}) {
  const run = promisify(execFile)(process.execPath, serverArgs(args), {
    cwd,
    timeout: 60_000,
    env: { ...process.env, FACTORY_MCP_TOKEN: "", FACTORY_DATABASE_URL: "", ...env },
  });
  run.child.stdin?.end();
  return run.then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (error: { code: number; stdout: string; stderr: string }) => error,
  );
}

describe("factory-mcp --store given a mistyped PostgreSQL URL", () => {
  it("refuses postgres// (no colon) from --store and from FACTORY_DATABASE_URL with exit 2, masking the password and creating nothing", async () => {
    const typo = `postgres//ana:${PASSWORD}@127.0.0.1/factory`;
    const flag = await start(["--dir", ".factory", "--init", "--store", typo]);
    const env = await start(["--dir", ".factory", "--init"], { FACTORY_DATABASE_URL: typo });

    expect(flag.code, flag.stderr).toBe(2);
    expect(flag.stderr).toBe(
      "factory-mcp: --store: looks like a URL but is not a postgres:// or postgresql:// URL (expected postgres://user:password@host:5432/database?schema=name); a SQLite file at a path like this is given as ./<path> (got postgres//ana:***@127.0.0.1/factory)\n",
    );
    expect(env.code, env.stderr).toBe(2);
    expect(env.stderr).toContain(
      "factory-mcp: FACTORY_DATABASE_URL (--store): looks like a URL but is not a postgres://",
    );
    for (const run of [flag, env]) expect(`${run.stdout}${run.stderr}`).not.toContain(PASSWORD);
    expect(readdirSync(cwd)).toEqual([]);
  });

  it("refuses a misspelt scheme (postgress://) and a user and password with no scheme, masking the password", async () => {
    const misspelt = await start(["--init", "--store", `postgress://ana:${PASSWORD}@127.0.0.1/factory`]);
    const noScheme = await start(["--init", "--store", `ana:${PASSWORD}@127.0.0.1/factory`]);

    expect(misspelt.code, misspelt.stderr).toBe(2);
    expect(misspelt.stderr).toBe(
      "factory-mcp: --store: expected a postgres:// or postgresql:// URL, or a path to a SQLite file (got postgress://ana:***@127.0.0.1/factory)\n",
    );
    expect(noScheme.code, noScheme.stderr).toBe(2);
    expect(noScheme.stderr).toContain("factory-mcp: --store: looks like a URL but is not a postgres://");
    expect(noScheme.stderr).toContain("(got ana:***@127.0.0.1/factory)");
    for (const run of [misspelt, noScheme]) expect(`${run.stdout}${run.stderr}`).not.toContain(PASSWORD);
    expect(readdirSync(cwd)).toEqual([]);
  });

  it("takes such a path as a SQLite file when it is given as ./<path>", async () => {
    const served = await start(["--dir", ".factory", "--init", "--store", "./postgres:a@b.db"]);

    expect(served.code, served.stderr).toBe(0);
    expect(existsSync(join(cwd, "postgres:a@b.db"))).toBe(true);
  });
});

describe("factory-mcp --store given a blank value", () => {
  it("refuses an empty or blank --store with exit 2, as factory --store does, even with FACTORY_DATABASE_URL set, creating nothing", async () => {
    const empty = await start(["--dir", ".factory", "--init", "--store", ""]);
    const blank = await start(["--dir", ".factory", "--init", "--store=  "], {
      FACTORY_DATABASE_URL: "./from-env.db",
    });

    expect(empty.code, empty.stderr).toBe(2);
    expect(empty.stderr).toBe(
      'factory-mcp: --store: must not be empty; give a postgres:// URL or a SQLite file (got "")\n',
    );
    expect(blank.code, blank.stderr).toBe(2);
    expect(blank.stderr).toBe(
      'factory-mcp: --store: must not be empty; give a postgres:// URL or a SQLite file (got "  ")\n',
    );
    expect(readdirSync(cwd)).toEqual([]);
  });

  it("takes a blank FACTORY_DATABASE_URL as unset, as factory does: the SQLite file in --dir", async () => {
    const served = await start(["--dir", ".factory", "--init"], { FACTORY_DATABASE_URL: "  " });

    expect(served.code, served.stderr).toBe(0);
    expect(existsSync(join(cwd, ".factory", "factory.db"))).toBe(true);
  });
});
