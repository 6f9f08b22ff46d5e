/**
 * The decision tool of the `knowledge` group: `record_decision`, which adds a
 * decision (an ADR) to the decision log; and the decision fields
 * `revise_knowledge` changes.
 *
 * @module
 */
import {
  checkDecisionTextTotal,
  DECISION_LIST_MAX,
  DECISION_TEXT_MAX,
  decisionOptionInputShape,
  decisionTextSchema,
  RecordDecisionInputSchema,
  SourceSchema,
} from "@software-factory/knowledge";
import { z } from "zod";
import { defineTool } from "../toolKit.js";
import { requireSuperseded, Stored, stored } from "./knowledgeShared.js";
import { requireLines } from "./knownValues.js";
import { filledText, IdempotencyKey, keyed } from "./shared.js";

/** An option weighed by a decision: its title, pros and cons within the knowledge base's limits; unknown keys refused. */
const DecisionOption = z.strictObject({
  title: decisionOptionInputShape.title.describe("Its name"),
  pros: decisionOptionInputShape.pros.describe("For it"),
  cons: decisionOptionInputShape.cons.describe("Against it"),
});

/** The options a decision weighed, as a tool writes them: at most {@link DECISION_LIST_MAX}. */
const DecisionOptions = z
  .array(DecisionOption)
  .max(DECISION_LIST_MAX, `at most ${DECISION_LIST_MAX} options`);

/** Where a decision stands as a tool writes it: proposed, accepted or rejected (superseded comes from a superseding decision). */
const DecisionStatusInput = z.enum(["proposed", "accepted", "rejected"]);

/** A decision's context as a tool writes it: within the knowledge base's limit, not blank. */
const DecisionContextInput = decisionTextSchema("context")
  .min(1)
  .refine((text) => text.trim() !== "", "context must not be blank");

/** A decision's decision text as a tool writes it: within the knowledge base's limit, not blank. */
const DecisionTextInput = decisionTextSchema("decision")
  .min(1)
  .refine((text) => text.trim() !== "", "decision must not be blank");

/** A decision's consequences as a tool writes it: within the knowledge base's limit, may be empty. */
const DecisionConsequencesInput = decisionTextSchema("consequences");

/**
 * The decision fields `revise_knowledge` changes, as `record_decision` names
 * and limits them (unknown keys refused): passed as given to the knowledge
 * base's `revise`, which merges them over the document's decision in its
 * write and refuses `{}` and a document that is no decision.
 */
export const DecisionRevisionInput = z.strictObject({
  status: DecisionStatusInput.optional().describe("New status"),
  context: DecisionContextInput.optional().describe("Markdown"),
  options: DecisionOptions.optional().describe("Replaces the options"),
  decision: DecisionTextInput.optional().describe("Markdown"),
  consequences: DecisionConsequencesInput.optional().describe("Markdown"),
});

/** `record_decision`: adds a decision (an ADR) to the decision log; idempotent with a key. */
export const recordDecision = defineTool({
  name: "record_decision",
  title: "Record a decision",
  description: `Add a decision (an ADR) to the decision log, linked to lines. Its context, options, decision and consequences together hold at most ${DECISION_TEXT_MAX} characters.`,
  group: "knowledge",
  // Idempotent only with an idempotencyKey: called twice without one, it writes twice.
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false },
  input: z
    .object({
      title: filledText(500).describe("The decision in a few words"),
      status: DecisionStatusInput.default("proposed").describe("Where it stands"),
      context: DecisionContextInput.describe("Markdown: the situation and forces calling for a decision"),
      options: DecisionOptions.default([]).describe("The options weighed"),
      decision: DecisionTextInput.describe("Markdown: what was decided, and why"),
      consequences: DecisionConsequencesInput.default("").describe(
        "Markdown: what follows from it, good and bad",
      ),
      lines: RecordDecisionInputSchema.shape.lines.describe(
        "Ids of the lines it concerns (factory://floorplan lists them)",
      ),
      supersedes: RecordDecisionInputSchema.shape.supersedes.describe(
        'Ids of earlier decisions it replaces, which become superseded (list_knowledge with kinds ["decision"] gives them; not retracted ones)',
      ),
      author: SourceSchema.shape.author.describe("Who decided (an operator id or a name)"),
      idempotencyKey: IdempotencyKey,
    })
    .superRefine(checkDecisionTextTotal),
  output: Stored,
  run: async (factory, { idempotencyKey, author, ...input }) => {
    await requireLines(factory, input.lines, "lines");
    await requireSuperseded(factory, input.supersedes);
    const document = await factory.knowledge.recordDecision(
      { ...input, source: { system: "mcp", ...(author === undefined ? {} : { author }) } },
      keyed(idempotencyKey),
    );
    return stored(document);
  },
});
