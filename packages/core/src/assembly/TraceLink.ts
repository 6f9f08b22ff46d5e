import { z } from "zod";

/**
 * The types of trace link, read from the downstream end: a design
 * `derivesFrom` a requirement, a change set `implements` a task, a test
 * `verifies` a requirement, a release `satisfies` a requirement, a
 * requirement `addresses` a signal. A new link must have one of them.
 */
export const LINK_TYPES = ["derivesFrom", "satisfies", "implements", "verifies", "addresses"] as const;

/** A link type: one of {@link LINK_TYPES}. */
export const LinkTypeSchema = z.enum(LINK_TYPES, {
  error: (issue) => `unknown link type ${JSON.stringify(issue.input)}; link types: ${LINK_TYPES.join(", ")}`,
});
/** A link type: one of {@link LINK_TYPES}. */
export type LinkType = z.infer<typeof LinkTypeSchema>;

/** What a reviewer decided about a suspect link: still right, adapted to the change, or no longer relevant. */
export const ReviewVerdictSchema = z.enum(["keep", "adapted", "obsolete"]);
/** What a reviewer decided about a suspect link. */
export type ReviewVerdict = z.infer<typeof ReviewVerdictSchema>;

/** Why a link is suspect: which upstream artifact changed, between which fingerprints, how far up. */
export interface SuspectCause {
  /** The artifact whose new version made the link suspect. */
  readonly artifact: string;
  /** Its fingerprint before the change. */
  readonly from: string;
  /** Its fingerprint after the change. */
  readonly to: string;
  /** Its new version. */
  readonly version: number;
  /** 1 when the link points at the changed artifact, 2 when one link lies between, and so on. */
  readonly hops: number;
  /** When the change was recorded. */
  readonly at: string;
}

/** A typed link from a downstream artifact or work item to an upstream one. */
export interface TraceLink {
  /** Stable id (`link_...`). */
  readonly id: string;
  /** Downstream end (the design, the test, the change set). */
  readonly from: string;
  /** Upstream end (the requirement, the task, a standard). */
  readonly to: string;
  /** One of {@link LINK_TYPES}; links recorded before the types were fixed may carry another camelCase word. */
  readonly type: string;
  /** The upstream fingerprint the link was made or last reviewed against (absent when upstream is no artifact). */
  readonly verifiedFingerprint: string | undefined;
  /** Whether an upstream change has not been reviewed yet. */
  readonly suspect: boolean;
  /** The upstream changes that made it suspect, oldest first; empty when not suspect. */
  readonly causes: readonly SuspectCause[];
  /** Whether the link was reviewed as obsolete. */
  readonly obsolete: boolean;
  /** When the link was made. */
  readonly createdAt: string;
}

/** Which way to walk trace links: toward sources, toward consequences, or both. */
export type WalkDirection = "upstream" | "downstream" | "both";
