/**
 * A factory opened read-only over a PostgreSQL URL refuses writes with a
 * message naming the server, database and schema, as the SQLite store names
 * its file, and never the password of the URL.
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

describe.skipIf(skipPostgres)("a factory opened read-only over PostgreSQL", () => {
  it("refuses a capture naming host, port, database and schema, without the password", async () => {
    const schema = schemas.next("ro");
    const url = new URL(POSTGRES_TEST_URL);
    url.password = "hunter2-secret";
    url.searchParams.set("schema", schema);
    const root = mkdtempSync(join(tmpdir(), "factory-read-only-pg-"));
    roots.push(root);
    const written = await openFactory({ dir: join(root, ".factory"), store: url.toString() });
    await written.close();

    const factory = await openFactory({ dir: join(root, ".factory"), store: url.toString(), readOnly: true });
    try {
      const error = await factory.knowledge
        .capture({ kind: "note", title: "No", body: "Not written.", source: { system: "test" } })
        .then(
          () => undefined,
          (caught: unknown) => caught,
        );
      const database = url.pathname.slice(1);
      expect(error).toMatchObject({
        code: "E_READ_ONLY",
        message: `cannot write to the PostgreSQL store at ${url.hostname}:${url.port || "5432"}/${database} (schema ${schema}): the factory was opened read-only (readOnly: true); it can be read, and nothing was written`,
      });
      expect((error as Error).message).not.toContain("hunter2");
      expect(await factory.log.head()).toBe(0);
    } finally {
      await factory.close();
    }
  }, 120_000);
});
