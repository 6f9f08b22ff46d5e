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
import { Instant, SourceOutput } from "./knowledgeOutputs.js";
import { TraceLinkOutput, WorkItemOutput } from "./workOutputs.js";

/** A line next to a line of the pack, and the dependency between them. */
const Neighbour = z.looseObject({
  line: z.string(),
  owner: z.string().optional(),
  kind: z.string().describe("api, data, event, ui, library or infra"),
  criticality: CriticalitySchema,
  contract: z.string().optional().describe("What the dependency promises, when the floor plan says"),
});

/** The links of a pack's document to the pack's work item or lines, when it has any. */
const LinkedOutput = z.array(z.looseObject({ type: z.string(), target: z.string() })).optional();

/** An instruction of an imported rule file (a Cursor rule, a section of AGENTS.md or CLAUDE.md). */
const Instruction = z.looseObject({
  id: z.string().describe("Kebab-case id of the instruction (testing-ci)"),
  description: z.string().optional().describe("What it is about, when its source says"),
  instructions: z.string().describe("The markdown instructions themselves"),
  globs: z.array(z.string()).describe("Globs of the repository paths it applies to (unless alwaysApply)"),
  alwaysApply: z.boolean().describe("Whether it applies to every path, whatever the globs"),
  source: z
    .looseObject({
      format: z.string().describe("The file's format: cursor, agents-md or claude-md"),
      file: z.string().describe("Path of the file it was read from"),
      line: z.number().describe("1-based line where it starts in the file"),
    })
    .optional()
    .describe("Where it was read from, when it was read from a file"),
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
      .array(Instruction)
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
        source: SourceOutput,
        createdAt: Instant.describe(
          "When it was captured; the markdown dates it by source.capturedAt, else by this",
        ),
        linked: LinkedOutput,
      }),
    )
    .describe("The best documents, with an excerpt"),
  relatedKnowledge: z
    .array(
      z.looseObject({
        id: z.string(),
        title: z.string(),
        kind: z.string(),
        score: z.number(),
        linked: LinkedOutput,
      }),
    )
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
  nothingMatched: z
    .looseObject({ message: z.string(), lines: z.number(), hasDocuments: z.boolean() })
    .optional()
    .describe("Set when nothing matched: what the factory holds and what to try"),
  markdown: z.string().describe("The whole pack as markdown"),
});
