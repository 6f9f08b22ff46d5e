import { checkArguments, nearNames, type ValidationIssue } from "@software-factory/core";
import { z } from "zod";
import { DependencyIndex } from "./internal/DependencyIndex.js";
import { parsed, ValidatePlanOptionsSchema } from "./internal/floorPlanInputs.js";
import { type CompiledPattern, compilePattern } from "./internal/pattern.js";
import { checkedPlans } from "./internal/planArgument.js";
import { RepositoryFiles } from "./internal/RepositoryFiles.js";
import type { NodeKind } from "./model.js";
import type { Plan } from "./Plan.js";
import { type RelationsInput, relationRegistryOf } from "./RelationRegistry.js";

/** One problem found in a plan, with where it is (a path inside the plan, and file:line:column when known) and how to fix it. */
export interface PlanProblem extends ValidationIssue {
  /** Stable code (`unknown-owner`, `duplicate-id`, `missing-line`, `self-dependency`, `no-owner`, `empty-glob`, `cycle`, `schema`, `yaml`, ...). */
  readonly code: string;
  /** Errors reject the plan; warnings are reported and the plan still loads. */
  readonly severity: "error" | "warning";
  /** How to fix it. */
  readonly hint?: string;
}

/** Options of {@link validatePlan}; a key it does not list is refused. */
export interface ValidatePlanOptions {
  /** Repository files (relative paths); when given, a path pattern that matches none of them is reported. */
  readonly files?: readonly string[];
  /** Relation types for the plan's `relations`: a registry or a list of definitions (`[supersedes]`) beside the built-ins (built-ins only when omitted). */
  readonly relations?: RelationsInput;
  /** Whether a line with no owner is an error (default) or a warning (for imports that cannot tell). */
  readonly requireOwners?: boolean;
}

/** A hint naming the closest known id, or listing a few. */
function suggest(id: string, known: readonly string[], what: string): string {
  const close = nearNames(id, known);
  if (close.length > 0)
    return `did you mean ${close.map((c) => `"${c}"`).join(" or ")}? Otherwise declare "${id}" under ${what}`;
  const sample = known.slice(0, 8).join(", ");
  return `declare "${id}" under ${what}${sample === "" ? "" : `, or use one of: ${sample}${known.length > 8 ? ", ..." : ""}`}`;
}

/**
 * Checks what a schema cannot: unique ids, known owners, contributors and
 * domains, dependencies on declared lines, exactly one owner per line, path
 * patterns that match something (when files are given) and that no later
 * listing of the same pattern shadows (a warning), registered relations,
 * no line depending on itself (an error), and dependency cycles between lines
 * (a warning, or an error when `settings.cycles` says so).
 * Returns every problem found, in plan order.
 *
 * @throws ValidationError when an option is malformed or unknown, naming it and the options,
 *   or naming `plan` and the place inside it when it is not a plan (see `PlanSchema`).
 */
export function validatePlan(plan: Plan, options: ValidatePlanOptions = {}): PlanProblem[] {
  const checked = checkedPlans("validatePlan", { plan }).plan;
  parsed(ValidatePlanOptionsSchema, options, "validatePlan options");
  return planProblems(checked, options);
}

