/**
 * `factory mcp`: serves the factory to coding agents over stdio or Streamable
 * HTTP, with the flags, refusals and shutdown of `factory-mcp` (the MCP
 * package's own checks of `--tools`, `--import-root`, `--instructions`,
 * `--automations`, `--notify-webhook` and the HTTP flags, and its signal handling), logging the store it serves and the transport.
 *
 * @module
 */
import { join, resolve } from "node:path";
import type { Factory } from "@software-factory/intelligence";
import type { FactoryMcpServerOptions, HttpSettings, ServedAutomations } from "@software-factory/mcp";
import type { Command } from "commander";
import { UsageError } from "../exitCodes.js";
import { collect, isPostgresStore } from "../flags.js";
import { action, type CliContext } from "../program.js";
import {
  findFactory,
  type GlobalOptions,
  installFactoryStandards,
  openSessionFactory,
  type SessionExtras,
} from "../Session.js";

/**
 * The tool groups `--help` lists: the MCP package's `TOOL_GROUPS` (a test
 * keeps them equal), written out so that building the program does not load
 * that package; the command checks `--tools` with the package itself.
 */
const GROUPS = "knowledge, floorplan, work, standards, skills, import";

/**
 * Opens the factory to serve, as `factory-mcp` does: with the CLI's gates and
 * standards (so `check_standards` reports what `factory check` does).
 */
async function openServedFactory(options: GlobalOptions, extra: SessionExtras): Promise<Factory> {
  const factory = await openSessionFactory(options, extra);
  try {
    installFactoryStandards(factory);
  } catch (error) {
    await factory.close();
    throw error;
  }
  return factory;
}

/** The local options of `factory mcp`, as commander gives them. */
interface McpFlags {
  readonly http?: string;
  readonly host?: string;
  readonly token?: string;
  readonly allowedHost?: string[];
  readonly allowedOrigin?: string[];
  readonly maxConnections?: string;
  readonly importRoot?: string;
  readonly tools?: string;
  readonly instructions?: string;
  readonly automations?: boolean;
  /** A URL, or true when the flag is given without one (the URL is then FACTORY_NOTIFY_WEBHOOK's). */
  readonly notifyWebhook?: string | true;
  readonly notifyFormat?: string;
  readonly init?: boolean;
}

/** The MCP package, loaded only by this command so the others do not pay for it. */
type McpModule = typeof import("@software-factory/mcp");

/** What to serve once the flags are checked. */
interface Serving {
  readonly factory: GlobalOptions;
  readonly extra: SessionExtras;
  readonly server: FactoryMcpServerOptions;
}

/**
 * The server options of `--tools` and `--import-root`, checked by the MCP
 * package as factory-mcp checks them (same refusals, same messages).
 *
 * @throws UsageError naming the flag that is wrong.
 */
function serverOptions(mcp: McpModule, flags: McpFlags): FactoryMcpServerOptions {
  const groups = flags.tools === undefined ? undefined : mcp.toolGroupsOf(flags.tools);
  if (groups instanceof Error) throw new UsageError(groups.message);
  const importRoot = flags.importRoot === undefined ? undefined : mcp.importRootOf(flags.importRoot);
  if (importRoot instanceof Error) throw new UsageError(importRoot.message);
  return {
    ...(groups === undefined ? {} : { groups }),
    ...(importRoot === undefined ? {} : { importRoot }),
  };
}

/**
 * What the factory opens with besides its options: the repository of
 * `--instructions`, checked by the MCP package as factory-mcp checks it (same
 * refusals, same messages), and the automations of `--automations` and
 * `--notify-webhook`, chosen by the MCP package as factory-mcp chooses them.
 *
 * @throws UsageError naming `--instructions` when it is not a folder, or the
 * `--notify-*` flag that is wrong.
 */
function sessionExtras(
  mcp: McpModule,
  flags: McpFlags,
): { readonly extra: SessionExtras; readonly automations: ServedAutomations } {
  const instructionsFrom =
    flags.instructions === undefined ? undefined : mcp.instructionsRootOf(flags.instructions);
  if (instructionsFrom instanceof Error) throw new UsageError(instructionsFrom.message);
  const automations = mcp.servedAutomationsOf({
    ...(flags.automations === undefined ? {} : { automations: flags.automations }),
    ...(flags.notifyWebhook === undefined ? {} : { notifyWebhook: flags.notifyWebhook }),
    ...(flags.notifyFormat === undefined ? {} : { notifyFormat: flags.notifyFormat }),
  });
  if (automations instanceof Error) throw new UsageError(automations.message);
  const extra = {
    ...(instructionsFrom === undefined ? {} : { instructionsFrom }),
    ...(automations.automations.length === 0 ? {} : { automations: automations.automations }),
  };
  return { extra, automations };
}

/**
 * The HTTP settings of the flags, resolved by the MCP package as factory-mcp
 * resolves them (same refusals with the same messages, same warnings), or
 * undefined without `--http`; a `--host` is looked up, as factory-mcp looks it up.
 *
 * @throws UsageError naming the flag that is wrong, or `--host` when no resolver knows it.
 */
