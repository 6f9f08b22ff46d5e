/**
 * `factory impact [--since <git-ref>] [--as-of <instant>] [paths...]`: the
 * lines a change affects and the owners to notify, now or as the floor plan
 * was at an instant.
 *
 * @module
 */
import { NotFoundError, ValidationError } from "@software-factory/core";
import { EntityIdSchema, type FloorPlanView, type ImpactReport } from "@software-factory/floorplan";
import { gitChangedPaths } from "@software-factory/intelligence";
import type { Command } from "commander";
import { UsageError } from "../exitCodes.js";
import { collect, NameValue, PathsArgument, PositiveIntFlag, parseFlag, SinceFlag } from "../flags.js";
import { gitRevisionArguments } from "../gitRepository.js";
import { requireLines } from "../knownValues.js";
import type { Output } from "../Output.js";
import { counted } from "../plural.js";
import { shownPath } from "../printable.js";
import { action, type CliContext } from "../program.js";
import { repositoryPaths, repositoryRoot } from "../repositoryPaths.js";
import { withFactory } from "../Session.js";

/**
 * Paths changed in the current repository by the branch since it left a git
 * ref (`git diff <ref>...HEAD`), or by a range given as one (`HEAD~5..HEAD`,
 * `main...feature`: diffed as given, as `impact_of_change`'s `gitRange` is):
 * names as they are on disk, a rename by both its paths. A ref name never
 * holds `..` (git check-ref-format), so the two cannot be confused.
 *
 * @throws UsageError naming `--since` when `ref` is blank or starts with `-`,
 *   or when git cannot diff the range (a ref the repository lacks, a folder
 *   outside git): a flag value that does not work, as `import git --range` says.
 */
export async function changedPaths(ref: string, cwd = process.cwd()): Promise<string[]> {
  if (ref.trim() === "" || ref.startsWith("-")) throw new UsageError(`--since: "${ref}" is not a git ref`);
  const range = ref.includes("..") ? ref : `${ref}...HEAD`;
  try {
    return await gitChangedPaths(range, { cwd, field: "--since", given: ref });
  } catch (error) {
    if (error instanceof ValidationError) throw new UsageError(error.message, { cause: error });
    throw error;
  }
}

/**
 * Refuses a `--line` the floor plan did not have at the instant of `view`, as
 * `requireLines` refuses one it does not have now.
 *
 * @throws UsageError naming the flag when a line is blank or not a line id.
 * @throws NotFoundError (`E_NOT_FOUND`, entity `line`) naming the line, the flag and the instant.
 */
function requireLinesThen(view: FloorPlanView, lines: readonly string[], flag: string): void {
  for (const line of lines) {
    parseFlag(NameValue.pipe(EntityIdSchema), line, flag);
    if (view.hasLine(line)) continue;
    throw new NotFoundError({
      message: `${flag}: no line "${line}" in the floor plan as of ${view.at}`,
      entity: "line",
      id: line,
      field: flag,
    });
  }
}

