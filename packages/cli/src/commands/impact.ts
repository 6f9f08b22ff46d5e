/**
 * `factory impact [--since <git-ref>] [paths...]`: the lines a change affects and the owners to notify.
 *
 * @module
 */
import { ValidationError } from "@software-factory/core";
import type { ImpactReport } from "@software-factory/floorplan";
import { gitChangedPaths } from "@software-factory/intelligence";
import type { Command } from "commander";
import { UsageError } from "../exitCodes.js";
import { PathsArgument, PositiveIntFlag, parseFlag } from "../flags.js";
import { requireLines } from "../knownValues.js";
import type { Output } from "../Output.js";
import { counted } from "../plural.js";
import { action, type CliContext } from "../program.js";
import { repositoryPaths, repositoryRoot } from "../repositoryPaths.js";
import { withFactory } from "../Session.js";

/**
 * Paths changed between a git ref and HEAD (`git diff <ref>...HEAD`) in the
 * current repository: names as they are on disk, a rename by both its paths.
 *
 * @throws UsageError naming `--since` when `ref` is blank or starts with `-`,
 *   or when git cannot diff the range (a ref the repository lacks, a folder
 *   outside git): a flag value that does not work, as `import git --range` says.
 */
export async function changedPaths(ref: string, cwd = process.cwd()): Promise<string[]> {
  if (ref.trim() === "" || ref.startsWith("-")) throw new UsageError(`--since: "${ref}" is not a git ref`);
  try {
    return await gitChangedPaths(`${ref}...HEAD`, { cwd, field: "--since", given: ref });
  } catch (error) {
    if (error instanceof ValidationError) throw new UsageError(error.message, { cause: error });
    throw error;
  }
}

/** Prints an impact report as text (`factory impact` refuses unknown lines before it prints). */
export function printImpact(output: Output, report: ImpactReport): void {
  output.line(output.style("bold", "changed"));
  for (const changed of report.changed) {
    output.line(
      `  ${changed.line.padEnd(20)} owner ${changed.owner ?? "none"}${changed.paths.length > 0 ? `  ${changed.paths.join(", ")}` : ""}`,
    );
  }
  if (report.unclaimedPaths.length > 0)
    output.line(output.style("yellow", `  unclaimed paths: ${report.unclaimedPaths.join(", ")}`));
  output.line(output.style("bold", "affected"));
  if (report.affected.length === 0) output.line("  nothing depends on the changed lines");
  for (const affected of report.affected) {
    const colour =
      affected.criticality === "high" ? "red" : affected.criticality === "medium" ? "yellow" : "dim";
    output.line(
      `  ${affected.line.padEnd(20)} ${output.style(colour, affected.criticality.padEnd(6))} owner ${affected.owner ?? "none"}`,
    );
    output.line(output.style("dim", `    ${affected.reason}`));
  }
  output.line(output.style("bold", "notify"));
  for (const notify of report.notify) {
    output.line(
      `  ${(notify.operator ?? "(nobody)").padEnd(12)} ${notify.criticality.padEnd(6)} changed: ${notify.changed.join(", ") || "-"}  affected: ${notify.affected.join(", ") || "-"}`,
    );
  }
  const cutoff = report.cutoff;
  if (cutoff !== undefined)
    output.line(
      output.style(
        "yellow",
        cutoff.by === "depth"
          ? `partial report: stopped at --depth ${cutoff.depth}: at least ${counted(cutoff.omitted, "more line")} ${cutoff.omitted === 1 ? "depends" : "depend"} on the lines above; raise --depth to see them`
          : `partial report: ${cutoff.message}`,
      ),
    );
}

/** Registers `factory impact`. */
export function registerImpact(program: Command, context: CliContext): void {
  program
    .command("impact")
    .description("lines affected by a change (paths, lines, or a git range) and the owners to notify")
    .argument("[paths...]", "changed paths (relative to the current folder, or absolute)")
    .option(
      "--since <git-ref>",
      "add the paths changed between <git-ref> and HEAD (git diff <ref>...HEAD; a rename adds both paths)",
    )
    .option("--line <line>", "a changed line (repeatable)", (value: string, previous: string[] = []) => [
      ...previous,
      value,
    ])
    .option("--depth <n>", "follow dependents this many edges away", "10")
    .action(
      action(context, async ({ options, output }, paths, flags) => {
        const f = flags as { since?: string; line?: string[]; depth: string };
        const depth = parseFlag(PositiveIntFlag, f.depth, "--depth");
        const given = repositoryPaths(
          parseFlag(PathsArgument, paths, "<paths>"),
          "<paths>",
          repositoryRoot(options.dir),
        );
        const all = [...given, ...(f.since === undefined ? [] : await changedPaths(f.since))];
        if (all.length === 0 && (f.line ?? []).length === 0) {
          if (f.since !== undefined) {
            if (options.json) output.json({ changed: [], unclaimedPaths: [], affected: [], notify: [] });
            else output.line(`no paths changed since ${f.since}`);
            return;
          }
          throw new UsageError("impact needs paths, --line or --since");
        }
        const report = await withFactory(options, async (factory) => {
          await requireLines(factory, f.line ?? [], "--line");
          return factory.floorplan.impact({ paths: all, lines: f.line ?? [] }, { depth });
        });
        if (options.json) output.json(report);
        else printImpact(output, report);
      }),
    );
}
