/**
 * The mapping of a JSONL import: what each line becomes (a document, a signal
 * or an artifact) and the dotted paths its fields are read from. A key the
 * target does not take is refused, naming it, the near name and the keys it
 * takes, so a typo (`bdoy`) fails before anything is written rather than
 * importing every record without that field.
 *
 * @module
 */
import { ArtifactKindSchema, nearNames } from "@software-factory/core";
import { DocumentKindSchema } from "@software-factory/knowledge";
import { z } from "zod";

const path = z.string().trim().min(1, "a field path must not be empty");

const common = {
  /** Path of the record's stable id at its source: re-importing the same id updates instead of duplicating. */
  id: path,
  /** Path of the title (the signal's first line). */
  title: path,
  /** Path of the body (markdown for documents). */
  body: path.optional(),
  /** Path of a line id (it must exist in the floor plan). */
  line: path.optional(),
  /** Path of tags: an array of strings or a comma-separated string. */
  tags: path.optional(),
  /** Source system written on what is created (`zendesk`); the file's name when omitted. */
  system: z
    .string()
    .regex(/^[a-z0-9][a-z0-9._-]{0,59}$/, "system must be a short lowercase name such as zendesk")
    .optional(),
};

/** Letters of a name in order, case ignored: two names alike but for swapped letters (`bdoy`, `body`) have the same. */
const letters = (name: string) => [...name.toLowerCase()].sort().join("");

/** Whether `key` is `name` with letters swapped, a typo an edit distance of a quarter of its length misses. */
const sameLetters = (name: string, key: string) => letters(name) === letters(key);

/**
 * Why a mapping's keys are refused: `unknown key "bdoy" (did you mean
 * "body"?); a document mapping takes target, id, title, ...`.
 */
function unknownKeys(keys: readonly string[], target: string, taken: readonly string[]): string {
  const named = keys.map((key) => {
    const near = nearNames(key, taken, { max: 1 })[0] ?? taken.find((name) => sameLetters(name, key));
    return `"${key}"${near === undefined ? "" : ` (did you mean "${near}"?)`}`;
  });
  return `unknown key${keys.length === 1 ? "" : "s"} ${named.join(", ")}; a ${target} mapping takes ${taken.join(", ")}`;
}

/** The mapping of one target: its keys only, another refused by {@link unknownKeys}. */
function mappingOf<Shape extends z.core.$ZodLooseShape>(target: string, shape: Shape) {
  return z.strictObject(shape, {
    error: (issue) =>
      issue.code === "unrecognized_keys" ? unknownKeys(issue.keys, target, Object.keys(shape)) : undefined,
  });
}

/** Where each field of what a line becomes is found in it: dotted paths (`fields.summary`). */
export const JsonlMappingSchema = z.discriminatedUnion("target", [
  mappingOf("document", {
    /** Each line becomes a knowledge document. */
    target: z.literal("document"),
    ...common,
    /** Document kind for every line (default `note`; not `decision`, which needs fields a line does not map). */
    kind: DocumentKindSchema.exclude(["decision"], {
      message: "a JSONL import cannot write decisions (record them with recordDecision); use another kind",
    }).default("note"),
    /** Path of the author. */
    author: path.optional(),
    /**
     * Path of when the record was written at its source (a ticket's
     * `created_at`): a date string, or an epoch time in seconds or
     * milliseconds told apart by size, as knowledge's `importRecords` reads
     * it. It dates the document (`source.capturedAt`, and so `validFrom`);
     * default the time of the import.
     */
    capturedAt: path.optional(),
  }),
  mappingOf("signal", {
    /** Each line becomes a customer signal. */
    target: z.literal("signal"),
    ...common,
    /** Path of the severity (`low`, `medium`, `high`, `critical`; default medium). */
    severity: path.optional(),
    /** Path of the customer. */
    customer: path.optional(),
  }),
  mappingOf("artifact", {
    /** Each line becomes an assembly-line artifact. */
    target: z.literal("artifact"),
    ...common,
    /** Artifact kind for every line (`feedback`, `incident`...). */
    kind: ArtifactKindSchema,
    /** Further fields of the artifact: name to path. */
    fields: z.record(z.string().min(1), path).default({}),
  }),
]);
/** A JSONL mapping. */
export type JsonlMapping = z.input<typeof JsonlMappingSchema>;

/** A JSONL mapping, parsed (defaults applied). */
export type ParsedJsonlMapping = z.output<typeof JsonlMappingSchema>;
