/**
 * The context tool of the `knowledge` group: `get_context`, everything needed
 * to start on a piece of work in one answer.
 *
 * @module
 */
import { contextPackMarkdown } from "@software-factory/intelligence";
import { z } from "zod";
import { defineTool } from "../toolKit.js";
import { ContextPackOutput } from "./contextOutput.js";
import { requireWorkItem } from "./knownRecords.js";
import { requireLine } from "./knownValues.js";
import { pathsDescription, RepositoryPaths, readPaths } from "./repositoryPaths.js";
import { filledText, ID_MAX, SEARCH_QUERY_MAX } from "./shared.js";

/** `get_context`: the context pack for a work item, line, paths or question, as JSON and markdown. */
export const getContext = defineTool({
  name: "get_context",
  title: "Context pack",
  description:
    "Everything needed to start on a task, in one answer: the lines concerned with owners and neighbours, the work item, active work, suspect links, the standards that apply and the knowledge that matters. Give a work item, a line, paths or a question. The text is markdown within budgetTokens; structuredContent holds the JSON, where omitted counts what did not fit and relatedKnowledge names further documents for get_document.",
  group: "knowledge",
  annotations: { readOnlyHint: true, idempotentHint: true },
  input: z
    .object({
      workItem: z
        .string()
        .min(1)
        .max(ID_MAX)
        .optional()
        .describe(
          "Id of a work item (wi_...; list_work and create_work_item give them): the pack covers it and its line",
        ),
      line: z
        .string()
        .min(1)
        .max(ID_MAX)
        .optional()
        .describe("Id of a line (factory://floorplan lists them): the pack covers it and its neighbours"),
      paths: RepositoryPaths.min(1)
        .optional()
        .describe(
          pathsDescription("the pack covers the lines that own them and the instructions that apply to them"),
        ),
      question: filledText(SEARCH_QUERY_MAX)
        .optional()
        .describe("A question in words: the pack's knowledge answers it"),
      budgetTokens: z
        .number()
        .int()
        .min(100)
        .max(20_000)
        .default(1500)
        .describe("Tokens the whole pack may take as markdown (o200k)"),
    })
    .refine(
      (input) =>
        [input.workItem, input.line, input.paths, input.question].some((value) => value !== undefined),
      { message: "give a workItem, line, paths or question" },
    ),
  output: ContextPackOutput,
  run: async (factory, input, context) => {
    if (input.workItem !== undefined) await requireWorkItem(factory, input.workItem, "workItem");
    if (input.line !== undefined) await requireLine(factory, input.line, "line");
    const paths =
      input.paths === undefined ? undefined : readPaths("get_context", factory.floorplan, input.paths);
    // A cancelled call aborts the pack, and the embedder's request for its knowledge search with it.
    const pack = await factory.context({
      ...(context?.signal === undefined ? {} : { signal: context.signal }),
      ...(input.workItem === undefined ? {} : { workItem: input.workItem }),
      ...(input.line === undefined ? {} : { line: input.line }),
      ...(paths === undefined ? {} : { paths }),
      ...(input.question === undefined ? {} : { question: input.question }),
      budgetTokens: input.budgetTokens,
    });
    return {
      ...pack,
      markdown: contextPackMarkdown(pack),
      knowledge: pack.knowledge.map((hit) => ({
        id: hit.document.id,
        kind: hit.document.kind,
        title: hit.document.title,
        snippet: hit.snippet,
        source: hit.document.source,
        createdAt: hit.document.createdAt,
        ...(hit.linked === undefined ? {} : { linked: hit.linked }),
      })),
    };
  },
  text: (pack) => pack.markdown,
});
