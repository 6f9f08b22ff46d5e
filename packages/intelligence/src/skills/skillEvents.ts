/**
 * The events a skill registry records: each run (`skill.ran`) and, for a run
 * given an idempotency key, its claim of the key (`skill.started`) and the
 * renewals of that claim while it runs (`skill.renewed`).
 *
 * @module
 */
import { defineEvent } from "@software-factory/core";
import { z } from "zod";

/** A run of a skill was recorded. Subject: the skill name. */
export const SkillRan = defineEvent(
  "skill.ran",
  z.object({
    /**
     * Hex SHA-256 of the input as canonical JSON: runs on the same input
     * share it; the input itself is not kept. Empty for an `invalid-input`
     * run whose input was not JSON (a BigInt, a cycle).
     */
    inputHash: z.string(),
    /**
     * `ok`, `invalid-input` (refused by the input schema, not JSON, holding
     * keys the schema does not take in a run given `strictInput`, or naming
     * what the factory lacks) or `failed` (a cancelled run too: see `cancelled`).
     */
    outcome: z.enum(["ok", "invalid-input", "failed"]),
    /**
     * Set on a `failed` run that was cancelled (its caller's signal aborted),
     * before its handler started or while it ran; `error` then says
     * `cancelled: ` and the signal's reason. Runs of other outcomes, and runs
     * recorded before runs could be cancelled, have none.
     */
    cancelled: z.literal(true).optional(),
    /** Milliseconds from the run's start to its end. */
    durationMs: z.number().min(0),
    /** The error's message, at most 500 characters, when the outcome is not `ok`. */
    error: z.string().optional(),
    /** The idempotency key the run was given, if any (runs recorded before keys existed have none). */
    idempotencyKey: z.string().optional(),
    /** The output of an `ok` run given an idempotency key: what a retry with the key returns. Other runs keep none. */
    output: z.unknown().optional(),
    /**
     * Position of the `skill.started` event by which a run given an
     * idempotency key claimed it: a failed run releases that claim only, not
     * one a retry took over since (runs recorded before claims could be taken
     * over have none).
     */
    claim: z.number().int().positive().optional(),
    /**
     * Who encoded the skill (its `author`), when it names one: the use of what
     * a factory operator encoded is measured from it by a process that does
     * not register the skill. Runs recorded before it was kept have none.
     */
    author: z.string().optional(),
  }),
);

/**
 * A run of a skill given an idempotency key claimed the key; its `skill.ran`
 * event records the outcome. A later `skill.started` with the same key is a
 * retry that took over a claim it found abandoned. Subject: the skill name.
 */
export const SkillStarted = defineEvent(
  "skill.started",
  z.object({
    /** The key the run was given. */
    idempotencyKey: z.string(),
    /** Hex SHA-256 of the input as canonical JSON, as `skill.ran` records it. */
    inputHash: z.string(),
    /**
     * Host name of the machine whose process claimed the key (`os.hostname()`):
     * a retry on the same host can tell whether that process has ended.
     * Claims recorded before holders were named have none, nor `pid` and `instance`.
     */
    host: z.string().optional(),
    /** Process id of the process that claimed the key, on `host`. */
    pid: z.number().int().positive().optional(),
    /**
     * A random id the claiming process drew when it loaded the SDK: tells it
     * apart from a later process given the same `pid` on the same host (a
     * restarted container's first process often is).
     */
    instance: z.string().optional(),
  }),
);

/**
 * A run of a skill holding an idempotency key ({@link SkillStarted}) renewed
 * its claim: appended every third of the claim lease while its handler runs,
 * so a retry counts the lease from the last renewal, and a run longer than
 * the lease keeps its key while its process lives. Each is appended under an
 * idempotency key of its own (the claim's position and a random id kept until
 * it lands), so a renewal whose append is retried lands once. Subject: the
 * skill name.
 */
export const SkillRenewed = defineEvent(
  "skill.renewed",
  z.object({
    /** The key the run holds. */
    idempotencyKey: z.string(),
    /** Position of the `skill.started` event by which the run claimed it. */
    claim: z.number().int().positive(),
  }),
);
