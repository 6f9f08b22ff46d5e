/**
 * The arguments of a `KnowledgeBase` method as plain JavaScript may pass
 * them: each checked against its schema before anything runs, so a wrong
 * type is a `ValidationError` naming the argument, not a `TypeError` from
 * deep inside, a `NotFoundError` for document `42` or an empty answer.
 *
 * @module
 */
import { anObject } from "@software-factory/core";
import { z } from "zod";

/** A string argument (a document id, a source system or address). */
export const Text = z.string();

/**
 * The options of a write (`WriteOptions`, `MoveOptions`,
 * `CaptureOrReviseOptions`, `RetractOptions`): an object whose known fields
 * are strings (`reimport` and `sourceGone` booleans); other fields are left
 * alone, as the types allow callers to pass a wider object.
 */
export const WriteOptionsArgument = anObject("an options object").pipe(
  z.looseObject({
    idempotencyKey: z.string().optional(),
    actor: z.string().optional(),
    reason: z.string().optional(),
    reimport: z.boolean().optional(),
    sourceVersion: z.string().min(1).optional(),
    sourceGone: z.boolean().optional(),
  }),
);

/** A knowledge base argument of an importer: an object with the methods importers call. */
export const aKnowledgeBase = z.custom<object>(
  (value) =>
    typeof value === "object" &&
    value !== null &&
    ["capture", "captureOrRevise", "bySource", "fromSystem"].every(
      (method) => typeof (value as Record<string, unknown>)[method] === "function",
    ),
  "must be a knowledge base (openKnowledgeBase's result, or a factory's knowledge)",
);

/** An array argument (a ranking, a list of sections); its items are the function's own business. */
export const List = z.custom<readonly unknown[]>((value) => Array.isArray(value), "must be an array");

/** An optional options object. */
export const OptionsArgument = anObject("an options object").optional();

/** A knowledge document argument: an object with its revisions, as the knowledge base's reads return it. */
export const aDocument = z.custom<object>(
  (value) =>
    typeof value === "object" &&
    value !== null &&
    Array.isArray((value as { revisions?: unknown }).revisions),
  "must be a knowledge document (as get or list return it)",
);

/** A decision argument: an object with its options listed, as `recordDecision` takes it. */
export const aDecision = z.custom<object>(
  (value) =>
    typeof value === "object" && value !== null && Array.isArray((value as { options?: unknown }).options),
  "must be a decision (status, context, options, decision, consequences)",
);

/** A transcript argument: an object with its turns listed, as `parseTranscript` returns it. */
export const aTranscript = z.custom<object>(
  (value) =>
    typeof value === "object" && value !== null && Array.isArray((value as { turns?: unknown }).turns),
  "must be a transcript (as parseTranscript returns it)",
);

/** A front matter file argument, as `parseFrontMatter` returns it: its data and a `locate` function. */
export const aFrontMatterFile = z.custom<object>(
  (value) =>
    typeof value === "object" &&
    value !== null &&
    typeof (value as { data?: unknown }).data === "object" &&
    typeof (value as { locate?: unknown }).locate === "function",
  "must be a front matter file (as parseFrontMatter returns it)",
);

/** A Map argument, described by `what` when it is not one. */
export const aMap = (what: string) => z.instanceof(Map, { message: `must be ${what}` });
