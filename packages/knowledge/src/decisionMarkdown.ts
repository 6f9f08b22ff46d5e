/**
 * Decision records written as markdown.
 *
 * @module
 */
import { checkArguments } from "@software-factory/core";
import { aDecision } from "./internal/arguments.js";
import type { Decision } from "./schemas.js";

/**
 * Markdown of a decision record: context, options, decision, consequences.
 *
 * @throws ValidationError naming `decision` when it is not a decision.
 */
export function decisionMarkdown(decision: Decision): string {
  checkArguments("decisionMarkdown", { decision: [aDecision, decision] });
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
