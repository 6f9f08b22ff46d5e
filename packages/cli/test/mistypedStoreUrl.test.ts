import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runFactory } from "./runFactory.js";

const PASSWORD = "s3cret-pw-5521";
let cwd: string;

beforeEach(() => {
  cwd = mkdtempSync(join(tmpdir(), "factory-cli-mistyped-"));
});

afterEach(() => {
  rmSync(cwd, { recursive: true, force: true });
});

describe("factory --store given a mistyped PostgreSQL URL", () => {
  it("refuses postgres// (no colon) from --store and from FACTORY_DATABASE_URL, creating nothing and masking the password", async () => {
    const typo = `postgres//ana:${PASSWORD}@127.0.0.1/factory`;
    const flag = await runFactory(["--store", typo, "init"], { cwd });
    const env = await runFactory(["init"], { cwd, env: { FACTORY_DATABASE_URL: typo } });

    expect(flag.code, flag.stderr).toBe(2);
    expect(flag.stderr).toContain(
      "--store: looks like a URL but is not a postgres:// or postgresql:// URL (expected postgres://user:password@host:5432/database?schema=name)",
    );
    expect(flag.stderr).toContain("(got postgres//ana:***@127.0.0.1/factory)");
    expect(env.code, env.stderr).toBe(2);
    expect(env.stderr).toContain("FACTORY_DATABASE_URL (--store): looks like a URL but is not a postgres://");
    for (const run of [flag, env]) expect(`${run.stdout}${run.stderr}`).not.toContain(PASSWORD);
    expect(readdirSync(cwd)).toEqual([]);
  });

  it("refuses postgres:/ (one slash) and a user and password with no scheme, masking the password", async () => {
    const oneSlash = await runFactory(
      ["--store", `postgres:/ana:${PASSWORD}@127.0.0.1/factory`, "work", "list"],
      {
        cwd,
      },
    );
    const noScheme = await runFactory(["--store", `ana:${PASSWORD}@127.0.0.1/factory`, "work", "list"], {
      cwd,
    });

    expect(oneSlash.code, oneSlash.stderr).toBe(2);
    expect(oneSlash.stderr).toContain("(got postgres:/ana:***@127.0.0.1/factory)");
    expect(noScheme.code, noScheme.stderr).toBe(2);
    expect(noScheme.stderr).toContain("(got ana:***@127.0.0.1/factory)");
    for (const run of [oneSlash, noScheme]) {
      expect(run.stderr).toContain("--store: looks like a URL but is not a postgres://");
      expect(`${run.stdout}${run.stderr}`).not.toContain(PASSWORD);
    }
  });

  it("takes such a path as a SQLite file when it is given as ./<path>", async () => {
    const init = await runFactory(["--store", "./postgres:a@b.db", "init"], { cwd });

    expect(init.code, init.stderr).toBe(0);
    expect(existsSync(join(cwd, "postgres:a@b.db"))).toBe(true);
  });
});
