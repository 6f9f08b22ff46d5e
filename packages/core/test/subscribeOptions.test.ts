import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { defineEvent, EventLogService, openEventLog, ValidationError } from "@software-factory/core";
import { Effect } from "effect";
import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function dbPath(): string {
  const dir = mkdtempSync(join(tmpdir(), "core-subscribe-options-"));
  dirs.push(dir);
  return join(dir, "factory.db");
}

const NoteAdded = defineEvent("note.added", z.object({ text: z.string() }));
const note = (text: string) => ({ type: "note.added", subject: "n1", data: { text } });

describe("EventLog.subscribe and readAll options", () => {
  it("refuses a batch size of 0, which would read empty pages for ever, and other malformed subscribe options", async () => {
    await using log = await openEventLog({ path: dbPath(), events: [NoteAdded] });
    await log.append([note("a"), note("b")]);
    const handled: number[] = [];
    const handler = (event: { seq: number }) => void handled.push(event.seq);

    await expect(log.subscribe(handler, { after: 0, batchSize: 0 })).rejects.toThrow(
      "subscribe options is invalid: batchSize: must be more than 0",
    );
    await expect(log.subscribe(handler, { after: -1 })).rejects.toThrow(
      "subscribe options is invalid: after: must be at least 0",
    );
    await expect(log.subscribe(handler, { aftr: 0 } as never)).rejects.toThrow(
      'subscribe options is invalid: (root): unknown key "aftr"; the keys are after, types, subjects, batchSize, keepAlive, onError, onReadError',
    );
    await expect(log.subscribe(handler, { onError: "log" } as never)).rejects.toBeInstanceOf(ValidationError);
    await expect(log.subscribe("handler" as never)).rejects.toThrow(
      "subscribe is invalid: handler: expected a function to call with each event",
    );

    // A well-formed subscription still delivers both events.
    const subscription = await log.subscribe(handler, { after: 0, batchSize: 1 });
    await log.append(note("c"));
    await expect.poll(() => handled).toEqual([1, 2, 3]);
    await subscription.close();
  });

  it("fails the Effect face's subscribe with a ValidationError for malformed options", async () => {
    const path = dbPath();
    const program = Effect.scoped(
      Effect.gen(function* () {
        const log = yield* EventLogService;
        return yield* log.subscribe(() => undefined, { batchSize: 0 });
      }),
    ).pipe(
      Effect.catchTag("ValidationError", (error) => Effect.succeed(error.issues.map((issue) => issue.path))),
    );
    const paths = await Effect.runPromise(
      Effect.provide(program, EventLogService.layer({ path, events: [NoteAdded] })),
    );
    expect(paths).toEqual(["batchSize"]);
  });

  it("refuses a readAll page size that is not a positive integer instead of reading nothing or everything", async () => {
    await using log = await openEventLog({ path: dbPath(), events: [NoteAdded] });
    await log.append([note("a"), note("b"), note("c")]);
    const collect = async (query: object) => {
      const seqs: number[] = [];
      for await (const event of log.readAll(query as never)) seqs.push(event.seq);
      return seqs;
    };
    await expect(collect({ pageSize: 0 })).rejects.toThrow(
      "readAll query is invalid: pageSize: must be more than 0",
    );
    await expect(collect({ pageSize: -1 })).rejects.toThrow(
      "readAll query is invalid: pageSize: must be more than 0",
    );
    await expect(collect({ pagesize: 1 })).rejects.toThrow(
      'readAll query is invalid: (root): unknown key "pagesize"; the keys are after, until, types, subjects, pageSize',
    );
    expect(await collect({ pageSize: 2 })).toEqual([1, 2, 3]);
  });
});