/** Prints an impact report as text (`factory impact` refuses unknown lines before it prints). */
export function printImpact(output: Output, report: ImpactReport): void {
  // The line and operator columns fit the longest listed, so the rows stay aligned.
  const lines = [...report.changed, ...report.affected].map((entry) => entry.line.length);
  const lineWidth = Math.max(20, ...lines);
  const operatorWidth = Math.max(
    12,
    ...report.notify.map((notify) => (notify.operator ?? "(nobody)").length),
  );
  // A path a row under what claims it, quoted as who-owns quotes one with edge spaces, a tab or a line break.
  const paths = (list: readonly string[]) => {
    for (const path of list) output.line(`    ${shownPath(path)}`);
  };
  output.line(output.style("bold", "changed"));
  if (report.changed.length === 0) output.line("  no line claims the changed paths");
  for (const changed of report.changed) {
    output.line(`  ${changed.line.padEnd(lineWidth)} owner ${changed.owner ?? "none"}`);
    paths(changed.paths);
  }
  if (report.unclaimedPaths.length > 0) output.line(output.style("yellow", "  unclaimed paths:"));
  paths(report.unclaimedPaths);
  output.line(output.style("bold", "affected"));
  if (report.affected.length === 0) output.line("  nothing depends on the changed lines");
  for (const affected of report.affected) {
    const colour =
      affected.criticality === "high" ? "red" : affected.criticality === "medium" ? "yellow" : "dim";
    output.line(
      `  ${affected.line.padEnd(lineWidth)} ${output.style(colour, affected.criticality.padEnd(6))} owner ${affected.owner ?? "none"}`,
    );
    output.line(output.style("dim", `    ${affected.reason}`));
  }
  output.line(output.style("bold", "notify"));
  if (report.notify.length === 0) output.line("  nobody");
  for (const notify of report.notify) {
    output.line(
      `  ${(notify.operator ?? "(nobody)").padEnd(operatorWidth)} ${notify.criticality.padEnd(6)} changed: ${notify.changed.join(", ") || "-"}  affected: ${notify.affected.join(", ") || "-"}`,
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
      "add the paths changed since <git-ref> (git diff <ref>...HEAD), or in a range given as one (HEAD~5..HEAD); a rename adds both paths",
    )
    .option("--line <line>", "a changed line (repeatable)", collect)
    .option("--depth <n>", "follow dependents this many edges away", "10")
    .option(
      "--as-of <when>",
      "as the floor plan was then: a date (2026-03-01, midnight UTC), an instant (2026-03-01T09:00:00Z) or a span back (30d, 12h, 2w)",
    )
    .action(
      action(context, async ({ options, output }, paths, flags) => {
        const f = flags as { since?: string; line?: string[]; depth: string; asOf?: string };
        const depth = parseFlag(PositiveIntFlag, f.depth, "--depth");
        const asOf = f.asOf === undefined ? undefined : parseFlag(SinceFlag, f.asOf, "--as-of");
        const instant = asOf?.toISOString();
        const at = instant === undefined ? {} : { asOf: instant };
        const typed = parseFlag(PathsArgument, paths, "<paths>");
        // A range or ref typed where the paths go would be claimed by no line and notify nobody.
        const revision = gitRevisionArguments(typed, process.cwd())[0];
        if (revision !== undefined) {
          const kind = revision.includes("..") ? "a git range" : "a git revision";
          throw new UsageError(
            `<paths>: ${JSON.stringify(revision)} is no file here but ${kind}: give it as --since ${revision} (for a path of that name, write ./${revision})`,
          );
        }
        const given = repositoryPaths(typed, "<paths>", repositoryRoot(options.dir));
        const all = [...given, ...(f.since === undefined ? [] : await changedPaths(f.since))];
        if (all.length === 0 && (f.line ?? []).length === 0) {
          if (f.since !== undefined) {
            if (options.json)
              return output.json({ changed: [], unclaimedPaths: [], affected: [], notify: [], ...at });
            if (instant !== undefined) output.line(output.style("bold", `as of ${instant}`));
            output.line(`no paths changed ${f.since.includes("..") ? "in" : "since"} ${f.since}`);
            return;
          }
          throw new UsageError("impact needs paths, --line or --since");
        }
        const change = { paths: all, lines: f.line ?? [] };
        const report = await withFactory(options, async (factory) => {
          if (asOf === undefined) {
            await requireLines(factory, change.lines, "--line");
            return factory.floorplan.impact(change, { depth });
          }
          const view = await factory.floorplan.asOf(asOf);
          requireLinesThen(view, change.lines, "--line");
          return view.impact(change, { depth });
        });
        if (options.json) return output.json({ ...report, ...at });
        if (instant !== undefined) output.line(output.style("bold", `as of ${instant}`));
        printImpact(output, report);
      }),
    );
}
