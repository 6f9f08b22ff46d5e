/**
 * `factory mcp` logs the store it serves and over what: the SQLite file (in
 * the folder, or the `--store` file), or the PostgreSQL URL without its
 * password and with its schema, and stdio or HTTP with the URL. The folder is
 * only the caches when the log is elsewhere, so naming it would mislead. The
 * built bin, run as a subprocess, on a real SQLite file and PostgreSQL schema.
 */
import type { ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POSTGRES_TEST_URL, skipPostgres, TestSchemas } from "../../core/test/fixtures/postgresTestServer.js";
import { SHOP_YAML } from "./fixtures.js";
import { startBin } from "./mcpBins.js";
import { BIN, runFactory } from "./runFactory.js";

/** Each test runs the bin, a few seconds each on a loaded machine. */
const SLOW = { timeout: 240_000 };
const PASSWORD = "s3cret-pw-5512";
const schemas = new TestSchemas();
let cwd: string;
const children: ChildProcess[] = [];

beforeAll(async () => {
  cwd = mkdtempSync(join(tmpdir(), "factory-cli-mcp-log-"));
  writeFileSync(join(cwd, "factory.yaml"), SHOP_YAML);
  for (const args of [
    ["--dir", ".factory"],
    ["--store", "shop.db"],
  ]) {
    const init = await runFactory([...args, "init", "--plan", "factory.yaml"], { cwd });
    expect(init.code, init.stderr).toBe(0);
  }
}, SLOW.timeout);

afterAll(async () => {
  for (const child of children) if (child.exitCode === null) child.kill("SIGKILL");
  rmSync(cwd, { recursive: true, force: true });
  if (!skipPostgres) await schemas.dropAll();
});

/**
 * Runs `factory <args>` until its stderr has a line starting with `factory
 * mcp: serving `, then stops it (closes stdin, or SIGTERM over HTTP) and
 * resolves with that line and all of stderr.
 */
async function servingLine(args: readonly string[]): Promise<{ line: string; stderr: string }> {
  const { child, stderr, exited } = startBin([BIN, ...args], cwd, "t".repeat(32));
  children.push(child);
  const serving = () =>
    stderr()
      .split("\n")
      .find((line) => line.startsWith("factory mcp: serving "));
  await expect.poll(serving, { timeout: 60_000, interval: 50 }).toBeDefined();
  if (args.includes("--http")) child.kill("SIGTERM");
  else child.stdin?.end();
  expect(await exited).toBe(0);
  return { line: serving() as string, stderr: stderr() };
}

describe("factory mcp on SQLite", () => {
  it("logs the folder's SQLite file and stdio", SLOW, async () => {
    const { line } = await servingLine(["--dir", ".factory", "mcp"]);
    expect(line).toBe(`factory mcp: serving ${join(cwd, ".factory", "factory.db")} over stdio`);
  });

  it("logs the --store file, not the folder, and HTTP with its URL", SLOW, async () => {
    const { line } = await servingLine(["--store", "shop.db", "--dir", "caches", "mcp", "--http", "0"]);
    expect(line).toMatch(
      new RegExp(
        `^factory mcp: serving ${join(cwd, "shop.db")} over HTTP at http://127\\.0\\.0\\.1:\\d+/mcp$`,
      ),
    );
  });
});

describe.skipIf(skipPostgres)("factory mcp on PostgreSQL", () => {
  it("logs the URL without its password, with its schema, and the transport", SLOW, async () => {
    const schema = schemas.next("cli_mcp_log");
    const url = new URL(POSTGRES_TEST_URL);
    url.password = PASSWORD;
    url.searchParams.set("schema", schema);
    const init = await runFactory(["--store", url.toString(), "init", "--plan", "factory.yaml"], { cwd });
    expect(init.code, init.stderr).toBe(0);
    const redacted = new URL(url);
    redacted.password = "***";

    const stdio = await servingLine(["--store", url.toString(), "--dir", "pg-caches", "mcp"]);
    expect(stdio.line).toBe(`factory mcp: serving ${redacted} (schema ${schema}) over stdio`);
    const http = await servingLine(["--store", url.toString(), "--dir", "pg-caches", "mcp", "--http", "0"]);
    expect(http.line).toMatch(/ over HTTP at http:\/\/127\.0\.0\.1:\d+\/mcp$/);
    expect(http.line.startsWith(`factory mcp: serving ${redacted} (schema ${schema}) over HTTP`)).toBe(true);
    expect(`${stdio.stderr}${http.stderr}`).not.toContain(PASSWORD);
  });
});