/** {@link validatePlan} of a plan and options already checked (the floor plan's own, or ones `validatePlan` checked). */
export function planProblems(plan: Plan, options: ValidatePlanOptions): PlanProblem[] {
  const problems: PlanProblem[] = [];
  const error = (code: string, path: string, message: string, hint?: string) =>
    problems.push({ code, severity: "error", path, message, ...(hint === undefined ? {} : { hint }) });
  const warning = (code: string, path: string, message: string, hint?: string) =>
    problems.push({ code, severity: "warning", path, message, ...(hint === undefined ? {} : { hint }) });

  const ids = (section: "operators" | "domains" | "lines") => {
    const seen = new Map<string, number>();
    plan[section].forEach((item, index) => {
      const first = seen.get(item.id);
      if (first !== undefined)
        error(
          "duplicate-id",
          `${section}[${index}].id`,
          `duplicate id "${item.id}", first declared at ${section}[${first}]`,
          "ids must be unique: rename or merge one of the two",
        );
      else seen.set(item.id, index);
    });
    return [...seen.keys()];
  };
  const operators = ids("operators");
  const domains = ids("domains");
  const lines = ids("lines");
  const operatorSet = new Set(operators);
  const domainSet = new Set(domains);
  const lineSet = new Set(lines);
  const files = options.files === undefined ? undefined : new RepositoryFiles(options.files);

  // Imports map a handle (or an email) to one operator: the first that declares it.
  const handles = new Map<string, string>();
  const claimHandle = (key: string, where: string, shown: string, id: string) => {
    const first = handles.get(key);
    if (first === undefined) handles.set(key, id);
    else if (first !== id)
      warning(
        "duplicate-handle",
        where,
        `${shown} is also declared by operator "${first}"; imports map it to "${first}"`,
        "give each handle to one operator",
      );
  };
  for (const [index, operator] of plan.operators.entries()) {
    for (const [tool, handle] of Object.entries(operator.handles))
      claimHandle(
        `${tool}\n${handle.toLowerCase()}`,
        `operators[${index}].handles.${tool}`,
        `${tool} handle "${handle}"`,
        operator.id,
      );
    if (operator.email !== undefined)
      claimHandle(
        `@\n${operator.email.toLowerCase()}`,
        `operators[${index}].email`,
        `email "${operator.email}"`,
        operator.id,
      );
  }

  // The last line listing a pattern wins its paths; an earlier listing never does.
  const lastClaim = new Map<string, { readonly line: string; readonly where: string }>();
  for (const [index, line] of plan.lines.entries())
    for (const [position, pattern] of line.paths.entries())
      lastClaim.set(pattern, { line: line.id, where: `lines[${index}].paths[${position}]` });
  plan.lines.forEach((line, index) => {
    const at = `lines[${index}]`;
    if (line.owner === undefined)
      (options.requireOwners === false ? warning : error)(
        "no-owner",
        at,
        `line "${line.id}" has no owner`,
        "add `owner: <operator id>`: every line has exactly one accountable owner",
      );
    else if (!operatorSet.has(line.owner))
      error(
        "unknown-owner",
        `${at}.owner`,
        `unknown owner "${line.owner}"`,
        suggest(line.owner, operators, "operators"),
      );
    if (line.domain !== undefined && !domainSet.has(line.domain))
      error(
        "unknown-domain",
        `${at}.domain`,
        `unknown domain "${line.domain}"`,
        suggest(line.domain, domains, "domains"),
      );
    const contributors = new Set<string>();
    line.contributors.forEach((contributor, position) => {
      const where = `${at}.contributors[${position}].operator`;
      if (!operatorSet.has(contributor.operator))
        error(
          "unknown-operator",
          where,
          `unknown contributor "${contributor.operator}"`,
          suggest(contributor.operator, operators, "operators"),
        );
      if (contributor.operator === line.owner)
        warning(
          "owner-contributes",
          where,
          `"${contributor.operator}" is already the owner of "${line.id}"`,
          "remove the contributor entry",
        );
      if (contributors.has(contributor.operator))
        error(
          "duplicate-contributor",
          where,
          `"${contributor.operator}" is listed twice`,
          "keep one entry per operator",
        );
      contributors.add(contributor.operator);
    });
    const targets = new Set<string>();
    line.dependsOn.forEach((dependency, position) => {
      const where = `${at}.dependsOn[${position}]`;
      if (dependency.line === line.id)
        error(
          "self-dependency",
          where,
          `"${line.id}" depends on itself`,
          "remove this entry: a line always goes with its own changes",
        );
      else if (!lineSet.has(dependency.line))
        error(
          "missing-line",
          where,
          `"${line.id}" depends on "${dependency.line}", which is not a line of the plan`,
          suggest(dependency.line, lines, "lines"),
        );
      if (targets.has(dependency.line))
        error(
          "duplicate-dependency",
          where,
          `"${line.id}" depends on "${dependency.line}" twice`,
          "keep one entry per line; describe both contracts in one",
        );
      targets.add(dependency.line);
    });
    line.paths.forEach((pattern, position) => {
      const where = `${at}.paths[${position}]`;
      const last = lastClaim.get(pattern);
      if (last !== undefined && last.where !== where)
        warning(
          "shadowed-pattern",
          where,
          last.line === line.id
            ? `pattern "${pattern}" is listed again at ${last.where}`
            : `pattern "${pattern}" is also claimed by "${last.line}" at ${last.where}, which comes later and wins: "${line.id}" never gets these paths`,
          last.line === line.id
            ? "keep one entry"
            : "remove one of the two, or put the line that should own these paths later in the plan",
        );
      if (files === undefined) return;
      let compiled: CompiledPattern;
      try {
        compiled = compilePattern(pattern);
      } catch (cause) {
        // Only a pattern stored by an older version gets here: input is checked by PathPatternSchema.
        error(
          "bad-pattern",
          where,
          cause instanceof Error ? cause.message : String(cause),
          "fix the pattern (CODEOWNERS syntax: no negation or character ranges; a backslash makes the next character literal) or remove it",
        );
        return;
      }
      if (!files.anyMatch(compiled))
        warning(
          "empty-glob",
          where,
          `pattern "${pattern}" matches no file of the repository`,
          "fix the pattern (CODEOWNERS syntax: /dir/ for a root folder, dir/ anywhere, **/*.ext) or remove it",
        );
    });
  });

  const registry = relationRegistryOf(options.relations);
  plan.relations.forEach((relation, index) => {
    const at = `relations[${index}]`;
    const [fromKind, fromId] = relation.from.split(/:(.*)/s) as [NodeKind, string];
    const [toKind, toId] = relation.to.split(/:(.*)/s) as [NodeKind, string];
    const known = {
      line: lineSet,
      domain: domainSet,
      operator: operatorSet,
      product: new Set(plan.product === undefined ? [] : [plan.product.id]),
    };
    if (!known[fromKind].has(fromId))
      error("missing-node", `${at}.from`, `no ${fromKind} "${fromId}" in the plan`);
    if (!known[toKind].has(toId)) error("missing-node", `${at}.to`, `no ${toKind} "${toId}" in the plan`);
    try {
      registry.validate(relation.type, fromKind, toKind, relation.attributes);
    } catch (cause) {
      error(
        "bad-relation",
        `${at}.type`,
        cause instanceof Error ? cause.message : String(cause),
        `registered relations: ${registry.names().join(", ")}`,
      );
    }
  });

  const index = new DependencyIndex(
    lines,
    plan.lines.flatMap((line) =>
      line.dependsOn
        // A line on itself is reported above, not as a cycle of one.
        .filter((d) => lineSet.has(d.line) && d.line !== line.id)
        .map((d) => ({ from: line.id, to: d.line, kind: d.kind, criticality: d.criticality })),
    ),
  );
  const report = plan.settings.cycles === "error" ? error : warning;
  for (const component of index.cycles()) {
    const cycle = index.cycleThrough(component).map((node) => index.ids[node] ?? "?");
    const first = plan.lines.findIndex((line) => line.id === cycle[0]);
    const edge = plan.lines[first]?.dependsOn.findIndex((dependency) => dependency.line === cycle[1]) ?? -1;
    report(
      "cycle",
      `lines[${first}].dependsOn[${edge}]`,
      `dependency cycle: ${formatCycle(cycle)}`,
      plan.settings.cycles === "error"
        ? "break the cycle by removing or inverting one dependency (or set `settings.cycles: warning`)"
        : "break the cycle by removing or inverting one dependency",
    );
  }
  return problems;
}

