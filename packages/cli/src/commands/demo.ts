/**
 * `factory demo`: the Acme walkthrough.
 *
 * @module
 */
import { join, resolve } from "node:path";
import { NotFoundError } from "@software-factory/core";
import type { Command } from "commander";
import { findAcmeExample, runAcmeWalkthrough } from "../demo/walkthrough.js";
import { NameValue, parseFlag } from "../flags.js";
import { requireSource } from "../knownValues.js";
import { action, type CliContext } from "../program.js";

/** Registers `factory demo`. */
export function registerDemo(program: Command, context: CliContext): void {
  program
    .command("demo")
    .summary("walk through every component on the Acme example, in a temporary factory")
    .description(
      "walk through every component on the Acme example, in a temporary factory; " +
        "it runs in a clone of the repository (it reads examples/acme, which the npm package does not ship), " +
        "or anywhere with --example <dir>",
    )
    .option(
      "--example <dir>",
      "folder of the Acme example (default examples/acme of the repository clone this runs in; the npm package does not ship it)",
    )
    .option("--keep <dir>", "build the demo factory in this folder and keep it")
    .action(
      action(context, async ({ output }, flags) => {
        const f = flags as { example?: string; keep?: string };
        // An empty folder would resolve to the current one: the demo would write its factory there.
        const keep = f.keep === undefined ? undefined : parseFlag(NameValue, f.keep, "--keep");
        const example =
          f.example === undefined ? findAcmeExample() : resolve(parseFlag(NameValue, f.example, "--example"));
        if (example === undefined)
          throw new NotFoundError({
            message: "cannot find examples/acme; pass --example <dir> (the folder with factory.yaml)",
            entity: "folder",
            id: "examples/acme",
          });
        // Before the walkthrough prints its first step: a wrong folder is one line naming the flag.
        if (f.example !== undefined) requireSource(join(example, "factory.yaml"), "file", "--example");
        await runAcmeWalkthrough({
          example,
          output,
          ...(keep === undefined ? {} : { dir: resolve(keep) }),
        });
      }),
    );
}
