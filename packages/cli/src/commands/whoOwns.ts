/**
 * `factory who-owns <paths...>`: the line and owner of each path (CODEOWNERS semantics).
 *
 * @module
 */
import type { Command } from "commander";
import { PathsArgument, parseFlag } from "../flags.js";
import { action, type CliContext } from "../program.js";
import { repositoryPaths, repositoryRoot } from "../repositoryPaths.js";
import { withFactory } from "../Session.js";

/** Registers `factory who-owns`. */
export function registerWhoOwns(program: Command, context: CliContext): void {
  program
    .command("who-owns")
    .description("the line and the owner of each path (the last matching pattern wins, as in CODEOWNERS)")
    .argument("<paths...>", "paths in the repository (relative to the current folder, or absolute)")
    .action(
      action(context, async ({ options, output, fail }, paths) => {
        const given = repositoryPaths(
          parseFlag(PathsArgument, paths, "<paths>"),
          "<paths>",
          repositoryRoot(options.dir),
        );
        const answers = await withFactory(options, async (factory) =>
          given.map((path) => {
            const line = factory.floorplan.lineForPath(path);
            return {
              path,
              line: line ?? null,
              owner: line === undefined ? null : (factory.floorplan.ownerOf(line) ?? null),
            };
          }),
        );
        if (answers.some((answer) => answer.line === null)) fail();
        if (options.json) {
          output.json(answers);
          return;
        }
        for (const answer of answers) {
          output.line(
            answer.line === null
              ? `${answer.path}  ${output.style("red", "no line claims this path")}`
              : `${answer.path}  line ${output.style("bold", answer.line)}  owner ${answer.owner ?? output.style("red", "none")}`,
          );
        }
      }),
    );
}
