/**
 * The words a message uses for a work item move: `send work item wi_1 back`,
 * not the method's name (`sendBack`), which stays the `move` field of the
 * errors for programs to match on.
 *
 * @module
 */
import type { Move } from "./checks.js";

/** A move's verb, the particle that follows its object, and its past participle. */
interface MoveWords {
  readonly verb: string;
  readonly particle?: string;
  readonly past: string;
}

const WORDS: Readonly<Record<Move, MoveWords>> = {
  advance: { verb: "advance", past: "advanced" },
  sendBack: { verb: "send", particle: "back", past: "sent back" },
  block: { verb: "block", past: "blocked" },
  unblock: { verb: "unblock", past: "unblocked" },
  drop: { verb: "drop", past: "dropped" },
  complete: { verb: "complete", past: "completed" },
  assign: { verb: "assign", past: "assigned" },
};

/** The move done to `object`: `send work item wi_1 back`, `advance it`. */
export function moveClause(move: Move, object: string): string {
  const { verb, particle } = WORDS[move];
  return particle === undefined ? `${verb} ${object}` : `${verb} ${object} ${particle}`;
}

/** The move as a verb without its object: `send back`, `advance`. */
export function moveVerb(move: Move): string {
  const { verb, particle } = WORDS[move];
  return particle === undefined ? verb : `${verb} ${particle}`;
}

/** The move's past participle, for what can be moved: `sent back`, `dropped`. */
export function movePast(move: Move): string {
  return WORDS[move].past;
}
