/**
 * `factory init`: creates a factory folder, optionally from a factory.yaml.
 *
 * @module
 */
import { join, resolve } from "node:path";
import { loadFactoryYaml } from "@software-factory/floorplan";
import { FACTORY_FOLDER } from "@software-factory/intelligence";
import type { Command } from "commander";
import { claimFactoryFile } from "../factoryFolder.js";
import { isPostgresStore, redactStore } from "../flags.js";
import { requireFileToLoad } from "../knownValues.js";
import { namingFlags } from "../namingFlags.js";
import { counted } from "../plural.js";
import { action, type CliContext } from "../program.js";
import { type GlobalOptions, withFactory } from "../Session.js";

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
        // Checked before anything is created, so a bad or missing plan leaves no folder behind. An empty
        // --plan is malformed, and a missing one or a device is named by its flag, as every flag's file
        // is; a folder is refused by the loader below, as plan check and plan apply refuse it.
        if (plan !== undefined) requireFileToLoad(plan, "--plan");
        const floorPlan = plan === undefined ? undefined : { file: plan, plan: await loadFactoryYaml(plan) };
        // Decided before opening, which would create it: an existing factory may be empty (position 0).
        const existed = !(await createsFactory(options, dir));
        const result = await withFactory(options, async (factory) => {
          if (floorPlan === undefined) return { changes: 0, position: await factory.log.head() };
          const applied = await factory.floorplan.applyPlan(floorPlan.plan, {
            label: floorPlan.file,
            actor: options.actor,
          });
          return { changes: applied.changes, position: await factory.log.head() };
        });
        const store = options.store === undefined ? undefined : redactStore(options.store);
        if (options.json) {
          output.json({ dir, ...(store === undefined ? {} : { store }), created: !existed, ...result });
          return;
        }
        const where = store === undefined ? dir : `${store} (caches in ${dir})`;
        output.line(`${existed ? "factory already exists" : "created factory"} in ${where}`);
        // Found in a parent folder, as every command finds it: a second factory is made only when asked for.
        if (existed && options.searched === true && dir !== resolve(FACTORY_FOLDER))
          output.line(
            `(found above the current folder; give --dir ${FACTORY_FOLDER} to create a separate one here)`,
          );
        if (plan !== undefined) output.line(`applied ${plan}: ${counted(result.changes, "change")}`);
        // The first steps, for a factory still empty; not for one found above, where "." is not its root.
        // import codebase files the docs/ pages itself (source "codebase"), and import docs of the same
        // folder after it leaves those pages to it, so the hint keeps import docs for other markdown.
        else if (
          result.position === 0 &&
          !(existed && options.searched === true && dir !== resolve(FACTORY_FOLDER))
        )
          output.line(
            "next: factory import codebase . (it imports the docs/ folders, READMEs and runbooks too), or factory plan apply factory.yaml; then factory import docs <folder> for other markdown",
          );
      }),
    );
}

/**
 * Whether this run creates the factory: it makes the SQLite file (`--store`,
 * else `<dir>/factory.db`) with the exclusive flag, or the PostgreSQL
 * schema's tables in a transaction under an advisory lock, so of several
 * inits at once on a new folder or schema exactly one does.
 */
async function createsFactory(options: GlobalOptions, dir: string): Promise<boolean> {
  const store = options.store;
  if (store !== undefined && isPostgresStore(store)) {
    const { createPostgresFactory } = await import("@software-factory/core/postgres");
    const creation = await namingFlags({ url: options.storeFlag ?? "--store" }, () =>
      createPostgresFactory({ url: store }),
    );
    return creation.created;
  }
  return claimFactoryFile(store ?? join(dir, "factory.db"), store ?? dir);
}
