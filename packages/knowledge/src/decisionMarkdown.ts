/**
 * Decision records written as markdown.
 *
 * @module
 */
import type { Decision } from "./schemas.js";

/** Markdown of a decision record: context, options, decision, consequences. */
export function decisionMarkdown(decision: Decision): string {
  const options = decision.options
    .map((option) => {
      const pros = option.pros.map((pro) => `  - pro: ${pro}`).join("\n");
      const cons = option.cons.map((con) => `  - con: ${con}`).join("\n");
      return [`- ${option.title}`, pros, cons].filter((part) => part !== "").join("\n");
    })
    .join("\n");
  return [
    `Status: ${decision.status}`,
    `## Context\n\n${decision.context}`,
    ...(options === "" ? [] : [`## Options\n\n${options}`]),
    `## Decision\n\n${decision.decision}`,
    ...(decision.consequences === "" ? [] : [`## Consequences\n\n${decision.consequences}`]),
  ].join("\n\n");
}
