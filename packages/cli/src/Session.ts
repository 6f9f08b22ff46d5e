/**
 * The options every command shares, and opening the factory they name.
 *
 * @module
 */
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir, userInfo } from "node:os";
import { join, resolve } from "node:path";
import { createMemoryEventStore, type EventStore, NotFoundError } from "@software-factory/core";
import {
  type Automation,
  defaultGates,
  type Factory,
  installBasicStandards,
  installBuiltinStandards,
  openFactory,
} from "@software-factory/intelligence";
import { makeFactoryFolder } from "./factoryFolder.js";
import { ActorFlag, isPostgresStore, parseFlag, redactStore } from "./flags.js";
import { namingFlags } from "./namingFlags.js";
import type { Output } from "./Output.js";

/** Options every command accepts. */
export interface GlobalOptions {
  /**
   * Folder of the factory: `--dir` or `FACTORY_DIR` as given, else the
   * `.factory` of the current folder or of its nearest parent up to the
   * repository's root, else `.factory` in the current folder.
   */
  readonly dir: string;
  /**
   * Whether {@link GlobalOptions.dir} was looked for from the current folder
   * up (no `--dir` or `FACTORY_DIR` named it); unset means it was named.
   */
  readonly searched?: boolean;
  /** Print JSON instead of text. */
  readonly json: boolean;
  /** Who the command writes as. */
  readonly actor: string;
  /**
   * Where the log lives (`--store`, else `FACTORY_DATABASE_URL`): a
   * `postgres://` URL, or the absolute path of a SQLite file. Unset: the SQLite
   * file `factory.db` in {@link GlobalOptions.dir}.
   */
  readonly store?: string;
  /**
   * The flag {@link GlobalOptions.store} came from, as messages name it
   * (`--store`, or `FACTORY_DATABASE_URL (--store)` when the variable gave
   * it); unset means `--store`.
   */
  readonly storeFlag?: string;
  /**
   * Whether opening may create the factory when it does not exist yet. Only
   * `factory init`, `plan apply` and `import ...` set it; every other command
   * refuses a missing factory, so a mistyped `--dir` or `--store` is an error
   * instead of a new, empty factory.
   */
  readonly create?: boolean;
}

/** What a command runs with: its options and where it writes. */
export interface Session {
  /** The global options of the run (`--dir`, `--store`, `--actor`, `--json`). */
  readonly options: GlobalOptions;
  /** Where the command writes results, errors and progress. */
  readonly output: Output;
  /** Sets the exit code the process ends with (1 for findings). */
  fail(): void;
}

/**
 * The actor a command writes as when `--actor` is not given: `FACTORY_ACTOR`
 * (when set and not empty), else the user name made into an operator id
 * (`John Doe` becomes `john-doe`), else `cli`.
 *
 * @throws UsageError when `FACTORY_ACTOR` is not an operator id (the rule of `--actor`).
 */
