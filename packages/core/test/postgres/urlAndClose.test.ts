import { join } from "node:path";
import { openEventLog, ValidationError } from "@software-factory/core";
import { openPostgresEventStore } from "@software-factory/core/postgres";
import { afterEach, describe, expect, it } from "vitest";
import { NoteAdded } from "../contract/eventStoreContract.js";
import { POSTGRES_TEST_URL, skipPostgres, TestSchemas, withAdmin } from "../fixtures/postgresTestServer.js";
import { spawnFixture, waitForExit } from "../fixtures/runChild.js";

const schemas = new TestSchemas();

function withSchema(schema: string): string {
  const url = new URL(POSTGRES_TEST_URL);
  url.searchParams.set("schema", schema);
  return url.toString();
}

afterEach(async () => {
  await schemas.dropAll();
});

describe.skipIf(skipPostgres)("PostgreSQL store named by a URL alone", () => {
  it("takes its schema from the URL's schema parameter, creating it, so a URL can name a factory", async () => {
    const [a, b] = [schemas.next("url_a"), schemas.next("url_b")];
    const logA = await openEventLog({ store: withSchema(a), events: [NoteAdded] });
    const logB = await openEventLog({ store: withSchema(b), events: [NoteAdded] });
    try {
      await logA.append({ type: "note.added", subject: "s", data: { text: "in a" } });
      expect(await logA.head()).toBe(1);
      expect(await logB.head()).toBe(0);
    } finally {
      await Promise.all([logA.close(), logB.close()]);
    }
    const tables = await withAdmin(async (client) =>
      client.query<{ schema: string }>(
        "SELECT table_schema AS schema FROM information_schema.tables WHERE table_name = 'events' AND table_schema = ANY($1)",
        [[a, b]],
      ),
    );
    expect(tables.rows.map((row) => row.schema).sort()).toEqual([a, b].sort());
  });

  it("lets a process whose last work is closing a watched store exit 0", async () => {
    const result = await waitForExit(
      spawnFixture(join(import.meta.dirname, "closeWatched.fixture.ts"), [withSchema(schemas.next("close"))]),
    );
    expect(result, result.stderr).toMatchObject({ code: 0, stdout: "closed\n" });
  });
});

describe("PostgreSQL store URL", () => {
  it("rejects a schema parameter that is not a plain schema name, naming the url", async () => {
    const attempt = openPostgresEventStore({ url: "postgres://db/factory?schema=Bad-Name" });
    await expect(attempt).rejects.toBeInstanceOf(ValidationError);
    await expect(attempt).rejects.toThrow(/url: the URL's schema parameter must be 1-63 chars/);
  });
});
