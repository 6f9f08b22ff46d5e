import { type NewEvent, validationErrorFromZod } from "@software-factory/core";
import { type Plan, PlanSchema, type RelationDecl } from "../Plan.js";
import { type PlanProblem, planProblems, type ValidatePlanOptions } from "../validatePlan.js";

/** A relation edge as {@link planEntries} names it: `relations:<type> <from> <to>`. */
const relationEntry = (relation: RelationDecl) =>
  `relations:${relation.type} ${relation.from} ${relation.to}`;

/**
 * The entries a plan states, named as {@link writeProblems} compares them:
 * `operators:<id>`, `domains:<id>`, `lines:<id>`, `relations:<type> <from> <to>`
 * and `product`.
 */
export function planEntries(plan: Partial<Plan>): Set<string> {
  const entries = new Set<string>();
  if (plan.product !== undefined) entries.add("product");
  for (const section of ["operators", "domains", "lines"] as const)
    for (const item of plan[section] ?? []) entries.add(`${section}:${item.id}`);
  for (const relation of plan.relations ?? []) entries.add(relationEntry(relation));
  return entries;
}

/** The entry a problem's path points into (`lines[3].dependsOn[0]` is `lines:<id of line 3>`), and the rest of the path. */
function entryOf(plan: Plan, path: string): { readonly entry: string; readonly rest: string } {
  const match = /^(operators|domains|lines|relations)\[(\d+)\]/.exec(path);
  if (match === null) {
    const head = /^[^.[]*/.exec(path)?.[0] ?? "";
    return { entry: head === "" ? "plan" : head, rest: path.slice(head.length) };
  }
  const section = match[1] as "operators" | "domains" | "lines" | "relations";
  const index = Number(match[2]);
  const relation = section === "relations" ? plan.relations[index] : undefined;
  const entry =
    section === "relations"
      ? relation === undefined
        ? "relations:?"
        : relationEntry(relation)
      : `${section}:${plan[section][index]?.id ?? "?"}`;
  return { entry, rest: path.slice(match[0].length) };
}

/** An entry as a message names it: `lines:web` is `line "web"`. */
function entryName(entry: string): string {
  const colon = entry.indexOf(":");
  return colon === -1 ? entry : `${entry.slice(0, colon).replace(/s$/, "")} "${entry.slice(colon + 1)}"`;
}

/** What makes two problems the same one in two versions of a plan, whatever positions the entries moved to. */
function problemKey(plan: Plan, problem: PlanProblem): string {
  const { entry, rest } = entryOf(plan, problem.path);
  return [problem.code, entry, rest.replace(/\[\d+\]/g, "[]"), problem.message].join("\n");
}

/** Fields the plan schema refuses (a text over its `PLAN_LIMITS`, a malformed value), as plan problems. */
function schemaProblems(plan: Plan): PlanProblem[] {
  const result = PlanSchema.safeParse(plan);
  if (result.success) return [];
  return validationErrorFromZod(result.error.issues, { subject: "floor plan" }).issues.map((issue) => ({
    ...issue,
    code: "schema",
    severity: "error",
  }));
}

/** Every problem of a plan: its fields against the schema, then {@link validatePlan}'s checks. */
function problemsOf(plan: Plan, options: ValidatePlanOptions): PlanProblem[] {
  return [...schemaProblems(plan), ...planProblems(plan, options)];
}

const declaredEntry: Readonly<Record<string, string>> = {
  "floorplan.operator.declared": "operators",
  "floorplan.domain.declared": "domains",
  "floorplan.line.declared": "lines",
};

/**
 * The entries whose attributes a batch of floor plan events records again
 * (`floorplan.line.declared` for a line whose attributes changed or that
 * factory.yaml takes over from an import; a line that only moved gets a
 * `floorplan.line.moved`, which records no text): the log checks those events
 * against today's schemas, so a text stored over a limit cannot be carried
 * along.
 */
export function recordedEntries(changes: readonly NewEvent[]): Set<string> {
  const entries = new Set<string>();
  for (const change of changes) {
    const section = declaredEntry[change.type];
    if (section !== undefined) entries.add(`${section}:${change.subject}`);
    else if (change.type === "floorplan.product.declared") entries.add("product");
  }
  return entries;
}

/** What {@link writeProblems} compares. */
export interface PlanWrite {
  /** The floor plan before the write. */
  readonly current: Plan;
  /** The plan the write makes. */
  readonly next: Plan;
  /** The entries the caller stated (see {@link planEntries}): every problem in them is an error. */
  readonly given: ReadonlySet<string>;
  /** The entries whose attributes the write records again (see {@link recordedEntries}). */
  readonly recorded: ReadonlySet<string>;
}

/**
 * The problems of the plan a write makes, judged as a change: an error counts
 * when it is in an entry the caller stated or when the current plan did not
 * have it; an error the floor plan already had elsewhere (a self-dependency or
 * a text over a limit stored before those checks existed) is a warning saying
 * how to fix it, since the write leaves it as it is and failing would block
 * every edit for a field nobody touched. A stored field over today's schema
 * stays an error when the write records its entry again: the log would
 * refuse the event (a text over a limit), or the write would store again
 * what it refuses (a name or tag that is not one line).
 */
export function writeProblems(write: PlanWrite, options: ValidatePlanOptions): PlanProblem[] {
  const { current, next, given, recorded } = write;
  const problems = problemsOf(next, options).map((problem) => {
    const { entry, rest } = entryOf(next, problem.path);
    // A line's owner, contributors and dependencies go by events of their own.
    const carried =
      problem.code === "schema" && recorded.has(entry) && !/^\.(owner|contributors|dependsOn)\b/.test(rest);
    return { problem, given: given.has(entry), carried };
  });
  const inherited = (found: (typeof problems)[number]) =>
    found.problem.severity === "error" && !found.given && !found.carried;
  const before = problems.some(inherited)
    ? new Set(problemsOf(current, options).map((problem) => problemKey(current, problem)))
    : new Set<string>();
  return problems.map((found) => {
    const { problem } = found;
    if (inherited(found) && before.has(problemKey(next, problem)))
      return {
        ...problem,
        severity: "warning",
        hint: `${problem.hint === undefined ? "" : `${problem.hint}; `}the floor plan already had this before this change, which leaves it as it is: fix it by applying a plan (factory.yaml) without it`,
      };
    if (found.carried && !found.given)
      return {
        ...problem,
        hint: `this change records ${entryName(entryOf(next, problem.path).entry)} again (its attributes change, or it becomes declared by hand), and a write takes it only within today's checks (length limits, one-line names and tags): declare it with this field fixed first`,
      };
    return problem;
  });
}
