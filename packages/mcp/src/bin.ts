/**
 * `factory-mcp`: serves a factory folder over stdio (default) or Streamable HTTP.
 *
 *   factory-mcp [--dir .factory] [--init] [--store <url|path>] [--actor id] [--instructions <repo>]
 *               [--tools <groups>] [--import-root <dir>] [--automations]
 *               [--notify-webhook [url] [--notify-format json|slack]]
 *               [--http <port> [--host 127.0.0.1] [--allowed-host <name>]... [--allowed-origin <origin>]...
 *                [--max-connections 1024]]
 *
 * The factory opens with the standards and gates the `factory` command uses
 * (`factory check` and `check_standards` report the same findings).
 * `--store` (or `FACTORY_DATABASE_URL`) puts the log in PostgreSQL or another
 * SQLite file. `--instructions` loads a repository's Cursor rules, AGENTS.md
 * and CLAUDE.md into the standards that context packs list. `--tools` chooses
 * the tool groups (knowledge, floorplan, work, standards, skills, import;
 * default all but import). `--automations` runs the built-in automations
 * while the server lives (routing new signals, filling inboxes).
 * `--notify-webhook` posts inbox notifications to a webhook while it lives
 * (the URL from FACTORY_NOTIFY_WEBHOOK when the flag has none, signed with
 * FACTORY_WEBHOOK_SECRET), with or without `--automations`.
 * `--import-root` bounds the folders `import_codebase` reads; over HTTP the
 * import group needs it. Over HTTP the token comes from FACTORY_MCP_TOKEN
 * (`--token` works but shows in `ps`, and is warned about); a `--host` beyond
 * this machine needs `--allowed-host`, the names clients reach it by.
 *
 * SIGTERM, SIGINT or SIGHUP stops it cleanly: over HTTP it stops accepting, lets
 * requests in flight finish (up to 10 s), then closes the factory; over stdio
 * it stops reading, answers the requests it has read (up to 10 s, as when the
 * client closes stdin), then closes the factory. A second signal exits at once.
 *
 * Without `--dir` it serves the `.factory` of the current folder or of the
 * nearest parent up to the git repository's root, as `factory` finds it.
 * The factory must exist (its `factory.db`, or the `--store` file; `factory
 * init` makes one) unless `--init` asks to create an empty one: a mistyped
 * `--dir` is refused, not served empty. The factory opens before the server
 * speaks: a bad option, a missing factory, a folder that is a file or a missing
 * instructions folder end the process with exit code 2 (a usage error), a
 * factory that cannot be made or opened (a newer event, a store that cannot
 * open or be reached, a malformed instruction file) with exit code 1 (the
 * operation failed), as `factory mcp` and every `factory` command exit; the
 * reason is on stderr, before any client sees a tool list. Logs go to stderr
 * (stdout is the protocol).
 *
 * While it serves, it follows `<dir>/skills`: a skill folder added, changed or
 * removed updates the prompts and clients are told; a SKILL.md that fails to
 * load is named on stderr and left out.
 */
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import {
  type EventStore,
  isPostgresUrl,
  mistypedStoreUrl,
  OperatorIdSchema,
  redactStore,
  ValidationError,
} from "@software-factory/core";
import {
  type Automation,
  defaultGates,
  FACTORY_FOLDER,
  type Factory,
  findFactoryFolder,
  installBasicStandards,
  installBuiltinStandards,
  openFactory,
} from "@software-factory/intelligence";
import { SERVER_VERSION } from "./createFactoryMcpServer.js";
import { makeFactoryFolder, notAFolder } from "./internal/factoryFolder.js";
import { httpHostRefusal, httpSettingsOf } from "./internal/httpFlags.js";
import { importRootOf, instructionsRootOf, servedAutomationsOf, toolGroupsOf } from "./serveFlags.js";
import { ListenError, serveUntilStopped } from "./serveUntilStopped.js";

