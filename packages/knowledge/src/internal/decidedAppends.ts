/**
 * How a knowledge write appends: decided against the documents at the log's
 * head and appended only if the head has not moved, deciding again when
 * another write landed first.
 *
 * @module
 */
import { type NewEvent, retryOnConflict } from "@software-factory/core";
import type { WriteOptions } from "../KnowledgeBase.js";
import { expectKnownLines, type LineCheck } from "./appendOnKnownLines.js";
import type { KnowledgeWriterOptions } from "./KnowledgeWriter.js";

/**
 * Longest wait, in milliseconds, before a link change decides again after
 * another write landed first. Pauses start small and double; the bound must be
 * long next to one attempt on a database server (several round trips), or a
 * burst of writers retries faster than the log takes their appends and uses
 * up its attempts: the assembly line's writes measured 32 % refused at 50 ms
 * and none at 500 ms (core's LineWriter, 6b2f5f7).
 */
const MAX_BACKOFF_MS = 500;

/**
 * Decides and appends as one step: syncs the writer's documents to its log's head,
 * lets `decide` check them (a document not retracted) and make the events
 * (or nothing to write), checks the lines of `check`, and appends only if
 * the log is still at that head. When another write landed first, it
 * decides again (core's `retryOnConflict`, jittered backoff), so a
 * retraction landing between the read and the append is never overtaken.
 * The decision's key, when it makes one, replaces the write's.
 *
 * @throws what `decide` throws (DocumentRetractedError), NotFoundError for an unknown line.
 */
export async function appendDecided(
  writer: KnowledgeWriterOptions,
  decide: () => { readonly events: NewEvent[]; readonly idempotencyKey?: string } | undefined,
  options: WriteOptions,
  check: LineCheck = { lines: [], subject: "" },
): Promise<void> {
  await retryOnConflict(
    async () => {
      const head = await writer.projection.sync();
      const decision = decide();
      if (decision === undefined) return;
      await expectKnownLines(writer.lines, check);
      const key = decision.idempotencyKey ?? options.idempotencyKey;
      await writer.log.append(decision.events, {
        ...writeOptionsOf({ ...options, ...(key === undefined ? {} : { idempotencyKey: key }) }),
        expectedHead: head,
      });
    },
    { maxBackoffMs: MAX_BACKOFF_MS },
  );
}

/** The append options of a write: its idempotency key and actor, when given. */
export function writeOptionsOf(options: WriteOptions): { idempotencyKey?: string; actor?: string } {
  return {
    ...(options.idempotencyKey === undefined ? {} : { idempotencyKey: options.idempotencyKey }),
    ...(options.actor === undefined ? {} : { actor: options.actor }),
  };
}
