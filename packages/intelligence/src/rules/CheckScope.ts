/**
 * What a {@link Standards.check} call checks, and how its scope is
 * validated: a key it does not take, a field of another type, or an id
 * without its kind is refused with a ValidationError naming the field.
 *
 * @module
 */
import { inPlainWords, strictInput, ValidationError } from "@software-factory/core";
import { z } from "zod";
import type { Standards } from "./Standards.js";

/** What to check: everything, one kind, one target, or one line's targets; optionally only some rules. */
export interface CheckScope {
  /** Only targets of this kind. */
  readonly kind?: string;
  /** Only this target (needs `kind`). */
  readonly id?: string;
  /** Only targets of this line. */
  readonly line?: string;
  /** Only these rules, by id. */
  readonly rules?: readonly string[];
}

/** A {@link CheckScope}: a field of another type, or another key (a typo), is refused rather than dropped. */
const CheckScopeSchema = strictInput({
  kind: z.string().optional(),
  id: z.string().optional(),
  line: z.string().optional(),
  rules: z.array(z.string()).optional(),
});

/**
 * Checks the scope of a {@link Standards.check} call.
 *
 * @throws ValidationError (`E_VALIDATION`) when `scope.id` comes without
 * `scope.kind`, or `scope` has a key it does not take (`lines` for `line`)
 * or a field of another type; the message starts `check scope: <field>:`.
 */
export function checkCheckScope(scope: CheckScope): void {
  const keys = CheckScopeSchema.safeParse(scope);
  if (!keys.success) {
    const issue = keys.error.issues[0];
    const path = (issue?.path ?? []).map((key, at) =>
      typeof key === "number" ? `[${key}]` : `${at === 0 ? "" : "."}${String(key)}`,
    );
    throw scopeError(path.join(""), issue === undefined ? "is not a check scope" : inPlainWords(issue));
  }
  if (scope.id !== undefined && scope.kind === undefined)
    throw scopeError("kind", `checking one target (id "${scope.id}") needs its kind`);
}

/** A ValidationError about one field of a check's scope. */
function scopeError(path: string, message: string): ValidationError {
  return new ValidationError({
    message: `check scope: ${path === "" ? "(root)" : path}: ${message}`,
    issues: [{ path, message }],
  });
}
