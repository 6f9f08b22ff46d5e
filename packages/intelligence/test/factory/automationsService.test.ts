import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { EventLogService } from "@software-factory/core";
import {
  defineAutomation,
  FactoryService,
  type FactoryServices,
  IntelligenceService,
  type OpenFactoryOptions,
} from "@software-factory/intelligence";
import { Effect } from "effect";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { NoteAdded, NoteCounted } from "../fixtures/counting.js";

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "automations-service-"));
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function run<A, E>(
  program: Effect.Effect<A, E, FactoryServices>,
  options: OpenFactoryOptions = {},
): Promise<A> {
  return Effect.runPromise(
    Effect.provide(program, FactoryService.layer({ dir, events: [NoteAdded, NoteCounted], ...options })),
  );
}

describe("IntelligenceService.automations", () => {
  it("waits for the automations, lists a failed event and runs it again, as the runner does", async () => {
    let down = true;
    const counter = defineAutomation({
      name: "counter",
      description: "Counts notes; fails while its model is down.",
      on: [NoteAdded.type],
      retry: { attempts: 1, backoffMs: 1 },
      run: (event, { emit }) => {
        if (down) throw new Error("model down");
        const { n } = event.data as { n: number };
        emit({ type: NoteCounted.type, subject: event.subject, data: { n, note: event.id } });
      },
    });

    const outcome = await run(
      Effect.gen(function* () {
        const log = yield* EventLogService;
        const { automations } = yield* IntelligenceService;
        yield* log.append({ type: NoteAdded.type, subject: "note-1", data: { n: 1 } });
        yield* automations.idle;
        const failures = yield* automations.failures("counter");
        down = false;
        const retried = yield* automations.retry("counter", failures[0]?.event ?? "");
        const unknown = yield* Effect.flip(automations.retry("nobody", failures[0]?.event ?? ""));
        return {
          failures: failures.map((failure) => failure.error.message),
          retried,
          after: yield* automations.failures(),
          counted: (yield* log.read({ types: [NoteCounted.type] })).length,
          unknown: unknown._tag,
        };
      }),
      { automations: [counter] },
    );

    expect(outcome).toEqual({
      failures: ["model down"],
      retried: { outcome: "ok" },
      after: [],
      counted: 1,
      unknown: "NotFoundError",
    });
  });

  it("is idle with no failures in a factory with no automations, and a retry there names the automation", async () => {
    const outcome = await run(
      Effect.gen(function* () {
        const { automations } = yield* IntelligenceService;
        yield* automations.idle;
        const retry = yield* Effect.flip(automations.retry("digest", "evt_1"));
        return { failures: yield* automations.failures(), retry: [retry._tag, retry.message] };
      }),
    );

    expect(outcome).toEqual({
      failures: [],
      retry: ["NotFoundError", expect.stringContaining('no automation "digest"')],
    });
  });
});
