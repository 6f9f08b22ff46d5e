import { execFile } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { Client } from "@modelcontextprotocol/client";
import { StdioClientTransport } from "@modelcontextprotocol/client/stdio";
import { openFactory } from "@software-factory/intelligence";
import { afterAll, describe, expect, it } from "vitest";
import {
  POSTGRES_TEST_URL,
  skipPostgres,
  TestSchemas,
  withAdmin,
} from "../../core/test/fixtures/postgresTestServer.js";
import { serverArgs } from "./fixtures.js";

const repoRoot = join(import.meta.dirname, "..", "..", "..");
const bin = serverArgs([]);
const dirs: string[] = [];
const temp = (prefix: string) => {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
};

const schemas = new TestSchemas();

afterAll(async () => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  if (!skipPostgres) await schemas.dropAll();
});

/** A folder holding a factory (its factory.db), as `factory init` leaves it. */
async function existingFactory(): Promise<string> {
  const dir = temp("mcp-start-");
  await (await openFactory({ dir })).close();
  return dir;
}

/** Runs factory-mcp with its stdin closed and returns its exit code and output. */
async function start(args: readonly string[], env: NodeJS.ProcessEnv = {}, cwd = repoRoot) {
  const run = promisify(execFile)(process.execPath, [...bin, ...args], {
    cwd,
    timeout: 60_000,
    env: { ...process.env, FACTORY_MCP_TOKEN: "", ...env },
  });
  run.child.stdin?.end();
  return run.then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (error: { code: number; stdout: string; stderr: string }) => error,
  );
}

describe("factory-mcp refuses to start on a bad option, before it speaks", () => {
  it("exits 2 when --dir names a file, saying so, with nothing on stdout", async () => {
    const folder = temp("mcp-start-");
    const file = join(folder, "factory.yaml");
    writeFileSync(file, "lines: []\n");
    for (const mode of [[], ["--http", "0", "--token", "a-token-of-16-chars-or-more"]]) {
      const { code, stdout, stderr } = await start(["--dir", file, ...mode]);
      expect(code).toBe(2);
      expect(stdout).toBe("");
      expect(stderr).toContain(`factory-mcp: --dir ${file} is a file, not a factory folder`);
    }
  }, 120_000);

  it("exits 2 when --instructions names no folder, naming it", async () => {
    const factoryDir = await existingFactory();
    const missing = await start(["--dir", factoryDir, "--instructions", join(factoryDir, "nonexistent")]);
    expect(missing.code).toBe(2);
    expect(missing.stdout).toBe("");
    expect(missing.stderr).toContain("--instructions");
    expect(missing.stderr).toContain("nonexistent is not a folder");
  }, 120_000);

  it("exits 2 for a folder or store without a factory unless --init, naming it, and creates nothing", async () => {
    const parent = temp("mcp-start-");
    const typo = join(parent, "factroy");
    const missing = await start(["--dir", typo]);
    expect(missing.code).toBe(2);
    expect(missing.stdout).toBe("");
    expect(missing.stderr).toContain(`factory-mcp: no factory at ${typo}: run \`factory init\``);
    expect(missing.stderr).toContain("--init");
    expect(existsSync(typo)).toBe(false);

    const empty = temp("mcp-start-");
    const noLog = await start(["--dir", empty, "--store", join(empty, "typo.db")]);
    expect(noLog.code).toBe(2);
    expect(noLog.stderr).toContain(`no factory at ${join(empty, "typo.db")}`);
    expect(readdirSync(empty)).toEqual([]);
  }, 120_000);

  it.skipIf(skipPostgres)(
    "exits 2 for a PostgreSQL schema without a factory unless --init, naming it, and creates no schema",
    async () => {
      const schema = schemas.next("mcp_typo");
      const url = new URL(POSTGRES_TEST_URL);
      url.password = "s3cret-pw-5512";
      url.searchParams.set("schema", schema);
      const refused = await start(["--dir", temp("mcp-start-"), "--store", url.toString()]);
      expect(refused.code).toBe(2);
      expect(refused.stdout).toBe("");
      expect(refused.stderr).toContain(`(schema ${schema}): run \`factory init\``);
      expect(refused.stderr).toContain("--init");
      expect(refused.stderr).not.toContain("s3cret-pw-5512");
      const { rows } = await withAdmin((admin) =>
        admin.query("SELECT 1 FROM pg_namespace WHERE nspname = $1", [schema]),
      );
      expect(rows).toEqual([]);
    },
    120_000,
  );

  it("exits 2 for PostgreSQL URL parameters core refuses, naming --store or FACTORY_DATABASE_URL", async () => {
    // Refused before any connection is tried, so no server is needed.
    const flag = await start(["--dir", temp("mcp-start-"), "--store", "postgres://127.0.0.1:1/test?foo=1"]);
    expect(flag.code).toBe(2);
    expect(flag.stdout).toBe("");
    expect(flag.stderr).toContain(
      "factory-mcp: --store: the URL has a parameter that neither the store nor node-pg understands: foo;",
    );
    const fromEnv = await start(["--dir", temp("mcp-start-"), "--init"], {
      FACTORY_DATABASE_URL: "postgres://127.0.0.1:1/test?pool_max=x",
    });
    expect(fromEnv.code).toBe(2);
    expect(fromEnv.stderr).toContain(
      "factory-mcp: FACTORY_DATABASE_URL (--store): the URL's pool_max parameter must be a whole number",
    );
  }, 120_000);

  it("exits 2 for --http without a token, as `factory mcp` does", async () => {
    const { code, stderr } = await start(["--dir", await existingFactory(), "--http", "0"]);
    expect(code).toBe(2);
    expect(stderr).toContain("--http needs a token: set FACTORY_MCP_TOKEN");
  }, 60_000);
});

