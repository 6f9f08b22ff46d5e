/**
 * `factory plan apply|check <factory.yaml>`.
 *
 * @module
 */
import { readFile } from "node:fs/promises";
import { type PlanProblem, safeParseFactoryYaml } from "@software-factory/floorplan";
import type { Command } from "commander";
import type { Output } from "../Output.js";
import { action, type CliContext } from "../program.js";
import { withFactory } from "../Session.js";

/** Prints problems as `file:line:col severity message [path]; fix: hint`. */
export function printProblems(output: Output, problems: readonly PlanProblem[]): void {
  for (const problem of problems) {
    const place = [problem.file, problem.line, problem.column].filter((part) => part !== undefined).join(":");
    const severity =
      problem.severity === "error" ? output.style("red", "error") : output.style("yellow", "warning");
    const hint = problem.hint === undefined ? "" : output.style("dim", `; fix: ${problem.hint}`);
    output.line(
      `${place === "" ? "" : `${place} `}${severity} ${problem.message} [${problem.path || "(root)"}]${hint}`,
    );
  }
}

async function check(file: string) {
  return safeParseFactoryYaml(await readFile(file, "utf8"), file);
}

/** Registers `factory plan`. */
export function registerPlan(program: Command, context: CliContext): void {
  const plan = program.command("plan").description("validate and apply the floor plan (factory.yaml)");
  plan
    .command("check")
    .description("validate a factory.yaml; problems print as file:line:col; exit 1 on errors")
    .argument("<factory.yaml>", "the floor plan file")
    .action(
      action(context, async ({ options, output, fail }, file) => {
        const result = await check(file as string);
        const problems = result.success ? result.warnings : result.problems;
        if (!result.success) fail();
        if (options.json) {
          output.json({ valid: result.success, problems });
          return;
        }
        printProblems(output, problems);
        const errors = problems.filter((problem) => problem.severity === "error").length;
        output.line(
          result.success
            ? output.style(
                "green",
                `${file} is valid (${result.plan.lines.length} lines, ${problems.length} warnings)`,
              )
            : output.style("red", `${file}: ${errors} errors, ${problems.length - errors} warnings`),
        );
      }),
    );
  plan
    .command("apply")
    .description("make the factory's floor plan match a factory.yaml (appends only the differences)")
    .argument("<factory.yaml>", "the floor plan file")
    .action(
      action(context, async ({ options, output, fail }, file) => {
        const result = await check(file as string);
        if (!result.success) {
          fail();
          if (options.json) output.json({ applied: false, problems: result.problems });
          else printProblems(output, result.problems);
          return;
        }
        const applied = await withFactory(options, (factory) =>
          factory.floorplan.applyPlan(result.plan, { label: file as string, actor: options.actor }),
        );
        if (options.json) {
          output.json({ applied: true, changes: applied.changes, warnings: result.warnings });
          return;
        }
        printProblems(output, result.warnings);
        output.line(
          applied.changes === 0
            ? `${file}: the floor plan is already current`
            : `${file}: applied ${applied.changes} changes (${result.plan.lines.length} lines)`,
        );
      }),
    );
}
