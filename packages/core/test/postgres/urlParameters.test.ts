import { join } from "node:path";
import { StoreError, ValidationError } from "@software-factory/core";
import { openPostgresEventStore } from "@software-factory/core/postgres";
import { describe, expect, it } from "vitest";
import { POSTGRES_TEST_URL, skipPostgres, withAdmin } from "../fixtures/postgresTestServer.js";
import { spawnFixture, waitForExit } from "../fixtures/runChild.js";
import { faultProxySetup } from "./faultProxySetup.js";

const setup = faultProxySetup();

/** `base` with `parameters` set. */
function withParameters(base: string, parameters: Record<string, string>): string {
  const url = new URL(base);
  for (const [name, value] of Object.entries(parameters)) url.searchParams.set(name, value);
  return url.toString();
}

/** The message of the ValidationError that opening `url` fails with. */
async function refusal(url: string): Promise<string> {
  const failure = await openPostgresEventStore({ url }).catch((error: unknown) => error);
  expect(failure).toBeInstanceOf(ValidationError);
  return (failure as ValidationError).message;
}

describe("PostgreSQL store URL parameters", () => {
  it("refuses a parameter that neither the store nor node-pg understands, naming it and listing the accepted ones", async () => {
    const message = await refusal("postgres://db/factory?schema=shop&foo=bar&sslmod=require");
    expect(message).toContain(
      "url: the URL has parameters that neither the store nor node-pg understands: foo, sslmod; accepted: schema, call_timeout_ms, pool_max, query_timeout_ms (the store's) and host,",
    );
    expect(message).toMatch(/application_name, .*connect_timeout, .*sslmode, sslrootcert, .*\(node-pg's\)/);
  });

  it("refuses node-pg's query_timeout, which the store's own statement timeout would override, naming query_timeout_ms", async () => {
    expect(await refusal("postgres://db/factory?query_timeout=1000")).toContain(
      "url: the URL's query_timeout parameter is not accepted: node-pg's query_timeout is overridden by the store's own timeout of each statement: give query_timeout_ms",
    );
  });

  it("refuses pool_max, query_timeout_ms and connect_timeout values that are not whole numbers in range, naming each", async () => {
    for (const bad of ["0", "10001", "two", "1.5"]) {
      expect(await refusal(`postgres://db/factory?pool_max=${bad}`)).toContain(
        `url: the URL's pool_max parameter must be a whole number of connections from 1 to 10000, got "${bad}"`,
      );
    }
    expect(await refusal("postgres://db/factory?query_timeout_ms=0")).toContain(
      `url: the URL's query_timeout_ms parameter must be a whole number of milliseconds from 1, got "0"`,
    );
    expect(await refusal("postgres://db/factory?connect_timeout=-1")).toContain(
      `url: the URL's connect_timeout parameter must be a whole number of seconds (0 waits without limit), got "-1"`,
    );
  });

  it("refuses an sslmode node-pg has no form of, and verify-ca without the CA to verify with", async () => {
    expect(await refusal("postgres://db/factory?sslmode=allow")).toContain(
      `url: the URL's sslmode parameter must be one of disable, prefer, require, verify-ca, verify-full, got "allow"`,
    );
    expect(await refusal("postgres://db/factory?sslmode=verify-ca")).toContain(
      "url: the URL's sslmode=verify-ca needs sslrootcert=<path to the CA's PEM>",
    );
  });

  it("refuses a parameter given twice", async () => {
    expect(await refusal("postgres://db/factory?schema=a&schema=b")).toContain(
      "url: the URL gives schema more than once",
    );
  });
});

describe.skipIf(skipPostgres)("PostgreSQL store sized and timed by its URL", () => {
  it("opens at most pool_max connections however many calls run at once", async () => {
    const name = setup.schema("pool");
    const store = await setup.openStore({
      url: withParameters(POSTGRES_TEST_URL, { schema: name, pool_max: "2", application_name: name }),
    });
    await Promise.all(Array.from({ length: 12 }, () => store.head()));
    const { rows } = await withAdmin((admin) =>
      admin.query<{ count: number }>(
        "SELECT count(*)::int AS count FROM pg_stat_activity WHERE application_name = $1",
        [name],
      ),
    );
    expect(rows[0]?.count).toBe(2);
  });

  it("fails a statement the server does not answer after query_timeout_ms", async () => {
    const proxy = await setup.proxy();
    const store = await setup.openStore({
      url: withParameters(proxy.url, { schema: setup.schema("qtimeout"), query_timeout_ms: "400" }),
      retry: { attempts: 1 },
    });
    expect(await store.head()).toBe(0);
    proxy.freezeOpenConnections();
    const started = Date.now();
    const failure = await store.head().catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(StoreError);
    expect((failure as StoreError).message).toMatch(/Query read timeout/);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it("reads sslmode=require as libpq does, without node-pg's security warning", async () => {
    const url = withParameters(POSTGRES_TEST_URL, { schema: setup.schema("ssl"), sslmode: "require" });
    const result = await waitForExit(spawnFixture(join(import.meta.dirname, "sslmode.fixture.ts"), [url]));
    expect(result.stderr).not.toContain("SECURITY WARNING");
    expect(result.code, result.stderr).toBe(0);
    // The test server may or may not offer TLS; either way the store got as far as asking for it.
    expect(result.stdout).toMatch(/^(opened|.*The server does not support SSL connections)\n$/);
  });
});