async function httpSettings(
  mcp: McpModule,
  flags: McpFlags,
  server: FactoryMcpServerOptions,
): Promise<HttpSettings | undefined> {
  if (flags.http === undefined) return undefined;
  // Every HTTP flag as given: the MCP package checks them all, as for factory-mcp.
  const settings = mcp.httpSettingsOf({
    port: flags.http,
    ...(flags.host === undefined ? {} : { host: flags.host }),
    ...(flags.token === undefined ? {} : { tokenFlag: flags.token }),
    ...(process.env.FACTORY_MCP_TOKEN === undefined ? {} : { tokenEnv: process.env.FACTORY_MCP_TOKEN }),
    ...(flags.allowedHost === undefined ? {} : { allowedHosts: flags.allowedHost }),
    ...(flags.allowedOrigin === undefined ? {} : { allowedOrigins: flags.allowedOrigin }),
    ...(flags.maxConnections === undefined ? {} : { maxConnections: flags.maxConnections }),
    importGroup: server.groups?.includes("import") ?? false,
    ...(server.importRoot === undefined ? {} : { importRoot: server.importRoot }),
  });
  if (settings instanceof Error) throw new UsageError(settings.message);
  // A --host no resolver knows is refused here, before the factory opens and any warning is printed.
  const unresolved = await mcp.httpHostRefusal(settings);
  if (unresolved !== undefined) throw new UsageError(unresolved.message);
  return settings;
}

/**
 * The store a served factory's log is in, as the log names it: the SQLite
 * file, or the PostgreSQL URL (password redacted) and the schema the server
 * resolved it to (asked once the factory is open, so the schema exists).
 *
 * @throws StoreError when the PostgreSQL server cannot be reached.
 */
async function servedStore(options: GlobalOptions): Promise<string> {
  if (options.store !== undefined && isPostgresStore(options.store))
    return (await findFactory(options)).where;
  return options.store ?? join(resolve(options.dir), "factory.db");
}

/** Registers `factory mcp`. */
export function registerMcp(program: Command, context: CliContext): void {
  program
    .command("mcp")
    .description("serve the factory to coding agents over MCP: stdio by default, Streamable HTTP with --http")
    .option("--http <port>", "serve Streamable HTTP on this port (127.0.0.1 unless --host)")
    .option(
      "--host <host>",
      "interface to listen on with --http (beyond this machine it needs --allowed-host)",
    )
    .option(
      "--token <token>",
      "bearer token clients must send with --http; prefer FACTORY_MCP_TOKEN (a flag shows in ps)",
    )
    .option(
      "--allowed-host <name>",
      "a name clients reach the server by, as in their Host header (repeatable or a comma list)",
      collect,
    )
    .option(
      "--allowed-origin <origin>",
      "a browser origin (or host name) that may call the server (repeatable or a comma list)",
      collect,
    )
    .option("--max-connections <n>", "most connections open at once with --http (default 1024)")
    .option(
      "--import-root <dir>",
      "the folder import_codebase may read under (--tools import over --http needs it)",
    )
    .option(
      "--instructions <repo>",
      "load the repository's Cursor rules, AGENTS.md and CLAUDE.md into context packs",
    )
    .option("--tools <groups>", `tool groups to offer, comma-separated: ${GROUPS} (default all but import)`)
    .option(
      "--automations",
      "run the built-in automations while the server lives (route new signals, notify owners)",
    )
    .option(
      "--notify-webhook [url]",
      "post inbox notifications to this webhook while the server lives (no URL: FACTORY_NOTIFY_WEBHOOK's, kept out of ps); FACTORY_WEBHOOK_SECRET signs them",
    )
    .option("--notify-format <format>", "json (default) or slack: { text } for Slack, Mattermost or Teams")
    .option("--init", "create an empty factory when --dir (or --store) has none, as factory-mcp --init does")
    .action(
      action(context, async ({ options, output }, local) => {
        const flags = local as McpFlags;
        const mcp = await import("@software-factory/mcp");
        const { extra, automations } = sessionExtras(mcp, flags);
        const server = serverOptions(mcp, flags);
        const http = await httpSettings(mcp, flags, server);
        // Refused before the factory opens, as a usage error (exit 2) as factory-mcp does; --init creates it.
        const location = flags.init === true ? undefined : await findFactory(options);
        if (location !== undefined && !location.found) {
          throw new UsageError(
            `no factory at ${location.where}: run \`factory init\` to create it, or add --init to start an empty one`,
          );
        }
        const serving: Serving = {
          factory: flags.init === true ? { ...options, create: true } : options,
          extra,
          server,
        };
        // The path factory-mcp runs: same logs (prefixed with the command), signals and drain.
        await mcp
          .serveUntilStopped(() => openServedFactory(serving.factory, serving.extra), {
            server: serving.server,
            log: (line) => output.error(`factory mcp: ${line}`),
            describe: () => servedStore(serving.factory),
            automations,
            ...(http === undefined ? {} : { http }),
          })
          .catch((error: unknown) => {
            // A port that cannot be listened on is a start-up refusal, exit 2 as in factory-mcp.
            throw error instanceof mcp.ListenError ? new UsageError(error.message) : error;
          });
      }),
    );
}
