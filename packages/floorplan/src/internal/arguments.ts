/**
 * The arguments of a public method as plain JavaScript may pass them: each
 * checked against its schema before anything runs, so a wrong type is a
 * `ValidationError` naming the argument, not a `TypeError` from deep inside,
 * a `NotFoundError` for `line "42"` or an empty answer.
 *
 * @module
 */
import { z } from "zod";

/** A string argument (an id, a `kind:id` node key, a relation type). */
export const Text = z.string();

/** A list argument (rules, problems): an array, whose items the function's own checks read. */
export const List = z.array(z.unknown());

/** A list of paths: any iterable (an array, a Set) but a string, whose items `linesForPaths` checks one by one. */
export const Paths = z.custom<Iterable<unknown>>(
  (value) => typeof value === "object" && value !== null && Symbol.iterator in value,
  "must be a list of repository paths (an array or another iterable of strings)",
);

/** A floor graph argument: a `FloorGraph` (a floor plan's `graph`, or what `buildFloorGraph` returns). */
export const aFloorGraph = z.custom<object>(
  (value) =>
    typeof value === "object" &&
    value !== null &&
    typeof (value as { graph?: unknown }).graph === "object" &&
    typeof (value as { lines?: unknown }).lines === "function" &&
    typeof (value as { dependencyList?: unknown }).dependencyList === "function",
  "must be a floor graph (a floor plan's graph, or buildFloorGraph's result)",
);
