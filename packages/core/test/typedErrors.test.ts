import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  attempt,
  attemptSync,
  createMemoryEventStore,
  defineEvent,
  EventLogService,
  type EventStore,
  idTimestamp,
  isKernelError,
  migrateLog,
  NotFoundError,
  newId,
  openEventLog,
  StoreError,
  ValidationError,
} from "@software-factory/core";
import { openPostgresEventStore } from "@software-factory/core/postgres";
import { openSqliteEventStore } from "@software-factory/core/sqlite";
import { Cause, Effect, Exit, Fiber } from "effect";
import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "core-typed-errors-"));
  dirs.push(dir);
  return dir;
}

const NoteAdded = defineEvent("note.added", z.object({ text: z.string() }));
const OtherNoteAdded = defineEvent("note.added", z.object({ words: z.number() }));

/** The error an exit failed with, or the defect it died with. */
function outcome(exit: Exit.Exit<unknown, unknown>): { failed?: unknown; died?: unknown } {
  if (Exit.isSuccess(exit)) return {};
  const failed = exit.cause.reasons.find(Cause.isFailReason);
  if (failed !== undefined) return { failed: failed.error };
  return { died: exit.cause.reasons.find(Cause.isDieReason)?.defect };
}

describe("attempt and attemptSync", () => {
  it("fail with the errors the guard admits and die with anything else", async () => {
    const isStoreError = isKernelError("StoreError");
    const store = new StoreError({ message: "disk full" });
    const notFound = new NotFoundError({ message: "no line", entity: "line", id: "x" });
    const bug = new TypeError("path.replace is not a function");

    expect(outcome(await Effect.runPromiseExit(attempt(() => Promise.reject(store), isStoreError)))).toEqual({
      failed: store,
    });
    expect(
      outcome(await Effect.runPromiseExit(attempt(() => Promise.reject(notFound), isStoreError))),
    ).toEqual({
      died: notFound,
    });
    expect(
      outcome(
        Effect.runSyncExit(
          attemptSync(() => {
            throw bug;
          }, isStoreError),
        ),
      ),
    ).toEqual({ died: bug });
    expect(Effect.runSync(attemptSync(() => 42, isStoreError))).toBe(42);
  });
});

describe("EventLogService errors", () => {
  it("fails its layer with a ValidationError, not a RangeError, when two definitions share a type", async () => {
    const dir = tempDir();
    const layer = EventLogService.layer({
      path: join(dir, "factory.db"),
      events: [NoteAdded, OtherNoteAdded],
    });
    const program = Effect.gen(function* () {
      return yield* (yield* EventLogService).head;
    });
    const opened = Effect.provide(program, layer).pipe(
      Effect.catchTag("ValidationError", (error) => Effect.succeed(`${error.code} ${error.issues[0]?.path}`)),
    );
    await expect(Effect.runPromise(opened)).resolves.toBe("E_VALIDATION events[1]");
  });

  it("fails read with a ValidationError naming the field for a malformed query", async () => {
    const dir = tempDir();
    const program = Effect.gen(function* () {
      const log = yield* EventLogService;
      return yield* log.read({ subjects: 42 } as never);
    }).pipe(Effect.catchTag("ValidationError", (error) => Effect.succeed(error.message)));
    const layer = EventLogService.layer({ path: join(dir, "factory.db") });
    await expect(Effect.runPromise(Effect.provide(program, layer))).resolves.toMatch(
      /^read query is invalid: subjects: /,
    );
  });

  it("waits for an interrupted append to land before the interruption returns", async () => {
    const dir = tempDir();
    const sqlite = await openSqliteEventStore({ path: join(dir, "factory.db") });
    const slow = slowAppends(sqlite, 50);
    const layer = EventLogService.layer({ store: slow, events: [NoteAdded] });
    const program = Effect.gen(function* () {
      const log = yield* EventLogService;
      const fiber = yield* Effect.forkChild(
        log.append({ type: "note.added", subject: "s", data: { text: "hi" } }),
      );
      yield* Effect.sleep("5 millis");
      yield* Fiber.interrupt(fiber);
      const exit = yield* Fiber.await(fiber);
      return { interrupted: Exit.hasInterrupts(exit), head: yield* log.head };
    });
    await expect(Effect.runPromise(Effect.provide(program, layer))).resolves.toEqual({
      interrupted: true,
      head: 1,
    });
  });
});

