/**
 * A URL's scheme is case-insensitive (RFC 3986): `POSTGRES://` and
 * `PostgreSQL://` name PostgreSQL as `postgres://` does, in `openEventLog`'s
 * `store`, in `FACTORY_DATABASE_URL` and in the PostgreSQL store's own `url`,
 * as `factory --store` and `factory-mcp --store` already read them; and the
 * driver connects with such a URL.
 */
import { isPostgresUrl, openEventLog } from "@software-factory/core";
import { openPostgresEventStore } from "@software-factory/core/postgres";
import { afterEach, describe, expect, it } from "vitest";
import { NoteAdded } from "../contract/eventStoreContract.js";
import { POSTGRES_TEST_URL, skipPostgres, TestSchemas } from "../fixtures/postgresTestServer.js";

const schemas = new TestSchemas();
afterEach(async () => {
  if (!skipPostgres) await schemas.dropAll();
});

/** The test server's URL with `schema`, its scheme written as `scheme`. */
function urlWith(scheme: string, schema: string): string {
  const url = new URL(POSTGRES_TEST_URL);
  url.searchParams.set("schema", schema);
  return url.toString().replace(/^[a-z]+:/i, `${scheme}:`);
}

const note = (text: string) => ({ type: "note.added", subject: "s", data: { text } });

describe("isPostgresUrl", () => {
  it("reads the scheme in any case, and nothing else as PostgreSQL", () => {
    for (const url of ["postgres://db/f", "postgresql://db/f", "POSTGRES://db/f", "PostgreSQL://db/f"]) {
      expect(isPostgresUrl(url), url).toBe(true);
    }
    for (const other of ["./factory.db", "postgres//db/f", "mysql://db/f", "pg://db/f", ""]) {
      expect(isPostgresUrl(other), other).toBe(false);
    }
  });
});

describe.skipIf(skipPostgres)("a PostgreSQL URL with an upper-case scheme", () => {
  it("opens openEventLog's store, and the store's own url, on the server", async () => {
    const schema = schemas.next("upper");
    const byOption = await openEventLog({ store: urlWith("POSTGRES", schema), events: [NoteAdded] });
    try {
      expect(byOption.storeKind).toBe("postgres");
      await byOption.append(note("via POSTGRES://"));
    } finally {
      await byOption.close();
    }
    const store = await openPostgresEventStore({ url: urlWith("PostgreSQL", schema) });
    try {
      expect(await store.head()).toBe(1);
    } finally {
      await store.close();
    }
  });

  it("opens openEventLog from FACTORY_DATABASE_URL", async () => {
    const schema = schemas.next("upper_env");
    const previous = process.env.FACTORY_DATABASE_URL;
    process.env.FACTORY_DATABASE_URL = urlWith("POSTGRESQL", schema);
    try {
      const log = await openEventLog({ events: [NoteAdded] });
      try {
        expect(log.storeKind).toBe("postgres");
        await log.append(note("via FACTORY_DATABASE_URL"));
        expect((await log.read()).map((event) => event.data)).toEqual([
          { text: "via FACTORY_DATABASE_URL", tags: [] },
        ]);
      } finally {
        await log.close();
      }
    } finally {
      if (previous === undefined) delete process.env.FACTORY_DATABASE_URL;
      else process.env.FACTORY_DATABASE_URL = previous;
    }
  });
});
