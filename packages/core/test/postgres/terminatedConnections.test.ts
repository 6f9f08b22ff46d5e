import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { POSTGRES_TEST_URL, skipPostgres, TestSchemas } from "../fixtures/postgresTestServer.js";
import { spawnFixture, waitForExit } from "../fixtures/runChild.js";

const schemas = new TestSchemas();

afterEach(async () => {
  await schemas.dropAll();
});

describe.skipIf(skipPostgres)("a PostgreSQL store whose server ends its connections as they open", () => {
  it("keeps the process running, fails a call only with a StoreError, and answers once the server stops", async () => {
    const schema = schemas.next("fix_pg_terminated");
    const applicationName = `${schema}_app`;
    const url = new URL(POSTGRES_TEST_URL);
    url.searchParams.set("schema", schema);
    url.searchParams.set("application_name", applicationName);
    // The process runs apart: before the fix, an 'error' event no one listened to stopped it (and would stop vitest's worker).
    const result = await waitForExit(
      spawnFixture(join(import.meta.dirname, "terminatedConnections.fixture.ts"), [
        url.toString(),
        applicationName,
        "300",
      ]),
    );
    expect(result.stderr).not.toContain("Unhandled 'error' event");
    expect(result.code, result.stderr).toBe(0);
    const outcome = JSON.parse(result.stdout) as {
      ended: number;
      succeeded: number;
      failures: string[];
      after: number;
    };
    expect(outcome.ended).toBeGreaterThanOrEqual(300);
    expect(outcome.after).toBe(0);
    for (const failure of outcome.failures) {
      expect(failure).toMatch(/^StoreError: .*PostgreSQL at 127\.0\.0\.1:5432\/test/);
    }
  });
});
