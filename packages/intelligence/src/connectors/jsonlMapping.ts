/**
 * The mapping of a JSONL import: what each line becomes (a document, a signal
 * or an artifact) and the dotted paths its fields are read from.
 *
 * @module
 */
import { ArtifactKindSchema } from "@software-factory/core";
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

/** Where each field of what a line becomes is found in it: dotted paths (`fields.summary`). */
export const JsonlMappingSchema = z.discriminatedUnion("target", [
  z.object({
    /** Each line becomes a knowledge document. */
    target: z.literal("document"),
    ...common,
    /** Document kind for every line (default `note`; not `decision`, which needs fields a line does not map). */
    kind: DocumentKindSchema.exclude(["decision"], {
      message: "a JSONL import cannot write decisions (record them with recordDecision); use another kind",
    }).default("note"),
    /** Path of the author. */
    author: path.optional(),
  }),
  z.object({
    /** Each line becomes a customer signal. */
    target: z.literal("signal"),
    ...common,
    /** Path of the severity (`low`, `medium`, `high`, `critical`; default medium). */
    severity: path.optional(),
    /** Path of the customer. */
    customer: path.optional(),
  }),
  z.object({
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