describe("factory-mcp --store", () => {
  it("keeps the log in the SQLite file given, as `factory --store` does", async () => {
    const folder = temp("mcp-store-");
    const store = join(folder, "elsewhere.db");
    const factoryDir = join(folder, ".factory");
    const client = new Client({ name: "store-test", version: "1.0.0" });
    await client.connect(
      new StdioClientTransport({
        command: process.execPath,
        args: [...bin, "--dir", factoryDir, "--store", store, "--actor", "ana", "--init"],
        cwd: repoRoot,
        stderr: "pipe",
      }),
    );
    try {
      const captured = await client.callTool({
        name: "capture_signal",
        arguments: { text: "Checkout times out", source: "support" },
      });
      expect(captured.isError).toBeUndefined();
    } finally {
      await client.close();
    }
    const { openSqliteEventStore } = await import("@software-factory/core/sqlite");
    const factory = await openFactory({ dir: factoryDir, store: openSqliteEventStore({ path: store }) });
    try {
      expect(factory.work.signals().map((signal) => signal.text)).toEqual(["Checkout times out"]);
    } finally {
      await factory.close();
    }
  }, 120_000);
});

describe("factory-mcp's serving line", () => {
  it("names the folder it serves and the transport, once the factory is open", async () => {
    const dir = await existingFactory();
    const { code, stderr } = await start(["--dir", dir]);

    expect(code).toBe(0);
    expect(stderr.split("\n")).toContain(`factory-mcp: serving ${dir} over stdio`);
  });

  it("without --dir serves the .factory of the nearest parent, up to the git repository's root, as factory does", async () => {
    const repo = temp("mcp-start-repo-");
    await promisify(execFile)("git", ["init", "--quiet", repo]);
    await (await openFactory({ dir: join(repo, ".factory") })).close();
    const subfolder = join(repo, "src", "checkout");
    mkdirSync(subfolder, { recursive: true });

    const { code, stderr } = await start([], {}, subfolder);

    expect(code, stderr).toBe(0);
    expect(stderr.split("\n")).toContain(`factory-mcp: serving ${join(repo, ".factory")} over stdio`);
    expect(existsSync(join(subfolder, ".factory"))).toBe(false);
  });
});
