/**
 * An append that a reachable server is still running when its call's time
 * runs out is told so, with the setting that bounded it, rather than asked
 * whether the server runs.
 */
import { StoreError } from "@software-factory/core";
import pg from "pg";
import { describe, expect, it } from "vitest";
import { POSTGRES_TEST_URL, skipPostgres } from "../fixtures/postgresTestServer.js";
import { faultProxySetup, note } from "./faultProxySetup.js";

const setup = faultProxySetup();
/** The advisory lock class the test's trigger waits on ("H111"), apart from the store's. */
const TEST_LOCK_CLASS = 0x48313131;

describe.skipIf(skipPostgres)("an append the server is still running when its call runs out of time", () => {
  it("says the call took longer than callTimeoutMs, naming it and what it appended, and nothing is written", async () => {
    const schema = setup.schema("h11_slow");
    const log = await setup.openLog({ schema, callTimeoutMs: 1_500, applicationName: "h11" });
    const holder = new pg.Client({ connectionString: POSTGRES_TEST_URL, application_name: "h11" });
    await holder.connect();
    try {
      // Every insert into the log waits, with no lock_timeout, for a lock the test holds: the server
      // is up and answers, and the append is still running when the call gives up on it.
      await holder.query(
        `CREATE FUNCTION "${schema}".wait_for_test() RETURNS trigger LANGUAGE plpgsql AS $$
         BEGIN
           PERFORM set_config('lock_timeout', '0', true);
           PERFORM pg_advisory_xact_lock(${TEST_LOCK_CLASS}, hashtext('${schema}'));
           RETURN NEW;
         END $$;
         CREATE TRIGGER wait_for_test BEFORE INSERT ON "${schema}".events
           FOR EACH ROW EXECUTE FUNCTION "${schema}".wait_for_test()`,
      );
      await holder.query("SELECT pg_advisory_lock($1, hashtext($2))", [TEST_LOCK_CLASS, schema]);
      const failure = await log.append(note("slow")).then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(failure).toBeInstanceOf(StoreError);
      const message = (failure as StoreError).message;
      expect(message).toMatch(/answers, but appending 1 event of \d+ bytes took longer than/);
      expect(message).toContain("this call's callTimeoutMs of 1500 ms (call_timeout_ms in the URL)");
      expect(message).toContain("nothing was written");
      expect(message).not.toContain("is the server running");
    } finally {
      await holder.end();
    }
    expect(await log.read()).toEqual([]);
  });
});
