/**
 * Referential integrity of the assembly line's writes: the line and operator
 * ids a call names are checked against the line directory (the floor plan in
 * a factory), caught up with other processes' changes first, and an unknown
 * one is refused with a {@link NotFoundError} naming the field and the id
 * before anything is written. Without a directory, or one that cannot tell
 * which lines or operators exist, every id is accepted.
 *
 * @module
 */
import { NotFoundError } from "../../errors.js";
import type { LineDirectory } from "../LineDirectory.js";

/** An id a call names: what it refers to, the input field naming it, and the id (absent when not given). */
export interface Reference {
  readonly entity: "line" | "operator";
  readonly field: string;
  readonly id: string | undefined;
}

/**
 * Catches the directory up with other processes' changes (when it can), so
 * owners and the ids checked next are current.
 */
export async function refreshDirectory(lines: LineDirectory | undefined): Promise<void> {
  await lines?.refresh?.();
}

/**
 * Refuses the first reference the directory does not know. Call after
 * {@link refreshDirectory}.
 *
 * @throws NotFoundError naming the call, the field and the id.
 */
export function expectKnown(
  lines: LineDirectory | undefined,
  subject: string,
  references: readonly Reference[],
): void {
  if (lines === undefined) return;
  for (const { entity, field, id } of references) {
    if (id === undefined) continue;
    const known = entity === "line" ? lines.hasLine?.(id) : lines.hasOperator?.(id);
    if (known === false) {
      throw new NotFoundError({
        message: `${subject}: ${field} names an unknown ${entity} "${id}"; declare it in the floor plan first`,
        entity,
        id,
        field,
      });
    }
  }
}

/**
 * Refreshes the directory and refuses the first unknown reference, when any
 * reference is given.
 *
 * @throws NotFoundError naming the call, the field and the id.
 */
export async function checkReferences(
  lines: LineDirectory | undefined,
  subject: string,
  references: readonly Reference[],
): Promise<void> {
  if (lines === undefined || references.every((reference) => reference.id === undefined)) return;
  await refreshDirectory(lines);
  expectKnown(lines, subject, references);
}

/** The references of a list of operator ids, each named by its index (`contributors[1]`). */
export function operatorReferences(field: string, ids: readonly string[]): Reference[] {
  return ids.map((id, index) => ({ entity: "operator", field: `${field}[${index}]`, id }));
}
