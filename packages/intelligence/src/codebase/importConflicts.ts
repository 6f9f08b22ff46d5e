/**
 * What an import cannot do and how much it did: conflicts with a person's
 * edits (with a unified diff, jsdiff loaded only when there is one) and the
 * counts per kind of fact.
 *
 * @module
 */

/** A fact the import would change but a person changed first; it is left as the person wrote it. */
export interface ImportConflict {
  /** What sort of fact it is. */
  readonly kind: "line" | "owner" | "document" | "requirement" | "test";
  /** Line id, document id or artifact id. */
  readonly id: string;
  /** The field that differs (`owner`, `description`, `body`...). */
  readonly field: string;
  /** The value as the person left it, which stays. */
  readonly current: string;
  /** The value the import read from the repository and did not write. */
  readonly proposed: string;
  /** A unified diff from the current text to the proposed one. */
  readonly diff: string;
  /** Who made the current value (an actor id, or the provenance of a floor plan fact). */
  readonly by: string;
}

/** How many facts of one kind an import creates, updates, leaves unchanged, or cannot change. */
export interface ImportCounts {
  /** Facts the factory did not have, now written. */
  readonly created: number;
  /** Facts the import wrote earlier and the repository changed since, now rewritten. */
  readonly updated: number;
  /** Facts already as the repository says. */
  readonly unchanged: number;
  /** Facts a person changed, left as they are (see the conflicts list). */
  readonly conflicts: number;
}

/** Counts what an import does with the facts of one kind. */
export class Tally {
  created = 0;
  updated = 0;
  unchanged = 0;
  conflicts = 0;
  add(action: "create" | "update" | "unchanged" | "conflict"): void {
    if (action === "create") this.created++;
    else if (action === "update") this.updated++;
    else if (action === "unchanged") this.unchanged++;
    else this.conflicts++;
  }
  counts(): ImportCounts {
    return {
      created: this.created,
      updated: this.updated,
      unchanged: this.unchanged,
      conflicts: this.conflicts,
    };
  }
}

/** Adds the unified diff from the current text to the proposed one (no index line, no trailing tabs in headers); jsdiff is loaded only when there is a conflict. */
export async function withDiff(conflict: Omit<ImportConflict, "diff">): Promise<ImportConflict> {
  const { createTwoFilesPatch } = await import("diff");
  const name = `${conflict.id} ${conflict.field}`;
  const patch = createTwoFilesPatch(
    `${name} (current)`,
    `${name} (proposed)`,
    `${conflict.current}\n`,
    `${conflict.proposed}\n`,
    "",
    "",
    { context: 2 },
  );
  const diff = patch
    .split("\n")
    .filter((line) => !/^=+$/.test(line))
    .map((line) => (line.startsWith("--- ") || line.startsWith("+++ ") ? line.trimEnd() : line))
    .join("\n");
  return { ...conflict, diff };
}

/** A conflict on one field of a fact, without its diff (added by {@link withDiff}). */
export function conflict(
  kind: ImportConflict["kind"],
  id: string,
  field: string,
  current: string,
  proposed: string,
  by: string,
): Omit<ImportConflict, "diff"> {
  return { kind, id, field, current, proposed, by };
}