const USAGE =
  "usage: factory-mcp [--dir .factory] [--init] [--store <url|path>] [--actor id] [--instructions <repo>] [--tools <groups>] [--import-root <dir>] [--automations] [--notify-webhook [url] [--notify-format json|slack]] [--http <port> [--host 127.0.0.1] [--allowed-host <name>]... [--allowed-origin <origin>]... [--max-connections <n>]] [--version] (the token in FACTORY_MCP_TOKEN, the webhook's URL in FACTORY_NOTIFY_WEBHOOK)\n";
/**
 * `--notify-webhook` given without a URL (at the end, or before another
 * option), as `factory mcp --notify-webhook [url]` reads it: the URL is then
 * FACTORY_NOTIFY_WEBHOOK's. A NUL, which no command-line argument can hold.
 */
const URL_FROM_ENV = "\u0000";

/** The arguments with a `--notify-webhook` that has no value given {@link URL_FROM_ENV} as its value. */
function withWebhookValue(args: readonly string[]): string[] {
  return args.flatMap((arg, index) => {
    const next = args[index + 1];
    return arg === "--notify-webhook" && (next === undefined || next.startsWith("-"))
      ? [`--notify-webhook=${URL_FROM_ENV}`]
      : [arg];
  });
}

/**
 * A start-up failure, told on stderr: exit code 2 (the default) when the
 * command line asks for what cannot be (a bad option, no factory at `--dir`),
 * 1 when the factory it names cannot be made, reached or opened, as `factory`
 * exits for a usage error and for an operation that failed.
 */
class StartError extends Error {
  constructor(
    message: string,
    /** The process's exit code. */
    readonly exitCode: 1 | 2 = 2,
  ) {
    super(message);
  }
}

/**
 * Who the server writes as: `--actor`, else `FACTORY_ACTOR` (when set and not
 * empty), else `mcp`; an id that is not an operator id (as `factory --actor`
 * refuses it) is refused naming where it came from.
 */
function actorOf(flag: string | undefined, env: string | undefined): string | StartError {
  const [given, from] =
    flag !== undefined ? [flag, "--actor"] : env ? [env, "FACTORY_ACTOR (--actor)"] : ["mcp", "--actor"];
  const parsed = OperatorIdSchema.safeParse(given);
  if (parsed.success) return parsed.data;
  return new StartError(`${from}: ${parsed.error.issues[0]?.message} (got ${JSON.stringify(given)})`);
}

/** The log's store for `--store`: a PostgreSQL URL as given, else the SQLite file at that path. */
async function storeOf(store: string): Promise<string | EventStore> {
  if (isPostgresUrl(store)) return store;
  const { openSqliteEventStore } = await import("@software-factory/core/sqlite");
  return openSqliteEventStore({ path: resolve(store) });
}

/**
 * Core's refusal of a PostgreSQL URL's parameters (every issue about `url`),
 * told as a bad option naming where the URL came from (`--store`, or
 * `FACTORY_DATABASE_URL (--store)`), as `factory` does; undefined for any
 * other error.
 */
function storeRefusal(error: unknown, storeFlag: string): StartError | undefined {
  if (!(error instanceof ValidationError)) return undefined;
  if (error.issues.length === 0 || !error.issues.every((issue) => issue.path === "url")) return undefined;
  return new StartError(`${storeFlag}: ${error.issues.map((issue) => issue.message).join("; ")}`);
}

interface ServeOptions {
  readonly dir: string;
  /** Create the factory when it does not exist (else that is refused). */
  readonly init: boolean;
  readonly actor: string;
  readonly store?: string;
  /** Where {@link ServeOptions.store} came from, for messages: `--store` or `FACTORY_DATABASE_URL (--store)`. */
  readonly storeFlag: string;
  readonly instructions?: string;
  /** The automations to run while it serves (`servedAutomationsOf`'s). */
  readonly automations: readonly Automation<Factory>[];
}

/**
 * Where the factory was looked for when it is not there, else undefined: the
 * SQLite file is missing, or the PostgreSQL schema holds no factory's tables
 * (asked without creating anything, so a mistyped `?schema=` is refused
 * instead of becoming a new, empty factory).
 */
