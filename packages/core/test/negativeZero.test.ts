import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createMemoryEventStore, defineEvent, openEventLog } from "@software-factory/core";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { POSTGRES_TEST_URL, skipPostgres, TestSchemas } from "./fixtures/postgresTestServer.js";

const Measured = defineEvent(
  "reading.taken",
  z.object({
    delta: z.number(),
    series: z.array(z.number()),
    at: z.object({ x: z.number(), y: z.number() }),
  }),
);

const dirs: string[] = [];
const schemas = new TestSchemas();
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
afterAll(() => schemas.dropAll());

const stores = [
  { name: "memory", skip: false, store: () => ({ store: createMemoryEventStore() }) },
  {
    name: "sqlite",
    skip: false,
    store: () => {
      const dir = mkdtempSync(join(tmpdir(), "core-negative-zero-"));
      dirs.push(dir);
      return { path: join(dir, "factory.db") };
    },
  },
  {
    name: "postgres",
    skip: skipPostgres,
    store: () => ({ store: `${POSTGRES_TEST_URL}?schema=${schemas.next("zero")}` }),
  },
];

describe.each(stores)("-0 in a payload, over the $name store", ({ skip, store }) => {
  it.skipIf(skip)("is written, returned and read back as 0, as every store reads it", async () => {
    await using log = await openEventLog({ ...store(), events: [Measured] });
    const [appended] = await log.append({
      type: "reading.taken",
      subject: "sensor_1",
      data: { delta: -0, series: [1, -0, -2], at: { x: -0, y: 0.5 } },
    });
    const [read] = await log.read();
    const expected = { delta: 0, series: [1, 0, -2], at: { x: 0, y: 0.5 } };
    // toStrictEqual tells -0 from 0 (Object.is).
    expect(appended?.data).toStrictEqual(expected);
    expect(read?.data).toStrictEqual(expected);
  });
});
