import {
  type AssemblyLine,
  ConcurrencyConflictError,
  type EventLog,
  openAssemblyLine,
  openEventLog,
  WorkAdvanced,
  type WorkItem,
} from "@software-factory/core";
import { openPostgresEventStore } from "@software-factory/core/postgres";
import { afterEach, describe, expect, it } from "vitest";
import { waitFor } from "../contract/eventStoreContract.js";
import { POSTGRES_TEST_URL, skipPostgres, TestSchemas } from "../fixtures/postgresTestServer.js";
import { steppedLog } from "../fixtures/steppedLog.js";

const schemas = new TestSchemas();
const opened: { line: AssemblyLine; log: EventLog }[] = [];

/** An assembly line over its own connection to the schema (another process, in effect), its log stepped. */
async function openLine(
  schema: string,
): Promise<{ line: AssemblyLine; log: EventLog; stepped: ReturnType<typeof steppedLog> }> {
  const stepped = steppedLog(
    await openEventLog({ store: await openPostgresEventStore({ url: POSTGRES_TEST_URL, schema }) }),
  );
  const line = await openAssemblyLine({ log: stepped.log });
  opened.push({ line, log: stepped.log });
  return { line, log: stepped.log, stepped };
}

afterEach(async () => {
  for (const { line, log } of opened.splice(0)) {
    await line.close();
    await log.close();
  }
  await schemas.dropAll();
});

describe.skipIf(skipPostgres)("assembly line on PostgreSQL", () => {
  it("returns each item of 20 creates called at once in one process, round after round", async () => {
    const { line } = await openLine(schemas.next("creates"));
    for (let round = 0; round < 10; round++) {
      const titles = Array.from({ length: 20 }, (_, index) => `Round ${round} item ${index}`);
      const items = await Promise.all(
        titles.map((title) => line.createWorkItem({ line: "checkout", title })),
      );
      expect(items.map((item) => item?.title)).toEqual(titles);
    }
    expect(line.list({ line: "checkout" })).toHaveLength(200);
  });

  it("refuses the advance of a process when the other's advance lands after the call began, before it read the log", async () => {
    const schema = schemas.next("advance");
    const first = await openLine(schema);
    const second = await openLine(schema);
    const item = await first.line.createWorkItem({ line: "checkout", title: "Pay by link" });
    await waitFor(() => second.line.get(item.id) !== undefined);

    let moved: WorkItem | undefined;
    second.stepped.before("head", async () => {
      moved = await first.line.advance(item.id);
    });
    const refused = await second.line.advance(item.id).catch((error: unknown) => error);

    expect(moved).toMatchObject({ stage: "requirements", version: item.version + 1 });
    expect(refused).toBeInstanceOf(ConcurrencyConflictError);
    expect(refused).toMatchObject({ expected: item.version, actual: item.version + 1 });
    const advances = (await first.log.read({ types: [WorkAdvanced.type] })).filter(WorkAdvanced.is);
    expect(advances.map((event) => event.data.to)).toEqual(["requirements"]);
  });
});