describe("the Promise face's option checks", () => {
  it("throws a ValidationError with _tag and code naming the second definition of a type", async () => {
    const dir = tempDir();
    const opening = openEventLog({ path: join(dir, "factory.db"), events: [NoteAdded, OtherNoteAdded] });
    await expect(opening).rejects.toBeInstanceOf(ValidationError);
    await expect(opening).rejects.toMatchObject({
      _tag: "ValidationError",
      code: "E_VALIDATION",
      message: expect.stringContaining('events[1]: event type "note.added" is already registered'),
    });
  });

  it("names an event that is no event definition, and registers the definitions of a generator", async () => {
    const dir = tempDir();
    await expect(
      openEventLog({ path: join(dir, "a.db"), events: [NoteAdded, { type: "note.removed" }] as never }),
    ).rejects.toThrow(
      "openEventLog options is invalid: events[1]: must be an event definition, as defineEvent returns",
    );
    function* definitions() {
      yield NoteAdded;
    }
    await using log = await openEventLog({ path: join(dir, "b.db"), events: definitions() });
    expect(log.registry.types()).toEqual(["note.added"]);
  });

  it("refuses an unknown durability and an unknown option", async () => {
    const dir = tempDir();
    await expect(openEventLog({ path: join(dir, "a.db"), durability: "x" } as never)).rejects.toThrow(
      /^openEventLog options is invalid: durability: /,
    );
    await expect(openEventLog({ path: join(dir, "b.db"), durabilty: "normal" } as never)).rejects.toThrow(
      'openEventLog options is invalid: (root): unknown key "durabilty"; the keys are path, store, events, registry, clock, actor, durability',
    );
  });

  it("names an unknown option and the options its object takes: migrateLog's, the PostgreSQL store's and its pool's", async () => {
    await expect(
      migrateLog(createMemoryEventStore(), createMemoryEventStore(), { pagesize: 10 } as never),
    ).rejects.toMatchObject({
      _tag: "ValidationError",
      message:
        'migrateLog options is invalid: (root): unknown key "pagesize"; the keys are verify, pageSize, onProgress, sourceName, targetName',
    });
    const url = "postgres://nobody@127.0.0.1:1/none";
    await expect(openPostgresEventStore({ url, schemaName: "x" } as never)).rejects.toMatchObject({
      _tag: "ValidationError",
      message: expect.stringMatching(
        /^PostgreSQL event store options is invalid: \(root\): unknown key "schemaName"; the keys are url, connectionString, schema, ssl, /,
      ),
    });
    await expect(openPostgresEventStore({ url, pool: { maxSize: 2 } } as never)).rejects.toMatchObject({
      _tag: "ValidationError",
      message:
        'PostgreSQL event store options is invalid: pool: unknown key "maxSize"; the keys are max, idleTimeoutMs, connectionTimeoutMs',
    });
  });

  it("refuses a store string that is not a postgres:// URL at store, pointing a SQLite file to path", async () => {
    const dir = tempDir();
    const file = join(dir, "factory.db");
    await expect(openEventLog({ store: file })).rejects.toMatchObject({
      _tag: "ValidationError",
      issues: [{ path: "store" }],
      message: `openEventLog options is invalid: store: ${JSON.stringify(file)} is not a postgres:// or postgresql:// URL; give a SQLite file as path, or an EventStore object as store`,
    });
  });

  it("names FACTORY_DATABASE_URL when it holds no postgres:// URL and neither store nor path is given", async () => {
    const before = process.env.FACTORY_DATABASE_URL;
    process.env.FACTORY_DATABASE_URL = "./team.db";
    try {
      await expect(openEventLog({})).rejects.toMatchObject({
        _tag: "ValidationError",
        issues: [{ path: "FACTORY_DATABASE_URL" }],
        message:
          'FACTORY_DATABASE_URL: "./team.db" is not a postgres:// or postgresql:// URL; set it to the PostgreSQL URL of the factory, or unset it and give a SQLite file as path',
      });
    } finally {
      if (before === undefined) delete process.env.FACTORY_DATABASE_URL;
      else process.env.FACTORY_DATABASE_URL = before;
    }
  });

  it("refuses a negative read limit, a fractional position and an unknown query field", async () => {
    const dir = tempDir();
    const log = await openEventLog({ path: join(dir, "factory.db"), events: [NoteAdded] });
    try {
      await log.append({ type: "note.added", subject: "s", data: { text: "hi" } });
      await expect(log.read({ limit: -1 })).rejects.toThrow(/^read query is invalid: limit: /);
      await expect(log.read({ after: 0.5 })).rejects.toThrow(/^read query is invalid: after: /);
      await expect(log.read({ type: ["note.added"] } as never)).rejects.toMatchObject({
        _tag: "ValidationError",
        message:
          'read query is invalid: (root): unknown key "type"; the keys are after, until, limit, types, subjects',
      });
      await expect(log.read({ limit: 1, types: ["note.added"] })).resolves.toHaveLength(1);
    } finally {
      await log.close();
    }
  });
});

describe("ids", () => {
  it("newId refuses a malformed prefix with a ValidationError naming prefix", () => {
    expect(() => newId("Evt")).toThrow(ValidationError);
    expect(() => newId("Evt")).toThrow(
      'newId is invalid: prefix: id prefix "Evt" must match ^[a-z][a-z0-9]{0,15}$',
    );
    expect(() => newId("9x")).toThrow(
      expect.objectContaining({
        _tag: "ValidationError",
        code: "E_VALIDATION",
        issues: [expect.objectContaining({ path: "prefix" })],
      }),
    );
  });

  it("idTimestamp refuses a value that is not a factory id with a ValidationError naming id", () => {
    expect(() => idTimestamp("evt_nope")).toThrow(
      'idTimestamp is invalid: id: "evt_nope" is not a factory id',
    );
    expect(() => idTimestamp("evt_nope")).toThrow(ValidationError);
    expect(idTimestamp(newId("evt", 1_700_000_000_000)).getTime()).toBe(1_700_000_000_000);
  });

  it("fails typed inside attemptSync, so an Effect caller can catchTag it", () => {
    const program = attemptSync(() => newId(""), isKernelError("ValidationError")).pipe(
      Effect.catchTag("ValidationError", (error) => Effect.succeed(error.issues[0]?.path)),
    );
    expect(Effect.runSync(program)).toBe("prefix");
  });
});

/** A real store whose appends start after a pause, so a test can interrupt one under way. */
function slowAppends(store: EventStore, ms: number): EventStore {
  return new Proxy(store, {
    get(target, property) {
      if (property === "append") {
        return async (...args: Parameters<EventStore["append"]>) => {
          await new Promise((resolve) => setTimeout(resolve, ms));
          return target.append(...args);
        };
      }
      const value = Reflect.get(target, property, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}
