import { defineEvent, openEventLog } from "@software-factory/core";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { useLogStores } from "./fixtures/logStores.js";

const Measured = defineEvent(
  "reading.taken",
  z.object({
    delta: z.number(),
    series: z.array(z.number()),
    at: z.object({ x: z.number(), y: z.number() }),
  }),
);

const stores = useLogStores({ folder: "core-negative-zero-", schema: "zero" });

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
