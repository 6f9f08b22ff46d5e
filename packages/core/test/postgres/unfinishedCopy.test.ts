import { StoreError } from "@software-factory/core";
import { finishPostgresCopy, openPostgresEventStore } from "@software-factory/core/postgres";
import { afterEach, describe, expect, it } from "vitest";
import { POSTGRES_TEST_URL, skipPostgres, TestSchemas } from "../fixtures/postgresTestServer.js";

const schemas = new TestSchemas();

afterEach(async () => {
  await schemas.dropAll();
});

/** One prepared event, as a copy appends it (id and time kept from its source). */
const copied = (index: number) => ({
  id: `evt_${String(index).padStart(12, "0")}`,
  type: "note.added",
  v: 1,
  at: "2026-03-01T09:00:00.000Z",
  actor: "tester",
  subject: "s",
  data: { text: `note ${index}` },
});

/** What opening an unfinished copy without `copyTarget` rejects with. */
async function refusal(options: { schema: string; readOnly?: boolean }): Promise<unknown> {
  return openPostgresEventStore({ url: POSTGRES_TEST_URL, ...options }).then(
    async (store) => {
      await store.close();
      return undefined;
    },
    (error: unknown) => error,
  );
}

describe.skipIf(skipPostgres)("a PostgreSQL schema a copy was begun into", () => {
  it("is refused by every other open until the copy is finished, and opens as a factory after", async () => {
    const schema = schemas.next("copy_unfinished");
    const target = await openPostgresEventStore({ url: POSTGRES_TEST_URL, schema, copyTarget: true });
    await target.append([copied(1), copied(2)], { expectedHead: 0 });
    await target.close();

    for (const failure of [await refusal({ schema }), await refusal({ schema, readOnly: true })]) {
      expect(failure).toBeInstanceOf(StoreError);
      expect((failure as StoreError).message).toMatch(
        new RegExp(
          `^PostgreSQL schema "${schema}" at 127\\.0\\.0\\.1:5432/test holds an unfinished copy of another factory's log .*Run the same factory migrate --to command again to finish the copy, or drop the schema \\(DROP SCHEMA "${schema}" CASCADE\\)`,
        ),
      );
    }
    // The copy resumes: its target opens, and its events are as the first attempt left them.
    const resumed = await openPostgresEventStore({ url: POSTGRES_TEST_URL, schema, copyTarget: true });
    await resumed.append([copied(3)], { expectedHead: 2 });
    await resumed.close();
    await finishPostgresCopy({ url: POSTGRES_TEST_URL, schema });

    const finished = await openPostgresEventStore({ url: POSTGRES_TEST_URL, schema });
    try {
      expect(await finished.head()).toBe(3);
    } finally {
      await finished.close();
    }
  });

  it("leaves a schema that holds events unmarked when opened as a copy's target", async () => {
    const schema = schemas.next("copy_held");
    const factory = await openPostgresEventStore({ url: POSTGRES_TEST_URL, schema });
    await factory.append([copied(1)], { expectedHead: 0 });
    await factory.close();
    const target = await openPostgresEventStore({ url: POSTGRES_TEST_URL, schema, copyTarget: true });
    await target.close();

    expect(await refusal({ schema })).toBeUndefined();
  });
});