async function missingFactory(
  dir: string,
  store: string | undefined,
  storeFlag: string,
): Promise<string | undefined> {
  if (store !== undefined && isPostgresUrl(store)) {
    const { probePostgresFactory } = await import("@software-factory/core/postgres");
    const probe = await probePostgresFactory({ url: store }).catch((error: unknown) => {
      throw (
        storeRefusal(error, storeFlag) ??
        new StartError(error instanceof Error ? error.message : String(error), 1)
      );
    });
    if (probe.found) return undefined;
    const schema =
      probe.schema === null ? "no schema (the search_path names none that exists)" : `schema ${probe.schema}`;
    return `PostgreSQL ${probe.target} (${schema})`;
  }
  const log = store === undefined ? join(resolve(dir), "factory.db") : resolve(store);
  if (existsSync(log)) return undefined;
  return store === undefined ? resolve(dir) : log;
}

/**
 * Opens the factory to serve with the CLI's gates and basic standards.
 *
 * @throws StartError naming the option that is wrong, or the reason the factory cannot open.
 */
async function openServedFactory(options: ServeOptions): Promise<Factory> {
  const notFolder = notAFolder(options.dir);
  if (notFolder !== undefined) throw new StartError(notFolder);
  if (!options.init) {
    const where = await missingFactory(options.dir, options.store, options.storeFlag);
    if (where !== undefined) {
      throw new StartError(
        `no factory at ${where}: run \`factory init\` to create it, give the --dir (or --store) of an existing one, or add --init to start an empty one`,
      );
    }
  }
  const unmade = options.init ? makeFactoryFolder(options.dir) : undefined;
  if (unmade !== undefined)
    throw new StartError(`cannot create the factory at ${resolve(options.dir)}: ${unmade}`, 1);
  try {
    const factory = await openFactory({
      dir: options.dir,
      actor: options.actor,
      gates: defaultGates,
      ...(options.store === undefined ? {} : { store: await storeOf(options.store) }),
      ...(options.instructions === undefined ? {} : { instructionsFrom: options.instructions }),
      ...(options.automations.length === 0 ? {} : { automations: options.automations }),
    });
    installBasicStandards(factory);
    installBuiltinStandards(factory);
    return factory;
  } catch (error) {
    throw (
      storeRefusal(error, options.storeFlag) ??
      new StartError(`cannot open the factory at ${options.dir}: ${(error as Error).message}`, 1)
    );
  }
}

