import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { defineEvent, type EventLog, openEventLog, ValidationError } from "@software-factory/core";
import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const Anything = defineEvent("thing.noted", z.record(z.string(), z.unknown()));
const Dated = defineEvent("thing.dated", z.object({ when: z.date() }));
const DatedAsText = defineEvent(
  "thing.dated.text",
  z.object({ when: z.date().transform((date) => date.toISOString()) }),
);

async function openLog(): Promise<EventLog> {
  const dir = mkdtempSync(join(tmpdir(), "core-unkept-"));
  dirs.push(dir);
  return openEventLog({ path: join(dir, "factory.db"), events: [Anything, Dated, DatedAsText] });
}

/** The issues appending these payloads throws; checks that nothing was written. */
async function issuesOf(type: string, ...payloads: unknown[]): Promise<ValidationError["issues"]> {
  await using log = await openLog();
  const events = payloads.map((data) => ({ type, subject: "t1", data }));
  const error = await log.append(events.length === 1 ? (events[0] as (typeof events)[0]) : events).then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(await log.head()).toBe(0);
  expect(error).toBeInstanceOf(ValidationError);
  return (error as ValidationError).issues;
}

class Money {
  constructor(readonly cents: number) {}
}

describe("payload values a JSON store would give back as something else", () => {
  it("refuses a Date, naming the field and what to pass instead", async () => {
    await using log = await openLog();
    const error = await log
      .append({ type: "thing.noted", subject: "t1", data: { when: new Date("2026-03-01T00:00:00Z") } })
      .catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).message).toBe(
      "event batch is invalid: data.when: a Date is not stored as written (it reads back as a string); pass an ISO string (date.toISOString())",
    );
    expect(await log.head()).toBe(0);
  });

  it("refuses NaN, Infinity, undefined and holes in arrays, Map, Set, class instances and functions", async () => {
    const holey: unknown[] = [1];
    holey[2] = 3; // index 1 is a hole
    const issues = await issuesOf("thing.noted", {
      ratio: Number.NaN,
      limit: Number.POSITIVE_INFINITY,
      nested: { list: ["a", undefined], holey },
      byName: new Map([["a", 1]]),
      tags: new Set(["x"]),
      price: new Money(100),
      link: new URL("https://example.com/"),
      callback: () => 1,
    });
    expect(issues).toEqual([
      {
        path: "data.ratio",
        message: "NaN is not stored as written (JSON keeps it as null); pass null or a string",
      },
      {
        path: "data.limit",
        message: "Infinity is not stored as written (JSON keeps it as null); pass null or a string",
      },
      {
        path: "data.nested.list[1]",
        message: "undefined in an array is not stored as written (JSON keeps it as null); pass null",
      },
      {
        path: "data.nested.holey[1]",
        message: "a hole in an array is not stored as written (JSON keeps it as null); pass null",
      },
      {
        path: "data.byName",
        message:
          "a Map is not stored as written (JSON keeps it as {}); pass a plain object (Object.fromEntries(map)) or an array of entries",
      },
      {
        path: "data.tags",
        message: "a Set is not stored as written (JSON keeps it as {}); pass an array ([...set])",
      },
      {
        path: "data.price",
        message:
          "an instance of Money is not stored as written (it reads back as a plain object or a string, without its class); pass a plain object or a string",
      },
      {
        path: "data.link",
        message:
          "an instance of URL is not stored as written (it reads back as a plain object or a string, without its class); pass a plain object or a string",
      },
      { path: "data.callback", message: "a function is not stored (JSON drops it); pass data only" },
    ]);
  });

  it("names the event in a batch and writes none of it", async () => {
    const issues = await issuesOf("thing.noted", { ok: 1 }, { at: [new Date(0)] });
    expect(issues.map((issue) => issue.path)).toEqual(["events[1].data.at[0]"]);
  });

  it("checks what the schema returned: a z.date() is refused; a Date the schema turns into a string, and what reads back the same, are kept", async () => {
    expect(await issuesOf("thing.dated", { when: new Date(0) })).toEqual([
      {
        path: "data.when",
        message:
          "a Date is not stored as written (it reads back as a string); pass an ISO string (date.toISOString())",
      },
    ]);
    await using log = await openLog();
    const [stored] = await log.append({
      type: "thing.dated.text",
      subject: "t1",
      data: { when: new Date(0) },
    });
    expect(stored?.data).toEqual({ when: "1970-01-01T00:00:00.000Z" });
    expect((await log.read())[0]?.data).toEqual({ when: "1970-01-01T00:00:00.000Z" });

    // What reads back the same is kept: undefined members (read back missing), -0 (0), objects without a prototype.
    const bare = Object.assign(Object.create(null) as Record<string, unknown>, { a: 1 });
    await log.append({
      type: "thing.noted",
      subject: "t1",
      data: { note: undefined, zero: -0, bare, list: [null, 1.5, "x", { deep: [true] }] },
    });
    expect((await log.read())[1]?.data).toEqual({
      zero: 0,
      bare: { a: 1 },
      list: [null, 1.5, "x", { deep: [true] }],
    });
  });
});
