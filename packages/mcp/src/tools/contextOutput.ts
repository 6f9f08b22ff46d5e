/**
 * Schema of what `get_context` answers: the context pack as JSON, its
 * knowledge hits flattened to excerpts, and the pack as markdown. Fields left
 * undefined are absent; the objects are loose, so a part the pack gains later
 * does not break a client that validates.
 *
 * @module
 */
import { CriticalitySchema } from "@software-factory/floorplan";
import { z } from "zod";
import { LineInfoOutput } from "./floorplanOutputs.js";
import { TraceLinkOutput, WorkItemOutput } from "./workOutputs.js";

/** A line next to a line of the pack, and the dependency between them. */
const Neighbour = z.looseObject({
  line: z.string(),
  owner: z.string().optional(),
  kind: z.string().describe("api, data, event, ui, library or infra"),
  criticality: CriticalitySchema,
  contract: z.string().optional().describe("What the dependency promises, when the floor plan says"),
});

/** `get_context`'s answer. */
export const ContextPackOutput = z.looseObject({
  lines: z
    .array(
      z.looseObject({
        line: LineInfoOutput,
        dependsOn: z.array(Neighbour),
        dependents: z.array(Neighbour),
        neighboursOmitted: z.looseObject({ dependsOn: z.number(), dependents: z.number() }).optional(),
      }),
    )
    .describe("Lines concerned, with their owners and neighbours"),
  unclaimedPaths: z
    .array(z.string())
    .describe("Paths of the request that no line claims, in the order given, each once"),
  workItem: WorkItemOutput.optional().describe("The work item asked about"),
  standards: z.looseObject({
    rules: z.array(
      z.looseObject({ id: z.string(), description: z.string(), severity: z.string(), appliesTo: z.string() }),
    ),
    instructions: z
      .array(z.looseObject({}))
      .describe("Instructions of imported rule files (AGENTS.md, Cursor rules) that apply"),
  }),
  activeWork: z.array(WorkItemOutput),
  knowledge: z
    .array(
      z.looseObject({
        id: z.string().describe("Document id, for get_document"),
        kind: z.string(),
        title: z.string(),
        snippet: z.string(),
        source: z.looseObject({}),
      }),
    )
    .describe("The best documents, with an excerpt"),
  relatedKnowledge: z
    .array(z.looseObject({ id: z.string(), title: z.string(), kind: z.string(), score: z.number() }))
    .describe("Further matching documents, named without text: read them with get_document"),
  suspectLinks: z.array(TraceLinkOutput),
  tokens: z.number().describe("Tokens of the markdown, at most budgetTokens"),
  budgetTokens: z.number(),
  tokenizer: z.string(),
  omitted: z
    .looseObject({
      neighbours: z.number(),
      instructions: z.number(),
      knowledge: z.number(),
      rules: z.number(),
      activeWork: z.number(),
      suspectLinks: z.number(),
    })
    .describe("What was left out to stay within the budget"),
  markdown: z.string().describe("The whole pack as markdown"),
});
