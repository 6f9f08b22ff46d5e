/**
 * The document a recorded decision is: kind `decision`, its body written
 * from the decision's context, options, decision and consequences.
 *
 * @module
 */
import type { z } from "zod";
import { decisionMarkdown } from "../decisionMarkdown.js";
import type { CaptureInput, Decision, RecordDecisionInputSchema } from "../schemas.js";

/** The capture that records `input`, a decision as `RecordDecisionInputSchema` parsed it. */
export function decisionDocument(input: z.output<typeof RecordDecisionInputSchema>): CaptureInput {
  const decision: Decision = {
    status: input.status,
    context: input.context,
    options: input.options,
    decision: input.decision,
    consequences: input.consequences,
  };
  return {
    kind: "decision",
    title: input.title,
    body: decisionMarkdown(decision),
    source: input.source,
    tags: input.tags,
    lines: input.lines,
    links: input.links,
    supersedes: input.supersedes,
    decision,
  };
}
