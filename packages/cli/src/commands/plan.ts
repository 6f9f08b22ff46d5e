/**
 * `factory plan apply|check <factory.yaml>`.
 *
 * @module
 */
import { dirname, resolve } from "node:path";
import {
  diffPlans,
  type Plan,
  type PlanDiff,
  type PlanProblem,
  RemoveAllLinesError,
  safeLoadFactoryYaml,
} from "@software-factory/floorplan";
import { type Factory, gitTopLevel } from "@software-factory/intelligence";
import type { Command } from "commander";
import { nameArgument } from "../flags.js";
import { requireFileToLoad } from "../knownValues.js";
import type { Output } from "../Output.js";
import { counted } from "../plural.js";
import { namedPath } from "../problemPlace.js";
import { action, type CliContext } from "../program.js";
import { withDryRunFactory } from "../Session.js";

/**
 * Prints problems as `file:line:col severity message [path]; fix: hint`, the
 * path naming the entry it points into (`lines[2] (checkout)`) in the plan
 * `planOf` gives for the problem.
 */
export function printProblems(
  output: Output,
  problems: readonly PlanProblem[],
  planOf: (problem: PlanProblem) => Plan | undefined = () => undefined,
): void {
  for (const problem of problems) {
    const place = [problem.file, problem.line, problem.column].filter((part) => part !== undefined).join(":");
    const severity =
      problem.severity === "error" ? output.style("red", "error") : output.style("yellow", "warning");
    const hint = problem.hint === undefined ? "" : output.style("dim", `; fix: ${problem.hint}`);
    output.line(
      `${place === "" ? "" : `${place} `}${severity} ${problem.message} [${namedPath(planOf(problem), problem.path) || "(root)"}]${hint}`,
    );
  }
}

/** What an apply would remove, and the open work items of the lines it removes. */
interface Removals {
  readonly lines: readonly string[];
  readonly operators: readonly string[];
  /** Dependencies removed between lines that stay. */
  readonly dependencies: readonly { readonly from: string; readonly to: string }[];
  /** Open (active or blocked) work items of each removed line that has some. */
  readonly openWork: Readonly<Record<string, readonly string[]>>;
}

function removalsOf(factory: Factory, diff: PlanDiff): Removals {
  const gone = new Set(diff.linesRemoved);
  const openWork: Record<string, string[]> = {};
  for (const line of diff.linesRemoved) {
    const open = [
      ...factory.work.list({ line, state: "active" }),
      ...factory.work.list({ line, state: "blocked" }),
    ].map((item) => item.id);
    if (open.length > 0) openWork[line] = open;
  }
  return {
    lines: diff.linesRemoved,
    operators: diff.operatorsRemoved,
    // A removed line takes its dependencies with it: only those between lines that stay are listed.
    dependencies: diff.dependenciesRemoved
      .filter(({ from, to }) => !gone.has(from) && !gone.has(to))
      .map(({ from, to }) => ({ from, to })),
    openWork,
  };
}

function printRemovals(output: Output, file: string, removals: Removals, dryRun: boolean): void {
  const parts = [
    removals.lines.length > 0 ? `lines ${removals.lines.join(", ")}` : "",
    removals.operators.length > 0 ? `operators ${removals.operators.join(", ")}` : "",
    removals.dependencies.length > 0
      ? `dependencies ${removals.dependencies.map(({ from, to }) => `${from} -> ${to}`).join(", ")}`
      : "",
  ].filter((part) => part !== "");
  if (parts.length === 0) return;
  output.line(`${file}: ${dryRun ? "would remove" : "removes"} ${parts.join("; ")}`);
  for (const [line, items] of Object.entries(removals.openWork))
    output.line(
      `${output.style("yellow", "warning")} line ${line} has ${counted(items.length, "open work item")} (${items.join(", ")}); ${items.length === 1 ? "it stays" : "they stay"} on a line that no longer exists`,
    );
}

/** Applies a checked plan, or (dry run) says what applying it would change. */
async function apply(
  factory: Factory,
  plan: Plan,
  file: string,
  flags: { readonly dryRun: boolean; readonly allowRemoveAllLines: boolean; readonly actor: string },
) {
  await factory.floorplan.refresh();
  const removals = removalsOf(factory, diffPlans(factory.floorplan.toPlan(), plan));
  try {
    const applied = await factory.floorplan.applyPlan(plan, {
      label: file,
      actor: flags.actor,
      dryRun: flags.dryRun,
      allowRemoveAllLines: flags.allowRemoveAllLines,
    });
    return { changes: applied.changes, removals, refused: undefined };
  } catch (error) {
    if (!(error instanceof RemoveAllLinesError)) throw error;
    return { changes: 0, removals, refused: error };
  }
}

