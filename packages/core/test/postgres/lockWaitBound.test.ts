/**
 * A call that waited for the append lock until its statement's timeout, which
 * is shorter than its call timeout, is told that timeout, not the call's.
 */
import { createHash } from "node:crypto";
import { StoreError } from "@software-factory/core";
import pg from "pg";
import { describe, expect, it } from "vitest";
import { POSTGRES_TEST_URL, skipPostgres } from "../fixtures/postgresTestServer.js";
import { faultProxySetup, note } from "./faultProxySetup.js";

const setup = faultProxySetup();
/** The advisory lock class of the append lock ("FAA1"), as the store's migrations define it. */
const APPEND_LOCK_CLASS = 0x46414131;

describe.skipIf(skipPostgres)("an append that waited for the append lock past its statement timeout", () => {
  it("names queryTimeoutMs, the bound that ended the wait, when it is below callTimeoutMs", async () => {
    const schema = setup.schema("lockbound");
    const log = await setup.openLog({ schema, callTimeoutMs: 20_000, queryTimeoutMs: 1_000 });
    await log.append(note("before"));
    const holder = new pg.Client({ connectionString: POSTGRES_TEST_URL });
    await holder.connect();
    try {
      const key = createHash("sha256").update(schema).digest().readInt32BE(0);
      await holder.query("BEGIN");
      await holder.query("SELECT pg_advisory_xact_lock($1, $2)", [APPEND_LOCK_CLASS, key]);
      const failure = await log.append(note("waits")).then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(failure).toBeInstanceOf(StoreError);
      const message = (failure as StoreError).message;
      expect(message).toMatch(/waited \d+ ms for the append lock/);
      expect(message).toContain(
        "past this call's queryTimeoutMs of 1000 ms for one statement (query_timeout_ms in the URL; its callTimeoutMs, call_timeout_ms, is 20000 ms)",
      );
      expect(Number(/waited (\d+) ms/.exec(message)?.[1])).toBeLessThan(20_000);
    } finally {
      await holder.query("ROLLBACK");
      await holder.end();
    }
    expect((await log.read()).map((event) => (event.data as { text: string }).text)).toEqual(["before"]);
  });
});