export function defaultActor(env: NodeJS.ProcessEnv = process.env): string {
  const given = env.FACTORY_ACTOR;
  if (given !== undefined && given !== "") return parseFlag(ActorFlag, given, "FACTORY_ACTOR (--actor)");
  const name = safeUserName() ?? "cli";
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
 * Adds the standards every factory the CLI opens is checked against: the
 * `factory-basics` pack (lines owned, described and claiming code, no cycles,
 * operators within capacity, no active work on suspect links, blocked work
 * visible, open work on a line of the floor plan) and the `builtin-standards`
 * pack (requirements with acceptance criteria in EARS form, designs linked to
 * requirements, complete decision records, change sets linked to work, signals routed within their SLA). The
 * two packs share no rule id. `factory check`, `factory context` and
 * `factory mcp` see the same rules.
 *
 * @throws ValidationError when the factory already has a rule of one of these ids.
 */
export function installFactoryStandards(factory: Factory): void {
  installBasicStandards(factory);
  installBuiltinStandards(factory);
}

/** What a command may add to the factory it opens. */
export interface SessionExtras {
  /** A repository whose Cursor rules, AGENTS.md and CLAUDE.md become instruction standards. */
  readonly instructionsFrom?: string;
  /** Automations to run while the factory is open (`factory mcp --automations`). */
  readonly automations?: readonly Automation<Factory>[];
}

/**
 * Opens the factory a command names with the CLI's gates (the caller closes
 * it, and adds the standards with {@link installFactoryStandards} when it
 * checks them). The log is {@link GlobalOptions.store} when given (a
 * PostgreSQL URL or a SQLite file), else the SQLite file in the folder; the
 * folder holds the caches and the `skills/` either way.
 *
 * @throws NotFoundError when the factory does not exist and
 *   {@link GlobalOptions.create} is not set (see {@link assertFactoryExists}).
 * @throws FactoryFolderError (`E_WRITE`) naming the folder when it cannot be made.
 */
export async function openSessionFactory(
  options: GlobalOptions,
  extra: SessionExtras = {},
): Promise<Factory> {
  if (options.create !== true) await assertFactoryExists(options);
  const store = options.store === undefined ? undefined : await openStore(options.store, options.storeFlag);
  const dir = resolve(options.dir);
  try {
    // Made here, step by step, so a folder that cannot be made is named (and /proc does not hang Node's recursive mkdir).
    if (!existsSync(dir)) makeFactoryFolder(dir);
  } catch (error) {
    await store?.close();
    throw error;
  }
  return openFactory({
    dir,
    actor: options.actor,
    gates: defaultGates,
    ...(store === undefined ? {} : { store }),
    ...extra,
  });
}

/**
 * Refuses a factory that does not exist: its SQLite file (`--store`, else
 * `<dir>/factory.db`) is missing, or its PostgreSQL schema holds no factory
 * (a mistyped `?schema=` is refused instead of becoming a new, empty factory).
 *
 * @throws NotFoundError (`E_NOT_FOUND`, entity `factory`) naming the folder,
 *   file or URL (password redacted) and schema, and saying to run `factory init`.
 * @throws StoreError when the PostgreSQL server cannot be reached.
 */
export async function assertFactoryExists(options: GlobalOptions): Promise<void> {
  const { found, where } = await findFactory(options);
  if (found) return;
  // A folder looked for (no --dir) was also looked for in each parent up to the repository's root.
  const parents = options.searched === true && options.store === undefined ? " nor in a parent folder" : "";
  throw new NotFoundError({
    message: `no factory at ${where}${parents}: run \`factory init\` to create it, or give the --dir (or --store) of an existing one`,
    entity: "factory",
    id: where,
  });
}

/** Whether a factory exists, and where it was looked for. */
export interface FactoryLocation {
  /** Whether the factory is there. */
  readonly found: boolean;
  /** The folder, SQLite file, or PostgreSQL URL (password redacted) and schema, for messages. */
  readonly where: string;
}

/**
 * Whether the factory a command names exists: its SQLite file (`--store`, else
 * `<dir>/factory.db`) is there, or its PostgreSQL schema holds a factory's
 * tables (asked of the server without creating anything).
 *
 * @throws UsageError naming {@link GlobalOptions.storeFlag} when the URL's
 *   parameters are refused (see {@link openStore}).
 * @throws StoreError when the PostgreSQL server cannot be reached.
 */
export async function findFactory(options: GlobalOptions): Promise<FactoryLocation> {
  const store = options.store;
  if (store !== undefined && isPostgresStore(store)) {
    const { probePostgresFactory } = await import("@software-factory/core/postgres");
    const probe = await namingFlags({ url: options.storeFlag ?? "--store" }, () =>
      probePostgresFactory({ url: store }),
    );
    const schema =
      probe.schema === null ? "no schema (the search_path names none that exists)" : `schema ${probe.schema}`;
    return { found: probe.found, where: `${redactStore(store)} (${schema})` };
  }
  return {
    found: existsSync(store ?? join(resolve(options.dir), "factory.db")),
    where: store ?? resolve(options.dir),
  };
}

/**
 * Opens the store a validated `--store` value names: the PostgreSQL store for
 * a URL (its `schema` parameter selects the schema), else the SQLite file.
 * `flag` is where the value came from (`--store`, `--to`...): core refuses a
 * URL parameter it does not know or whose value does not parse, and that is
 * told as malformed input of that flag, with core's message (which names the
 * parameter and the accepted ones). `copyTarget` opens a PostgreSQL store as
 * the target of `factory migrate` (see core's `copyTarget` option).
 *
 * @throws UsageError (exit 2) naming `flag`, when the URL's parameters are refused.
 */
export async function openStore(store: string, flag = "--store", copyTarget = false): Promise<EventStore> {
  if (isPostgresStore(store)) {
    const { openPostgresEventStore } = await import("@software-factory/core/postgres");
    return namingFlags({ url: flag }, () =>
      openPostgresEventStore({ url: store, ...(copyTarget ? { copyTarget } : {}) }),
    );
  }
  const { openSqliteEventStore } = await import("@software-factory/core/sqlite");
  return openSqliteEventStore({ path: store });
}

/**
 * Opens the factory a command names, with the CLI's gates and standards (see
 * {@link installFactoryStandards}), runs `work` with it, and closes it whatever happens. The log is
 * `--store` (or `FACTORY_DATABASE_URL`) when given, else the SQLite file in
 * the folder (see {@link openSessionFactory}).
 */
export async function withFactory<T>(
  options: GlobalOptions,
  work: (factory: Factory) => Promise<T>,
  extra: SessionExtras = {},
): Promise<T> {
  const factory = await openSessionFactory(options, extra);
  try {
    installFactoryStandards(factory);
    return await work(factory);
  } finally {
    await factory.close();
  }
}

/**
 * Runs `work` on the factory a command names (see {@link withFactory}) or, for
 * a dry run when that factory does not exist yet, on an empty factory held in
 * memory with the same standards (its caches in a temporary folder, removed
 * afterwards): a dry run writes nothing, and in particular does not create
 * the factory it previews a change to (`import codebase --dry-run`,
 * `plan apply --dry-run`).
 */
export async function withDryRunFactory<T>(
  options: GlobalOptions,
  dryRun: boolean,
  work: (factory: Factory) => Promise<T>,
): Promise<T> {
  if (!dryRun || (await findFactory(options)).found) return withFactory(options, work);
  const scratch = mkdtempSync(join(tmpdir(), "factory-dry-run-"));
  try {
    const factory = await openFactory({
      dir: scratch,
      actor: options.actor,
      gates: defaultGates,
      store: createMemoryEventStore(),
    });
    try {
      installFactoryStandards(factory);
      return await work(factory);
    } finally {
      await factory.close();
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
