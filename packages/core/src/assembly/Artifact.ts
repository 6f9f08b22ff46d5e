import { z } from "zod";
import { hashJson } from "../canonicalJson.js";
import { nearNames } from "../nearNames.js";
import type { TraceLink } from "./TraceLink.js";

/**
 * Kinds of artifact the pipeline knows, one or more per stage. Any other
 * lowercase kind is accepted too (`runbook`, `mockup`).
 */
export const KNOWN_ARTIFACT_KINDS = [
  "signal",
  "requirement",
  "design",
  "adr",
  "task",
  "changeSet",
  "testEvidence",
  "release",
  "feedback",
  "incident",
  "standard",
  "document",
] as const;

/** An artifact kind: one of {@link KNOWN_ARTIFACT_KINDS} or a free camelCase word. */
export const ArtifactKindSchema = z
  .string()
  .regex(/^[a-z][a-zA-Z0-9]{0,39}$/, "artifact kind must be a camelCase word, as in changeSet");

/**
 * An artifact kind as a new artifact may name it: {@link ArtifactKindSchema},
 * and not a near miss of a known kind (`changeset`, `requirment`, `designs`),
 * which would be kept as a kind of its own that no stage gate counts: the
 * gate then said "no changeSet artifact" of an item holding a `changeset`.
 * Kinds already in the log are read as they are.
 */
export const NewArtifactKindSchema = ArtifactKindSchema.superRefine((kind, context) => {
  if ((KNOWN_ARTIFACT_KINDS as readonly string[]).includes(kind)) return;
  const [meant] = nearNames(kind, KNOWN_ARTIFACT_KINDS, { max: 1 });
  if (meant === undefined) return;
  context.addIssue({
    code: "custom",
    message: `"${kind}" is not a known artifact kind: did you mean "${meant}"? Kinds are case-sensitive, and a kind of your own must differ from the known ones (${KNOWN_ARTIFACT_KINDS.join(", ")}) by more than a letter or two`,
  });
});

/** A stable artifact id: generated (`art_...`) or chosen (`REQ-4`, `doc_...`). */
export const ArtifactIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/, "artifact id must be 1-128 chars of [A-Za-z0-9._:-]");

/** The evidence a change set carries: the commit and the paths it touched. */
export const ChangeSetFieldsSchema = z.object({
  /** The commit id, lowercase hex, 7 to 64 characters (abbreviated or full). */
  commit: z
    .string()
    .regex(/^[0-9a-f]{7,64}$/, "commit must be a hex commit id of 7-64 chars")
    .describe("the commit's id, lowercase hex, 7 to 64 characters"),
  /** Repository paths the change touched; at least one. Used to find the lines that own them. */
  paths: z
    .array(z.string().min(1))
    .min(1, "a change set touches at least one path")
    .describe("the repository paths it touched, at least one"),
});

/** The evidence a test run carries: its id and counts; `failed` must be 0 to leave testing. */
export const TestEvidenceFieldsSchema = z.object({
  /** The test run's id in the CI or runner that produced it. */
  runId: z.string().min(1, "runId must not be empty").describe("the test run's id in the CI or runner"),
  /** Tests that passed, a non-negative integer. */
  passed: z.number().int().nonnegative().describe("how many tests passed, a whole number"),
  /** Tests that failed, a non-negative integer; must be 0 to leave testing. */
  failed: z
    .number()
    .int()
    .nonnegative()
    .describe("how many tests failed, a whole number; 0 to leave testing"),
});

/** Field schemas enforced for kinds that serve as evidence; each field describes what it holds. */
export const EVIDENCE_SCHEMAS: Readonly<Record<string, z.ZodObject>> = {
  changeSet: ChangeSetFieldsSchema,
  testEvidence: TestEvidenceFieldsSchema,
};

/** One version of an artifact, as the assembly line holds it. */
export interface Artifact {
  /** Stable id across versions. */
  readonly id: string;
  /** Requirement, design, changeSet, testEvidence... */
  readonly kind: string;
  /** Short title. */
  readonly title: string;
  /** Kind-specific content (body, commit and paths, counts...). */
  readonly fields: Readonly<Record<string, unknown>>;
  /** The work item the artifact belongs to, if any. */
  readonly workItem: string | undefined;
  /** The line the artifact belongs to, if any (the work item's line by default). */
  readonly line: string | undefined;
  /** Stage the artifact was produced in, if any. */
  readonly stage: string | undefined;
  /** 1 for the first version, then +1 per change. */
  readonly version: number;
  /** Fingerprint of the content that matters; a new fingerprint makes downstream links suspect. */
  readonly fingerprint: string;
  /** When this version was recorded. */
  readonly recordedAt: string;
  /** Who recorded this version. */
  readonly recordedBy: string;
}

/**
 * Normalises text so formatting is not a change: line endings, markdown
 * emphasis and heading markers, and runs of whitespace (a reflowed paragraph
 * gives the same text).
 */
export function normaliseText(text: string): string {
  return text
    .replace(/\r\n?/g, "\n")
    .replace(/^[ \t]{0,3}#{1,6}[ \t]+/gm, "")
    .replace(/(\*\*|__|\*)(?=\S)([^*_\n]*?\S)\1/g, "$2")
    .replace(/\s+/g, " ")
    .trim();
}

/**
 * The fingerprint of an artifact: SHA-256 over its title and the chosen fields
 * (all fields by default), with every string normalised by {@link normaliseText}.
 *
 * @example
 * ```ts
 * fingerprintArtifact("Login", { body: "Users  sign in\nwith email." }) ===
 *   fingerprintArtifact("Login", { body: "Users sign in with email." }); // true
 * ```
 */
export function fingerprintArtifact(
  title: string,
  fields: Readonly<Record<string, unknown>>,
  chosen?: readonly string[],
): string {
  const picked: Record<string, unknown> = {};
  for (const key of chosen ?? Object.keys(fields)) picked[key] = normaliseValue(fields[key]);
  return hashJson({ title: normaliseText(title), fields: picked });
}

function normaliseValue(value: unknown): unknown {
  if (typeof value === "string") return normaliseText(value);
  if (Array.isArray(value)) return value.map(normaliseValue);
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value)) out[key] = normaliseValue(inner);
    return out;
  }
  return value === undefined ? null : value;
}

/** Result of {@link AssemblyLine.recordArtifact}. */
export interface RecordedArtifact {
  /** The artifact's latest version. */
  readonly artifact: Artifact;
  /** Whether a new version was written (false when the content was identical). */
  readonly changed: boolean;
  /** Links this version made suspect: the impact set of the change. */
  readonly suspected: readonly TraceLink[];
}
