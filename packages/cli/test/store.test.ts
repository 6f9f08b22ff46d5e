import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client } from "@modelcontextprotocol/client";
import { StdioClientTransport } from "@modelcontextprotocol/client/stdio";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  POSTGRES_TEST_URL,
  skipPostgres,
  TestSchemas,
  withAdmin,
} from "../../core/test/fixtures/postgresTestServer.js";
import { SHOP_YAML } from "./fixtures.js";
import { BIN, type RunResult, runFactory } from "./runFactory.js";

/** Each test runs the bin several times, a few seconds each on a loaded machine. */
const SLOW = { timeout: 240_000 };
const PASSWORD = "s3cret-pw-7741";
const schemas = new TestSchemas();
let cwd: string;

/** The test server's URL with a schema of its own and a password (trust auth ignores it). */
function storeUrl(schema: string): string {
  const url = new URL(POSTGRES_TEST_URL);
  url.password = PASSWORD;
  url.searchParams.set("schema", schema);
  return url.toString();
}

function expectNoPassword(...results: RunResult[]): void {
  for (const result of results) expect(`${result.stdout}${result.stderr}`).not.toContain(PASSWORD);
}

beforeEach(() => {
  cwd = mkdtempSync(join(tmpdir(), "factory-cli-store-"));
  writeFileSync(join(cwd, "factory.yaml"), SHOP_YAML);
  mkdirSync(join(cwd, "docs"));
  writeFileSync(
    join(cwd, "docs", "refunds.md"),
    "---\nkind: insight\nauthor: bo\nlines: [payments]\n---\n# Refunds lose shipping\n\nPartial refunds refund the shipping cost in full.\n",
  );
});

afterEach(() => {
  rmSync(cwd, { recursive: true, force: true });
});

afterAll(async () => {
  if (!skipPostgres) await schemas.dropAll();
});

