/**
 * `factory who-owns <paths...> [--as-of <instant>]`: the line and owner of
 * each path (CODEOWNERS semantics), now or as the floor plan was at an instant.
 *
 * @module
 */
import type { FloorLineDirectory } from "@software-factory/floorplan";
import type { Command } from "commander";
import { PathsArgument, parseFlag, SinceFlag } from "../flags.js";
import { shownPath } from "../printable.js";
import { action, type CliContext } from "../program.js";
import { repositoryPaths, repositoryRoot } from "../repositoryPaths.js";
import { withFactory } from "../Session.js";

/** Registers `factory who-owns`. */
export function registerWhoOwns(program: Command, context: CliContext): void {
  program
    .command("who-owns")
    .description("the line and the owner of each path (the last matching pattern wins, as in CODEOWNERS)")
    .argument("<paths...>", "paths in the repository (relative to the current folder, or absolute)")
    .option(
      "--as-of <when>",
      "as the floor plan was then: a date (2026-03-01, midnight UTC), an instant (2026-03-01T09:00:00Z) or a span back (30d, 12h, 2w)",
    )
    .action(
      action(context, async ({ options, output, fail }, paths, flags) => {
        const given = repositoryPaths(
          parseFlag(PathsArgument, paths, "<paths>"),
          "<paths>",
          repositoryRoot(options.dir),
        );
        const asOfFlag = (flags as { asOf?: string }).asOf;
        const asOf = asOfFlag === undefined ? undefined : parseFlag(SinceFlag, asOfFlag, "--as-of");
        const { at, answers } = await withFactory(options, async (factory) => {
          const view = asOf === undefined ? undefined : await factory.floorplan.asOf(asOf);
          const plan: FloorLineDirectory = view ?? factory.floorplan;
          return {
            at: view?.at,
            answers: given.map((path) => {
              const line = plan.lineForPath(path);
              return {
                path,
                line: line ?? null,
                owner: line === undefined ? null : (plan.ownerOf(line) ?? null),
                ...(view === undefined ? {} : { asOf: view.at }),
              };
            }),
          };
        });
        if (answers.some((answer) => answer.line === null)) fail();
        if (options.json) {
          output.json(answers);
          return;
        }
        if (at !== undefined) output.line(output.style("bold", `as of ${at}`));
        for (const answer of answers) {
          const path = shownPath(answer.path);
          output.line(
            answer.line === null
              ? `${path}  ${output.style("red", "no line claims this path")}`
              : `${path}  line ${output.style("bold", answer.line)}  owner ${answer.owner ?? output.style("red", "none")}`,
          );
        }
      }),
    );
}
