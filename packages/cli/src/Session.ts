/**
 * The options every command shares, and opening the factory they name.
 *
 * @module
 */
import { userInfo } from "node:os";
import { resolve } from "node:path";
import { type Factory, openFactory } from "@software-factory/intelligence";
import { defaultGates, installBasicStandards } from "./factoryStandards.js";
import type { Output } from "./Output.js";

/** Options every command accepts. */
export interface GlobalOptions {
  /** Folder of the factory (default `.factory` in the current folder). */
  readonly dir: string;
  /** Print JSON instead of text. */
  readonly json: boolean;
  /** Who the command writes as. */
  readonly actor: string;
}

/** What a command runs with: its options and where it writes. */
export interface Session {
  readonly options: GlobalOptions;
  readonly output: Output;
  /** Sets the exit code the process ends with (1 for findings). */
  fail(): void;
}

/** The actor a command writes as when `--actor` is not given: `FACTORY_ACTOR`, else the user name. */
export function defaultActor(env: NodeJS.ProcessEnv = process.env): string {
  const name = env.FACTORY_ACTOR ?? safeUserName() ?? "cli";
  const id = name
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, "-")
    .replace(/^[^a-z0-9]+/, "");
  return id === "" ? "cli" : id.slice(0, 64);
}

function safeUserName(): string | undefined {
  try {
    return userInfo().username;
  } catch {
    return undefined;
  }
}

/**
 * Opens the factory a command names, with the CLI's gates and basic
 * standards, runs `work` with it, and closes it whatever happens. The log is
 * the SQLite file in the folder, or the PostgreSQL database named by
 * `FACTORY_DATABASE_URL` when that is set (the folder then holds the caches).
 */
export async function withFactory<T>(
  options: GlobalOptions,
  work: (factory: Factory) => Promise<T>,
): Promise<T> {
  const factory = await openFactory({ dir: resolve(options.dir), actor: options.actor, gates: defaultGates });
  try {
    installBasicStandards(factory);
    return await work(factory);
  } finally {
    await factory.close();
  }
}