/** Lines of a dependency cycle a problem names before it counts the rest. */
const CYCLE_LINES_SHOWN = 10;

/**
 * A dependency cycle as a problem tells it, `a -> b -> a`; a long one is cut
 * to its first lines and a count, ending where it started (`l0 -> l1 -> ...
 * -> l9 -> ... (29,990 more) -> l0`), so a ring of thousands of lines is one
 * readable line, not every id. Shared by `validatePlan` (`plan check`) and
 * the `no-dependency-cycles` standard, so both name a cycle alike.
 *
 * @param cycle The cycle's line ids, ending where it starts, as `FloorPlan.cycles` gives it (`["a", "b", "a"]`).
 * @throws ValidationError naming `cycle` when it is not a list of strings.
 * @example
 * ```ts
 * formatCycle(["a", "b", "a"]); // "a -> b -> a"
 * ```
 */
export function formatCycle(cycle: readonly string[]): string {
  checkArguments("formatCycle", { cycle: [z.array(z.string()), cycle] });
  // The cycle ends where it starts: [a, b, ..., a].
  const lines = cycle.length - 1;
  if (lines <= CYCLE_LINES_SHOWN + 1) return cycle.join(" -> ");
  const more = (lines - CYCLE_LINES_SHOWN).toLocaleString("en-US");
  return [...cycle.slice(0, CYCLE_LINES_SHOWN), `... (${more} more)`, cycle.at(-1)].join(" -> ");
}
