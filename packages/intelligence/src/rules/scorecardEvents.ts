/**
 * The events a scorecard records: a line's level changed, and a scorecard
 * re-scored at open under new levels or rules.
 *
 * @module
 */
import { defineEvent } from "@software-factory/core";
import { z } from "zod";

/** A line's level on a scorecard changed. */
export const ScorecardLevelChanged = defineEvent(
  "scorecard.level.changed",
  z.object({
    /** The scorecard's id. */
    scorecard: z.string().min(1),
    /** The line's id. */
    line: z.string().min(1),
    /** The level it had; null when it had not reached the first. */
    from: z.string().nullable(),
    /** The level it has now; null when it no longer reaches the first. */
    to: z.string().nullable(),
    /** Ids of the rules that keep it from the next level (none at the top). */
    failing: z.array(z.string()),
  }),
);

/**
 * A scorecard was re-scored at open because it, or one of its rules, is not
 * the one its levels were last recorded under (or none was recorded yet): the
 * level changes it found are recorded with it. Subject: the scorecard's id.
 */
export const ScorecardDefined = defineEvent(
  "scorecard.defined",
  z.object({
    /** The scorecard's id. */
    scorecard: z.string().min(1),
    /**
     * Hex SHA-256 of what its levels depend on: its levels and severity, and
     * each of its rules' id, description, severity, kind, triggers and the
     * source text of its check.
     */
    fingerprint: z.string().min(1),
  }),
);
