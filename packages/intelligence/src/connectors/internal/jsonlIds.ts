/**
 * The artifact id a JSONL record is stored under (a signal's reference or the
 * artifact itself), and finding the one an earlier import gave it, so that a
 * re-import updates the record instead of capturing it again.
 *
 * @module
 */
import { createHash } from "node:crypto";
import { type Artifact, ArtifactIdSchema } from "@software-factory/core";

/** Characters an artifact id may not hold. */
const REFUSED = /[^A-Za-z0-9._:-]/g;

/** `<prefix>-<id>` with the refused characters made `_`, cut, and a hash of the record's id appended. */
function hashedId(prefix: string, id: string): string {
  const hash = createHash("sha256").update(id).digest("hex").slice(0, 16);
  return `${`${prefix}-${id}`.replace(REFUSED, "_").slice(0, 128 - hash.length - 1)}-${hash}`;
}

/**
 * The id imports gave a record before ids were hashed: the refused characters
 * made `_` and cut at 128, so `a b` and `a/b` were both stored as `a_b`.
 */
function legacyId(prefix: string, id: string): string {
  return `${prefix}-${id}`.replace(REFUSED, "_").slice(0, 128);
}

/**
 * The artifact id of a record's id: `<prefix>-<id>` when the assembly line
 * accepts that as it is; else with the characters it refuses made `_`, cut to
 * fit, and a hash of the record's id appended, so that ids differing only in
 * what was replaced or cut (`a b`, `a/b`) stay distinct.
 */
export function storedId(prefix: string, id: string): string {
  const plain = `${prefix}-${id}`;
  return ArtifactIdSchema.safeParse(plain).success ? plain : hashedId(prefix, id);
}

/** Who an artifact written by a JSONL import says it stands for. */
export interface RecordOwner {
  /** The record's id at its source (`externalId`). */
  readonly externalId: string;
  /** The artifact field naming the source system (`system` on a reference, `source` on an artifact) and its value. */
  readonly systemField: string;
  readonly system: string;
}

/** Whether an artifact holds the record of that id and system, the other record's id when it holds another. */
function ownerOf(artifact: Artifact, owner: RecordOwner): "same" | "other" | "unknown" {
  const { externalId } = artifact.fields;
  if (typeof externalId !== "string") return "unknown";
  return externalId === owner.externalId && artifact.fields[owner.systemField] === owner.system
    ? "same"
    : "other";
}

/**
 * The id to write a record under, given the artifacts already stored:
 * - the {@link storedId} when it holds this record or nothing;
 * - else the id an import gave it before ids were hashed (see `legacyId`), when
 *   that artifact holds this very record (its `externalId` and system), so a
 *   file imported then is found again instead of captured twice;
 * - and the hashed form when the plain id holds another record: one an import
 *   stored there before ids were hashed (`a b` at `zendesk-a_b`), or one of a
 *   system whose name and id join alike (`zd` and `a-b`, `zd-a` and `b`), so
 *   that this record does not become a version of it.
 */
export function resolveStoredId(
  find: (id: string) => Artifact | undefined,
  prefix: string,
  owner: RecordOwner,
): string {
  const current = storedId(prefix, owner.externalId);
  const held = find(current);
  if (held === undefined) {
    const legacy = legacyId(prefix, owner.externalId);
    const before = legacy === current ? undefined : find(legacy);
    return before !== undefined && ownerOf(before, owner) === "same" ? legacy : current;
  }
  return ownerOf(held, owner) === "other" && current === `${prefix}-${owner.externalId}`
    ? hashedId(prefix, owner.externalId)
    : current;
}
