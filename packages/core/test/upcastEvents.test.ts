import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  defineEvent,
  type EventDefinition,
  openEventLog,
  type StoredEvent,
  startProjection,
  ValidationError,
} from "@software-factory/core";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function dbPath(): string {
  const dir = mkdtempSync(join(tmpdir(), "core-upcast-"));
  dirs.push(dir);
  return join(dir, "factory.db");
}

/** Version 1 of `line.added`: a name. */
const LineAddedV1 = defineEvent("line.added", z.object({ name: z.string() }));
/** Version 2: the name became a title. */
const LineAddedV2 = defineEvent("line.added", z.object({ title: z.string() }), {
  version: 2,
  upcast: { 1: (old: { name: string }) => ({ title: old.name }) },
});
/** Version 3: a title and an owner, none for lines added before. */
const LineAddedV3 = defineEvent("line.added", z.object({ title: z.string(), owner: z.string().nullable() }), {
  version: 3,
  upcast: {
    1: (old: { name: string }) => ({ title: old.name }),
    2: (old: { title: string }) => ({ ...old, owner: null }),
  },
});

async function append(
  path: string,
  definition: EventDefinition,
  subject: string,
  data: unknown,
): Promise<void> {
  await using log = await openEventLog({ path, events: [definition] });
  await log.append({ type: "line.added", subject, data });
}

/** What reading the log, folding it, and subscribing to it from 0 see of each event, as [v, data]. */
async function seen(path: string, definition: EventDefinition): Promise<Record<string, [number, unknown][]>> {
  await using log = await openEventLog({ path, events: [definition] });
  const shape = (events: readonly StoredEvent[]) =>
    events.map((event): [number, unknown] => [event.v, event.data]);
  const all: StoredEvent[] = [];
  for await (const event of log.readAll({ pageSize: 1 })) all.push(event);
  const folded: StoredEvent[] = [];
  await using projection = await startProjection(log, { apply: (event) => folded.push(event) });
  await projection.catchUp();
  const heard: StoredEvent[] = [];
  const head = await log.head();
  const subscription = await log.subscribe((event) => void heard.push(event), { after: 0 });
  while (heard.length < head) await new Promise((resolve) => setTimeout(resolve, 10));
  await subscription.close();
  return {
    read: shape(await log.read()),
    readAll: shape(all),
    projection: shape(folded),
    subscribe: shape(heard),
  };
}

describe("upcasting events stored at an older version", () => {
  it("reads, folds and delivers them in the current shape, leaving the stored rows as written", async () => {
    const path = dbPath();
    await append(path, LineAddedV1, "line_checkout", { name: "Checkout" });
    await append(path, LineAddedV2, "line_payments", { title: "Payments" });
    await append(path, LineAddedV3, "line_search", { title: "Search", owner: "ana" });

    const current: [number, unknown][] = [
      [3, { title: "Checkout", owner: null }],
      [3, { title: "Payments", owner: null }],
      [3, { title: "Search", owner: "ana" }],
    ];
    expect(await seen(path, LineAddedV3)).toEqual({
      read: current,
      readAll: current,
      projection: current,
      subscribe: current,
    });
    // A log that knows version 2 reads version 1 as 2, and refuses the newer event (see newerEventVersion.test.ts).
    await using older = await openEventLog({ path, events: [LineAddedV2] });
    expect((await older.read({ until: 2 })).map((event) => [event.v, event.data])).toEqual([
      [2, { title: "Checkout" }],
      [2, { title: "Payments" }],
    ]);
    await expect(older.read()).rejects.toThrow('event "line.added" at position 3');

    const db = new Database(path, { readonly: true });
    try {
      expect(db.prepare("SELECT v, data FROM events ORDER BY seq").all()).toEqual([
        { v: 1, data: '{"name":"Checkout"}' },
        { v: 2, data: '{"title":"Payments"}' },
        { v: 3, data: '{"title":"Search","owner":"ana"}' },
      ]);
    } finally {
      db.close();
    }
  });

  it("reads the steps' result as the current schema parses it, defaults filled in", async () => {
    const path = dbPath();
    await append(path, LineAddedV1, "line_checkout", { name: "Checkout" });
    const WithDefault = defineEvent(
      "line.added",
      z.object({ title: z.string(), owner: z.string().nullable().default(null) }),
      { version: 2, upcast: { 1: (old: { name: string }) => ({ title: old.name }) } },
    );
    await using log = await openEventLog({ path, events: [WithDefault] });
    expect((await log.read()).map((event) => [event.v, event.data])).toEqual([
      [2, { title: "Checkout", owner: null }],
    ]);
  });

  it("fails the read with a ValidationError naming the type, the version stepped from and the field when a step returns what the schema refuses", async () => {
    const path = dbPath();
    await append(path, LineAddedV1, "line_checkout", { name: "Checkout" });
    // Step 2 forgets the owner that version 3 requires.
    const Forgetful = defineEvent(
      "line.added",
      z.object({ title: z.string(), owner: z.string().nullable() }),
      {
        version: 3,
        upcast: { 1: (old: { name: string }) => ({ title: old.name }), 2: (old: { title: string }) => old },
      },
    );
    await using log = await openEventLog({ path, events: [Forgetful] });
    const message =
      'event "line.added" at position 1, upcast from version 1 to 3, is invalid: data.owner: required (a string)';
    const fromRead = await log.read().catch((error: unknown) => error);
    expect(fromRead).toBeInstanceOf(ValidationError);
    expect((fromRead as ValidationError).message).toBe(message);
    expect((fromRead as ValidationError).issues).toEqual([
      { path: "data.owner", message: "required (a string)" },
    ]);
    const fromReadAll = await (async () => {
      for await (const _ of log.readAll()) return undefined;
    })().catch((error: unknown) => error);
    expect((fromReadAll as ValidationError).message).toBe(message);
  });

  it("refuses at definition upcast steps that do not bring every older version to the current one", () => {
    const refusal = (define: () => unknown): ValidationError => {
      try {
        define();
      } catch (error) {
        expect(error).toBeInstanceOf(ValidationError);
        return error as ValidationError;
      }
      throw new Error("defineEvent did not throw");
    };
    const schema = z.object({ title: z.string() });
    expect(
      refusal(() => defineEvent("line.added", schema, { version: 3, upcast: { 1: (old) => old } })).issues,
    ).toEqual([
      {
        path: "upcast",
        message:
          'event "line.added" is at version 3 but has no step from version 2 (upcast[2]); give one from every older version',
      },
    ]);
    expect(
      refusal(() =>
        defineEvent("line.added", schema, { version: 2, upcast: { 1: (old) => old, 2: (old) => old } }),
      ).issues,
    ).toEqual([
      {
        path: "upcast.2",
        message:
          'event "line.added" is at version 2, so steps go from versions 1 to 1; there is no version 2 to upcast from',
      },
    ]);
    const notAFunction = { 1: "rename name to title" } as unknown as Record<
      number,
      (old: unknown) => unknown
    >;
    expect(
      refusal(() => defineEvent("line.added", schema, { version: 2, upcast: notAFunction })).issues,
    ).toEqual([{ path: "upcast.1", message: "the step from version 1 must be a function" }]);
  });
});
