import { INPUT_LIMITS } from "@software-factory/core";

/**
 * Length limits of a plan's free-text fields, checked wherever a plan comes
 * in (factory.yaml, `applyPlan`, the imports), so no field puts a
 * multi-megabyte text into one event. Names, descriptions and contracts take
 * the assembly line's `INPUT_LIMITS` of the same kind of text.
 */
export const PLAN_LIMITS = {
  /** Characters of a display name (product, domain, line, operator), as a work item's title. */
  name: INPUT_LIMITS.title,
  /** Characters of a description (product, domain, line), as a signal's text: routing and context packs read it. */
  description: INPUT_LIMITS.signalText,
  /** Characters of a dependency's contract, as a reason. */
  contract: INPUT_LIMITS.reason,
  /** Characters of a path pattern (at most a name's, since an imported CODEOWNERS line is named by its pattern). */
  pathPattern: INPUT_LIMITS.title,
  /** Characters of a tag. */
  tag: 100,
  /** Characters of a knowledge link (a document id or a URL). */
  knowledge: 2000,
  /** Characters of a handle in another tool (`github: "@alice"`) or of an email address. */
  handle: 256,
} as const;
