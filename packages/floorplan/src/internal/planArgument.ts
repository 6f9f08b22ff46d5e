/**
 * A plan argument of a public function (`mergePlans`, `planChanges`,
 * `validatePlan`, `diffPlans`) as plain JavaScript may pass it: checked
 * against `PlanSchema` before anything reads it, so a plan with
 * `lines: "x"` is a `ValidationError` naming the argument and the place
 * inside it (`base.lines`), not a `TypeError` from deep inside.
 *
 * @module
 */
import { inPlainWords, validationErrorFromZod } from "@software-factory/core";
import { z } from "zod";
import { type Plan, PlanSchema } from "../Plan.js";

/**
 * Issue codes that say a value is of the wrong kind (not a list, not a text,
 * missing, neither form of a dependency): what the plan functions could not
 * read. The other codes (a text over its limit, a malformed id or pattern)
 * refuse a value of the right kind.
 */
const WRONG_KIND: ReadonlySet<string> = new Set([
  "invalid_type",
  "invalid_union",
  "invalid_key",
  "invalid_element",
]);

/**
 * Whether a value is a plan as the floor plan gives it (`toPlan()`): every
 * default filled in. Read only once the schema found every value of the
 * right kind.
 */
function isCompletePlan(value: unknown): value is Plan {
  if (typeof value !== "object" || value === null) return false;
  const plan = value as Partial<Plan>;
  const lists = [plan.operators, plan.domains, plan.lines, plan.relations];
  if (plan.version !== 1 || typeof plan.settings !== "object" || !lists.every(Array.isArray)) return false;
  return (
    (plan.lines ?? []).every(
      (line) =>
        [line.contributors, line.paths, line.tags, line.knowledge, line.dependsOn].every(Array.isArray) &&
        line.dependsOn.every(
          (dependency) => dependency.kind !== undefined && dependency.criticality !== undefined,
        ),
    ) &&
    (plan.operators ?? []).every(
      (operator) => Array.isArray(operator.roles) && typeof operator.handles === "object",
    ) &&
    (plan.relations ?? []).every((relation) => typeof relation.attributes === "object")
  );
}

/**
 * A plan argument: what {@link PlanSchema} accepts, with its defaults filled
 * in; or a complete plan (as `FloorPlan.toPlan()` gives) whose every value is
 * of the right kind but some break a check the schema makes today (a text
 * stored before today's limits), taken as it is so that data stored before a
 * check existed never blocks a merge, a diff or a validation. Anything else
 * fails with the schema's issues, at their paths inside the argument.
 */
export const aPlan: z.ZodType<Plan, unknown> = z.unknown().transform((value, context) => {
  const result = PlanSchema.safeParse(value);
  if (result.success) return result.data;
  const issues = result.error.issues;
  if (!issues.some((issue) => WRONG_KIND.has(issue.code)) && isCompletePlan(value)) return value;
  for (const issue of issues)
    context.addIssue({ code: "custom", message: inPlainWords(issue), path: issue.path, input: value });
  return z.NEVER;
});

/**
 * Checks each plan argument of a call of `subject` against {@link aPlan} and
 * returns them as plans to read, throwing one `ValidationError` whose issues'
 * paths start with the argument's name (`base.lines`), every bad argument at once.
 *
 * @throws ValidationError when an argument is not a plan.
 */
export function checkedPlans<Name extends string>(
  subject: string,
  plans: Readonly<Record<Name, unknown>>,
): Record<Name, Plan> {
  const names = Object.keys(plans) as Name[];
  const schema = z.object(
    Object.fromEntries(names.map((name) => [name, aPlan])) as Record<Name, typeof aPlan>,
  );
  const result = schema.safeParse(plans);
  if (!result.success) throw validationErrorFromZod(result.error.issues, { subject: `a call of ${subject}` });
  return result.data as Record<Name, Plan>;
}