describe.skipIf(skipPostgres)("factory --store on PostgreSQL", () => {
  it(
    "initializes, imports and answers searches and who-owns from a PostgreSQL schema, in any folder",
    SLOW,
    async () => {
      const url = storeUrl(schemas.next("cli_store"));
      const run = (dir: string, ...args: string[]) =>
        runFactory(["--store", url, "--dir", dir, ...args], { cwd });
      const init = await run("a", "init", "--plan", "factory.yaml", "--json");
      expect(init.code, init.stderr).toBe(0);
      expect(JSON.parse(init.stdout)).toMatchObject({ changes: expect.any(Number), created: true });
      const again = await run("a", "init");
      expect(again.stdout).toContain("factory already exists in postgres");
      const imported = await run("a", "import", "docs", "docs", "--json");
      expect(imported.code, imported.stderr).toBe(0);
      expect(JSON.parse(imported.stdout)).toMatchObject({ captured: 1 });
      // The log is in PostgreSQL: no SQLite file in the folder.
      expect(existsSync(join(cwd, "a", "factory.db"))).toBe(false);

      // Another folder (another machine's caches) on the same store sees everything.
      const search = await run("b", "search", "refund", "shipping", "--json");
      expect(search.code, search.stderr).toBe(0);
      expect(JSON.parse(search.stdout).hits[0].document.title).toBe("Refunds lose shipping");
      const owners = await run("b", "who-owns", "src/payments/refund.ts", "--json");
      expect(owners.code, owners.stderr).toBe(0);
      expect(JSON.parse(owners.stdout)).toEqual([
        { path: "src/payments/refund.ts", line: "payments", owner: "bo" },
      ]);
      // Writes through one folder are seen through the other.
      const created = await run("b", "work", "create", "--line", "payments", "Refund emails", "--json");
      expect(created.code, created.stderr).toBe(0);
      const listed = await run("a", "work", "list", "--line", "payments", "--json");
      expect(JSON.parse(listed.stdout).map((item: { id: string }) => item.id)).toContain(
        JSON.parse(created.stdout).id,
      );
      const plan = await run("a", "plan", "apply", "factory.yaml");
      expect(plan.stdout).toContain("already current");
      expectNoPassword(init, imported, search, owners, created, listed, plan);
    },
  );

  it(
    "serves one PostgreSQL factory from two factory --store <url> mcp processes that see each other's writes",
    SLOW,
    async () => {
      const url = storeUrl(schemas.next("cli_mcp"));
      const init = await runFactory(["--store", url, "init", "--plan", "factory.yaml"], { cwd });
      expect(init.code, init.stderr).toBe(0);
      const serve = async (actor: string) => {
        const client = new Client({ name: `cli-store-${actor}`, version: "1.0.0" });
        await client.connect(
          new StdioClientTransport({
            command: process.execPath,
            args: [BIN, "--store", url, "--dir", `caches-${actor}`, "--actor", actor, "mcp"],
            cwd,
            env: { ...process.env, FACTORY_DATABASE_URL: "", FACTORY_DIR: "" } as Record<string, string>,
            stderr: "pipe",
          }),
        );
        return client;
      };
      const [ana, bo] = await Promise.all([serve("ana"), serve("bo")]);
      type ToolResult = {
        isError?: boolean;
        structuredContent?: Record<string, unknown>;
        content: { text?: string }[];
      };
      try {
        const owners = (await ana.callTool({
          name: "who_owns",
          arguments: { paths: ["src/payments/refund.ts"] },
        })) as ToolResult;
        expect(owners.isError, owners.content[0]?.text).toBeFalsy();
        expect(JSON.stringify(owners.content)).toContain("payments");
        expect(JSON.stringify(owners.content)).toContain("bo");

        const captured = (await ana.callTool({
          name: "capture_knowledge",
          arguments: {
            kind: "note",
            title: "Refunds settle in five days",
            body: "Card refunds settle in five business days.",
            lines: ["payments"],
          },
        })) as ToolResult;
        expect(captured.isError, captured.content[0]?.text).toBeFalsy();
        const started = Date.now();
        let found: string[] = [];
        while (!found.includes(captured.structuredContent?.id as string) && Date.now() - started < 1000) {
          const result = (await bo.callTool({
            name: "search_knowledge",
            arguments: { query: "card refunds settle business days" },
          })) as ToolResult;
          found = ((result.structuredContent?.hits ?? []) as { id: string }[]).map((hit) => hit.id);
        }
        expect(found).toContain(captured.structuredContent?.id);
      } finally {
        await Promise.all([ana.close(), bo.close()]);
      }
      expect(existsSync(join(cwd, "caches-ana", "factory.db"))).toBe(false);
    },
  );

  it("takes the store from FACTORY_DATABASE_URL, and --store wins over it", SLOW, async () => {
    const fromEnv = storeUrl(schemas.next("cli_env"));
    const env = { FACTORY_DATABASE_URL: fromEnv };
    const init = await runFactory(["init", "--plan", "factory.yaml"], { cwd, env });
    expect(init.code, init.stderr).toBe(0);
    const owners = await runFactory(["who-owns", "src/checkout/cart.ts", "--json"], { cwd, env });
    expect(JSON.parse(owners.stdout)).toEqual([
      { path: "src/checkout/cart.ts", line: "checkout", owner: "ana" },
    ]);
    // --store wins: its schema, which holds no factory, is the one refused.
    const otherSchema = schemas.next("cli_env_other");
    const overridden = await runFactory(
      ["--store", storeUrl(otherSchema), "who-owns", "src/checkout/cart.ts"],
      { cwd, env },
    );
    expect(overridden.code).toBe(1);
    expect(overridden.stderr).toContain(`(schema ${otherSchema})`);
    expectNoPassword(init, owners, overridden);
  });

  it(
    "refuses a schema that holds no factory with E_NOT_FOUND naming URL and schema, and creates nothing",
    SLOW,
    async () => {
      const real = schemas.next("cli_real");
      const init = await runFactory(["--store", storeUrl(real), "init", "--plan", "factory.yaml"], { cwd });
      expect(init.code, init.stderr).toBe(0);
      const typo = `${real}_typo`;
      schemas.track(typo);
      const search = await runFactory(["--store", storeUrl(typo), "search", "refund"], { cwd });
      expect(search.code).toBe(1);
      expect(search.stdout).toBe("");
      const redacted = new URL(storeUrl(typo));
      redacted.password = "***";
      expect(search.stderr).toContain(
        `E_NOT_FOUND: no factory at ${redacted.toString()} (schema ${typo}): run \`factory init\``,
      );
      const mcp = await runFactory(["--store", storeUrl(typo), "mcp"], { cwd });
      expect(mcp.code).toBe(2);
      expect(mcp.stderr).toContain(`(schema ${typo}): run \`factory init\` to create it, or add --init`);
      expectNoPassword(search, mcp);
      const { rows } = await withAdmin((admin) =>
        admin.query("SELECT 1 FROM pg_namespace WHERE nspname = $1", [typo]),
      );
      expect(rows).toEqual([]);
    },
  );
});

