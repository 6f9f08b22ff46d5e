/**
 * The events a skill registry records: each run (`skill.ran`) and, for a run
 * given an idempotency key, its claim of the key (`skill.started`).
 *
 * @module
 */
import { defineEvent } from "@software-factory/core";
import { z } from "zod";

/** A run of a skill was recorded. Subject: the skill name. */
export const SkillRan = defineEvent(
  "skill.ran",
  z.object({
    /** Hex SHA-256 of the input as canonical JSON: runs on the same input share it; the input itself is not kept. */
    inputHash: z.string(),
    /** `ok`, `invalid-input` (refused by the input schema, or naming what the factory lacks) or `failed`. */
    outcome: z.enum(["ok", "invalid-input", "failed"]),
    /** Milliseconds from the run's start to its end. */
    durationMs: z.number().min(0),
    /** The error's message, at most 500 characters, when the outcome is not `ok`. */
    error: z.string().optional(),
    /** The idempotency key the run was given, if any (runs recorded before keys existed have none). */
    idempotencyKey: z.string().optional(),
    /** The output of an `ok` run given an idempotency key: what a retry with the key returns. Other runs keep none. */
    output: z.unknown().optional(),
  }),
);

/** A run of a skill given an idempotency key claimed the key; its `skill.ran` event records the outcome. Subject: the skill name. */
export const SkillStarted = defineEvent(
  "skill.started",
  z.object({
    /** The key the run was given. */
    idempotencyKey: z.string(),
    /** Hex SHA-256 of the input as canonical JSON, as `skill.ran` records it. */
    inputHash: z.string(),
  }),
);
