/**
 * What a context pack may be asked: the schema of a {@link ContextRequest}.
 *
 * @module
 */
import { strictInput } from "@software-factory/core";
import { z } from "zod";
import type { ContextRequest } from "./contextPack.js";
import { MAX_SEARCH_CHARS } from "./contextPackKnowledge.js";

/** What {@link ContextRequest} takes, no other key (one is refused, naming it and these), and at least one subject. */
export const ContextRequestSchema = strictInput({
  workItem: z.string().min(1).optional(),
  line: z.string().min(1).optional(),
  // A path is data: only a blank one is refused; a space at either end is part of a file name.
  paths: z
    .array(z.string().refine((path) => path.trim() !== "", "a path must not be blank"))
    .min(1)
    .optional(),
  question: z
    .string()
    .trim()
    .min(1, "question must not be empty")
    .max(MAX_SEARCH_CHARS, {
      error: (issue) =>
        `question is ${(issue.input as string).length.toLocaleString("en-US")} characters; a knowledge search takes at most ${MAX_SEARCH_CHARS.toLocaleString("en-US")}`,
    })
    .optional(),
  budgetTokens: z.number().int().min(1).optional(),
  signal: z.custom<AbortSignal>((value) => value instanceof AbortSignal, "must be an AbortSignal").optional(),
}).refine(
  (request) =>
    [request.workItem, request.line, request.paths, request.question].some((part) => part !== undefined),
  "say what the pack is about: a workItem, a line, paths or a question",
);
