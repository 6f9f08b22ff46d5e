/**
 * `factory init`: creates a factory folder, optionally from a factory.yaml.
 *
 * @module
 */
import { existsSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { loadFactoryYaml } from "@software-factory/floorplan";
import type { Command } from "commander";
import { redactStore } from "../flags.js";
import { action, type CliContext } from "../program.js";
import { withFactory } from "../Session.js";

/** Registers `factory init`. */
export function registerInit(program: Command, context: CliContext): void {
  program
    .command("init")
    .description("create the factory folder (the embedded store) and optionally apply a factory.yaml")
    .option("--plan <factory.yaml>", "apply this floor plan after creating the factory")
    .action(
      action(context, async ({ options, output }, local) => {
        const { plan } = local as { plan?: string };
        const dir = resolve(options.dir);
        // Checked before anything is created, so a bad or missing plan leaves no folder behind.
        const floorPlan = plan === undefined ? undefined : { file: plan, plan: await loadFactoryYaml(plan) };
        const result = await withFactory(options, async (factory) => {
          const existed = (await factory.log.head()) > 0;
          const ignore = join(dir, ".gitignore");
          if (!existsSync(ignore))
            writeFileSync(ignore, "# Derived indexes are rebuilt from the log.\ncache/\n");
          if (floorPlan === undefined) return { existed, changes: 0, position: await factory.log.head() };
          const applied = await factory.floorplan.applyPlan(floorPlan.plan, {
            label: floorPlan.file,
            actor: options.actor,
          });
          return { existed, changes: applied.changes, position: await factory.log.head() };
        });
        const { existed, ...rest } = result;
        const store = options.store === undefined ? undefined : redactStore(options.store);
        if (options.json) {
          output.json({ dir, ...(store === undefined ? {} : { store }), created: !existed, ...rest });
          return;
        }
        const where = store === undefined ? dir : `${store} (caches in ${dir})`;
        output.line(`${existed ? "factory already exists" : "created factory"} in ${where}`);
        if (plan !== undefined) output.line(`applied ${plan}: ${result.changes} changes`);
        else
          output.line(
            "next: factory import codebase . (or factory plan apply factory.yaml), then factory import docs <folder>",
          );
      }),
    );
}
