/**
 * A URL's scheme is case-insensitive (RFC 3986): `openFactory` takes
 * `POSTGRES://` and `PostgreSQL://` as PostgreSQL, in `store` and in
 * `FACTORY_DATABASE_URL`, read-only too, as `factory --store` and
 * `factory-mcp --store` read them.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openFactory } from "@software-factory/intelligence";
import { afterAll, describe, expect, it } from "vitest";
import {
  POSTGRES_TEST_URL,
  skipPostgres,
  TestSchemas,
} from "../../../core/test/fixtures/postgresTestServer.js";

const schemas = new TestSchemas();
const roots: string[] = [];
afterAll(async () => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
  if (!skipPostgres) await schemas.dropAll();
});

/** The test server's URL with `schema`, its scheme written as `scheme`. */
function urlWith(scheme: string, schema: string): string {
  const url = new URL(POSTGRES_TEST_URL);
  url.searchParams.set("schema", schema);
  return url.toString().replace(/^[a-z]+:/i, `${scheme}:`);
}

describe.skipIf(skipPostgres)("openFactory over a PostgreSQL URL with an upper-case scheme", () => {
  it("opens it as store, from FACTORY_DATABASE_URL and read-only, all on the same schema", async () => {
    const schema = schemas.next("upper_factory");
    const root = mkdtempSync(join(tmpdir(), "factory-upper-scheme-"));
    roots.push(root);
    const dir = join(root, ".factory");

    const written = await openFactory({ dir, store: urlWith("POSTGRES", schema) });
    try {
      expect(written.log.storeKind).toBe("postgres");
      await written.knowledge.capture({
        kind: "note",
        title: "Upper case",
        body: "Written over POSTGRES://.",
        source: { system: "test" },
      });
    } finally {
      await written.close();
    }
    const head = await (async () => {
      const previous = process.env.FACTORY_DATABASE_URL;
      process.env.FACTORY_DATABASE_URL = urlWith("PostgreSQL", schema);
      try {
        const byEnv = await openFactory({ dir });
        try {
          expect(byEnv.log.storeKind).toBe("postgres");
          return await byEnv.log.head();
        } finally {
          await byEnv.close();
        }
      } finally {
        if (previous === undefined) delete process.env.FACTORY_DATABASE_URL;
        else process.env.FACTORY_DATABASE_URL = previous;
      }
    })();
    expect(head).toBeGreaterThan(0);

    const reader = await openFactory({ dir, store: urlWith("POSTGRESQL", schema), readOnly: true });
    try {
      expect(await reader.log.head()).toBe(head);
    } finally {
      await reader.close();
    }
  }, 120_000);
});