async function main(): Promise<number> {
  let values: {
    dir?: string;
    store?: string;
    http?: string;
    token?: string;
    host?: string;
    actor?: string;
    instructions?: string;
    tools?: string;
    "import-root"?: string;
    "allowed-host"?: string[];
    "allowed-origin"?: string[];
    "max-connections"?: string;
    automations?: boolean;
    "notify-webhook"?: string;
    "notify-format"?: string;
    init?: boolean;
    help?: boolean;
    version?: boolean;
  };
  try {
    ({ values } = parseArgs({
      args: withWebhookValue(process.argv.slice(2)),
      options: {
        dir: { type: "string" },
        store: { type: "string" },
        http: { type: "string" },
        token: { type: "string" },
        host: { type: "string" },
        actor: { type: "string" },
        instructions: { type: "string" },
        tools: { type: "string" },
        "import-root": { type: "string" },
        "allowed-host": { type: "string", multiple: true },
        "allowed-origin": { type: "string", multiple: true },
        "max-connections": { type: "string" },
        automations: { type: "boolean" },
        "notify-webhook": { type: "string" },
        "notify-format": { type: "string" },
        init: { type: "boolean" },
        help: { type: "boolean", short: "h" },
        version: { type: "boolean", short: "V" },
      },
    }));
  } catch (error) {
    process.stderr.write(`factory-mcp: ${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  // As `factory --help` and `factory -V` print theirs: on stdout, since no protocol is spoken
  // (the usage after a usage error goes to stderr, above).
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  if (values.version) {
    process.stdout.write(`${SERVER_VERSION}\n`);
    return 0;
  }
  const fail = (message: string, code: 1 | 2 = 2) => {
    process.stderr.write(`factory-mcp: ${message}\n`);
    return code;
  };
  // --tools, --import-root and --instructions are checked by the functions `factory mcp` uses, for the same messages.
  const groups = values.tools === undefined ? undefined : toolGroupsOf(values.tools);
  if (groups instanceof Error) return fail(groups.message);
  const importRoot = values["import-root"] === undefined ? undefined : importRootOf(values["import-root"]);
  if (importRoot instanceof Error) return fail(importRoot.message);
  const instructions =
    values.instructions === undefined ? undefined : instructionsRootOf(values.instructions);
  if (instructions instanceof Error) return fail(instructions.message);
  const webhook = values["notify-webhook"];
  const automations = servedAutomationsOf({
    automations: values.automations ?? false,
    ...(webhook === undefined ? {} : { notifyWebhook: webhook === URL_FROM_ENV ? true : webhook }),
    ...(values["notify-format"] === undefined ? {} : { notifyFormat: values["notify-format"] }),
  });
  if (automations instanceof Error) return fail(automations.message);
  const actor = actorOf(values.actor, process.env.FACTORY_ACTOR);
  if (actor instanceof Error) return fail(actor.message);
  const http =
    values.http === undefined
      ? undefined
      : httpSettingsOf({
          port: values.http,
          ...(values.host === undefined ? {} : { host: values.host }),
          ...(values.token === undefined ? {} : { tokenFlag: values.token }),
          ...(process.env.FACTORY_MCP_TOKEN === undefined ? {} : { tokenEnv: process.env.FACTORY_MCP_TOKEN }),
          ...(values["allowed-host"] === undefined ? {} : { allowedHosts: values["allowed-host"] }),
          ...(values["allowed-origin"] === undefined ? {} : { allowedOrigins: values["allowed-origin"] }),
          ...(values["max-connections"] === undefined ? {} : { maxConnections: values["max-connections"] }),
          importGroup: groups?.includes("import") ?? false,
          ...(importRoot === undefined ? {} : { importRoot }),
        });
  if (http instanceof Error) return fail(http.message);
  // Before the factory opens and before the warnings: a --host no resolver knows is a bad flag.
  const unresolved = http === undefined ? undefined : await httpHostRefusal(http);
  if (unresolved !== undefined) return fail(unresolved.message);
  const serverOptions = {
    ...(groups === undefined ? {} : { groups }),
    ...(importRoot === undefined ? {} : { importRoot }),
  };
  // As `factory --store` refuses it: `--store "$URL"` with the variable unset must not quietly open <dir>/factory.db.
  // A blank FACTORY_DATABASE_URL is unset, as `factory` reads it.
  if (values.store !== undefined && values.store.trim() === "") {
    return fail(
      `--store: must not be empty; give a postgres:// URL or a SQLite file (got ${JSON.stringify(values.store)})`,
    );
  }
  const fromFlag = values.store?.trim();
  const store = fromFlag ?? (process.env.FACTORY_DATABASE_URL?.trim() || undefined);
  const storeFlag = fromFlag === undefined ? "FACTORY_DATABASE_URL (--store)" : "--store";
  // As `factory --store` refuses it: a mistyped URL (postgres//u:pw@host/db) must not become a SQLite file at that path.
  const mistyped = store === undefined ? undefined : mistypedStoreUrl(store);
  if (store !== undefined && mistyped !== undefined) {
    return fail(`${storeFlag}: ${mistyped} (got ${redactStore(store)})`);
  }

  try {
    await serveUntilStopped(
      () =>
        openServedFactory({
          dir: values.dir ?? findFactoryFolder() ?? FACTORY_FOLDER,
          actor,
          automations: automations.automations,
          init: values.init ?? false,
          storeFlag,
          ...(store === undefined ? {} : { store }),
          ...(instructions === undefined ? {} : { instructions }),
        }),
      {
        server: serverOptions,
        log: (line) => process.stderr.write(`factory-mcp: ${line}\n`),
        automations,
        ...(http === undefined ? {} : { http }),
      },
    );
  } catch (error) {
    if (error instanceof StartError) return fail(error.message, error.exitCode);
    if (error instanceof ListenError) return fail(error.message);
    throw error;
  }
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`factory-mcp: ${(error as Error).message}\n`);
    process.exit(error instanceof StartError ? error.exitCode : 1);
  },
);