describe("factory --store", () => {
  it("keeps the log in a SQLite file given as a path", SLOW, async () => {
    const init = await runFactory(["--store", "shared.db", "init", "--plan", "factory.yaml"], { cwd });
    expect(init.code, init.stderr).toBe(0);
    expect(existsSync(join(cwd, "shared.db"))).toBe(true);
    expect(existsSync(join(cwd, ".factory", "factory.db"))).toBe(false);
    const owners = await runFactory(["who-owns", "src/search/a.ts", "--store", "shared.db", "--json"], {
      cwd,
    });
    expect(JSON.parse(owners.stdout)).toEqual([{ path: "src/search/a.ts", line: "search", owner: "bo" }]);
  });

  it("exits 2 naming the flag when the store is malformed, and never prints the password", SLOW, async () => {
    const bad = await runFactory(["--store", `postgres://ana:${PASSWORD}@[::1/x`, "check"], { cwd });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--store: is not a valid URL");
    expect(bad.stderr).toContain("postgres://ana:***@");
    const scheme = await runFactory(["--store", `mysql://ana:${PASSWORD}@db/factory`, "check"], { cwd });
    expect(scheme.code).toBe(2);
    expect(scheme.stderr).toContain(
      "--store: expected a postgres:// or postgresql:// URL, or a path to a SQLite file",
    );
    const schema = await runFactory(["--store", "postgres://db/factory?schema=Bad-Name", "check"], { cwd });
    expect(schema.code).toBe(2);
    expect(schema.stderr).toContain("--store: schema must be 1-63 chars");
    const folder = await runFactory(["--store", "docs", "check"], { cwd });
    expect(folder.code).toBe(2);
    expect(folder.stderr).toContain("is a folder; give the SQLite file");
    const notSqlite = await runFactory(["--store", "factory.yaml", "check"], { cwd });
    expect(notSqlite.code).toBe(2);
    expect(notSqlite.stderr).toContain("factory.yaml is not a SQLite file");
    const env = await runFactory(["check"], {
      cwd,
      env: { FACTORY_DATABASE_URL: `redis://ana:${PASSWORD}@db` },
    });
    expect(env.code).toBe(2);
    expect(env.stderr).toContain("FACTORY_DATABASE_URL (--store): expected a postgres://");
    expectNoPassword(bad, scheme, env);
  });

  it(
    "exits 2 naming the flag, in core's words, for a URL parameter core refuses, before connecting",
    SLOW,
    async () => {
      // Port 1: nothing listens there, so reaching the server would fail with exit 1 instead.
      const url = `postgres://ana:${PASSWORD}@127.0.0.1:1/factory`;
      const unknown = await runFactory(["--store", `${url}?foo=bar`, "check"], { cwd });
      expect(unknown.code, unknown.stderr).toBe(2);
      expect(unknown.stderr).toMatch(
        /^error: E_USAGE: --store: the URL has a parameter that neither the store nor node-pg understands: foo; accepted: schema, /,
      );
      const env = await runFactory(["work", "list"], {
        cwd,
        env: { FACTORY_DATABASE_URL: `${url}?pool_max=0` },
      });
      expect(env.code, env.stderr).toBe(2);
      expect(env.stderr).toContain(
        'E_USAGE: FACTORY_DATABASE_URL (--store): the URL\'s pool_max parameter must be a whole number of connections from 1 to 10000, got "0"',
      );
      const init = await runFactory(["--store", `${url}?pool_max=0`, "init"], { cwd });
      expect(init.code, init.stderr).toBe(2);
      expect(init.stderr).toContain("E_USAGE: --store: the URL's pool_max parameter");
      const mcp = await runFactory(["--store", `${url}?foo=bar`, "mcp"], { cwd });
      expect(mcp.code, mcp.stderr).toBe(2);
      expect(mcp.stderr).toContain("E_USAGE: --store: the URL has a parameter");
      // migrate --to: the source is a SQLite factory; the target's URL is refused naming --to.
      expect((await runFactory(["init", "--plan", "factory.yaml"], { cwd })).code).toBe(0);
      const migrate = await runFactory(["migrate", "--to", `${url}?call_timeout_ms=soon`], { cwd });
      expect(migrate.code, migrate.stderr).toBe(2);
      expect(migrate.stderr).toContain(
        'E_USAGE: --to: the URL\'s call_timeout_ms parameter must be a whole number of milliseconds from 1, got "soon"',
      );
      expectNoPassword(unknown, env, init, mcp, migrate);
    },
  );

  it(
    "fails with exit code 1 and a clear message when the PostgreSQL server cannot be reached",
    SLOW,
    async () => {
      const down = await runFactory(["--store", `postgres://ana:${PASSWORD}@127.0.0.1:1/factory`, "check"], {
        cwd,
      });
      expect(down.code).toBe(1);
      expect(down.stderr).toContain("cannot reach PostgreSQL at 127.0.0.1:1/factory");
      expectNoPassword(down);
    },
  );
});