/** Registers `factory plan`. */
export function registerPlan(program: Command, context: CliContext): void {
  const plan = program.command("plan").description("validate and apply the floor plan (factory.yaml)");
  plan
    .command("check")
    .description(
      "validate a factory.yaml (in a git repository, also that each path pattern matches a file); problems print as file:line:col; exit 1 on errors",
    )
    .argument("<factory.yaml>", "the floor plan file", nameArgument("<factory.yaml>"))
    .action(
      action(context, async ({ options, output, fail }, file) => {
        // A device or pipe is refused before it is read, as every file argument is.
        requireFileToLoad(file as string);
        // In a git repository, a path pattern that matches none of its files is a warning.
        const repoRoot = gitTopLevel(dirname(resolve(file as string)));
        const result = await safeLoadFactoryYaml(file as string, repoRoot === undefined ? {} : { repoRoot });
        const problems = result.success ? result.warnings : result.problems;
        if (!result.success) fail();
        if (options.json) {
          output.json({ valid: result.success, problems });
          return;
        }
        printProblems(output, problems, () => (result.success ? result.plan : undefined));
        const errors = problems.filter((problem) => problem.severity === "error").length;
        output.line(
          result.success
            ? output.style(
                "green",
                `${file} is valid (${counted(result.plan.lines.length, "line")} declared, ${counted(problems.length, "warning")})`,
              )
            : output.style(
                "red",
                `${file}: ${counted(errors, "error")}, ${counted(problems.length - errors, "warning")}`,
              ),
        );
      }),
    );
  plan
    .command("apply")
    .description("make the factory's floor plan match a factory.yaml (appends only the differences)")
    .argument("<factory.yaml>", "the floor plan file", nameArgument("<factory.yaml>"))
    .option("--dry-run", "say what would change (and what would be removed) without applying anything")
    .option(
      "--allow-remove-all-lines",
      "apply a plan that declares no lines even though it removes every line of the floor plan",
    )
    .action(
      action(context, async ({ options, output, fail }, path, local) => {
        const file = path as string;
        const flags = local as { dryRun?: boolean; allowRemoveAllLines?: boolean };
        const dryRun = flags.dryRun === true;
        requireFileToLoad(file);
        const result = await safeLoadFactoryYaml(file);
        if (!result.success) {
          // As `init --plan`: `error: E_VALIDATION: <file> is invalid:` on stderr, then each problem.
          if (!options.json) throw result.error;
          fail();
          output.json({ applied: false, problems: result.problems });
          return;
        }
        const { changes, removals, refused } = await withDryRunFactory(options, dryRun, (factory) =>
          apply(factory, result.plan, file, {
            dryRun,
            allowRemoveAllLines: flags.allowRemoveAllLines === true,
            actor: options.actor,
          }),
        );
        if (refused !== undefined) fail();
        const refusal =
          refused === undefined
            ? undefined
            : `${refused.code}: ${file} declares no lines: applying it would remove all ${counted(refused.lines.length, "line")} of the floor plan; pass --allow-remove-all-lines to apply it anyway`;
        if (options.json) {
          output.json({
            applied: !dryRun && refused === undefined,
            dryRun,
            changes,
            removed: removals,
            warnings: result.warnings,
            ...(refusal === undefined ? {} : { error: refusal }),
          });
          return;
        }
        printProblems(output, result.warnings, () => result.plan);
        printRemovals(output, file, removals, dryRun || refused !== undefined);
        if (refusal !== undefined) output.error(`error: ${refusal}`);
        else if (changes === 0) output.line(`${file}: the floor plan is already current`);
        else {
          // The floor plan is the file's once applied: it has the lines the file declares.
          const lines = counted(result.plan.lines.length, "line");
          output.line(
            dryRun
              ? `${file}: dry run: would make ${counted(changes, "change")} to the floor plan, which would then have ${lines}`
              : `${file}: applied ${counted(changes, "change")} to the floor plan, which now has ${lines}`,
          );
        }
      }),
    );
}
