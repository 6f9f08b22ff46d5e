/**
 * `factory mcp`: serves the factory to coding agents over stdio or Streamable HTTP.
 *
 * @module
 */
import { statSync } from "node:fs";
import { resolve } from "node:path";
import { builtinAutomations, type Factory } from "@software-factory/intelligence";
import type { Command } from "commander";
import { z } from "zod";
import { UsageError } from "../exitCodes.js";
import { FolderFlag, parseFlag } from "../flags.js";
import { action, type CliContext } from "../program.js";
import {
  findFactory,
  type GlobalOptions,
  installFactoryStandards,
  openSessionFactory,
  type SessionExtras,
} from "../Session.js";

const PortSchema = z.coerce.number().int().min(0).max(65_535);
const GROUPS = ["knowledge", "floorplan", "work", "standards", "skills", "import"] as const;
const ToolGroupsSchema = z
  .string()
  .transform((value) => value.split(",").map((group) => group.trim()))
  .pipe(z.array(z.enum(GROUPS, { message: `tool groups are ${GROUPS.join(", ")}` })).min(1));

/**
 * Opens the factory to serve, as `factory-mcp` does: with the CLI's gates and
 * standards (so `check_standards` reports what `factory check` does), and the
 * knowledge index loading in the background while the agent reads the tool
 * list, so its first search does not wait for it.
 */
async function openServedFactory(options: GlobalOptions, extra: SessionExtras): Promise<Factory> {
  const factory = await openSessionFactory(options, extra);
  try {
    installFactoryStandards(factory);
  } catch (error) {
    await factory.close();
    throw error;
  }
  setImmediate(() => void factory.knowledge.sync().catch(() => undefined));
  return factory;
}

/** Registers `factory mcp`. */
export function registerMcp(program: Command, context: CliContext): void {
  program
    .command("mcp")
    .description("serve the factory to coding agents over MCP: stdio by default, Streamable HTTP with --http")
    .option("--http <port>", "serve Streamable HTTP on this port (127.0.0.1 unless --host)")
    .option("--host <host>", "interface to listen on with --http")
    .option("--token <token>", "bearer token clients must send with --http (default FACTORY_MCP_TOKEN)")
    .option(
      "--instructions <repo>",
      "load the repository's Cursor rules, AGENTS.md and CLAUDE.md into context packs",
    )
    .option(
      "--tools <groups>",
      `tool groups to offer, comma-separated (${GROUPS.join(", ")}; default all but import)`,
    )
    .option(
      "--automations",
      "run the built-in automations while the server lives (route new signals, notify owners)",
    )
    .option("--init", "create an empty factory when --dir (or --store) has none, as factory-mcp --init does")
    .action(
      action(context, async ({ options, output }, local) => {
        const { http, host, token, tools, instructions, automations, init } = local as {
          http?: string;
          host?: string;
          token?: string;
          tools?: string;
          instructions?: string;
          automations?: boolean;
          init?: boolean;
        };
        if (statSync(resolve(options.dir), { throwIfNoEntry: false })?.isFile() === true)
          throw new UsageError(
            `--dir ${options.dir} is a file, not a factory folder (the folder that holds factory.db; \`factory init\` makes one)`,
          );
        const extra: SessionExtras = {
          ...(instructions === undefined
            ? {}
            : { instructionsFrom: parseFlag(FolderFlag, instructions, "--instructions") }),
          ...(automations === true ? { automations: builtinAutomations } : {}),
        };
        const groups = tools === undefined ? undefined : parseFlag(ToolGroupsSchema, tools, "--tools");
        const serverOptions = groups === undefined ? {} : { groups };
        const port = http === undefined ? undefined : PortSchema.safeParse(http);
        if (port !== undefined && !port.success)
          throw new UsageError(`--http must be a port number, got "${http}"`);
        // An empty token is no token, in the flag as in the environment (as factory-mcp reads them).
        const bearer = token || process.env.FACTORY_MCP_TOKEN || undefined;
        if (port !== undefined && bearer === undefined) {
          throw new UsageError(
            "--http needs --token <token> or FACTORY_MCP_TOKEN (clients send it as a bearer token)",
          );
        }
        // Refused before the MCP server is even loaded, as a usage error (exit 2) as factory-mcp does; --init creates it.
        const location = init === true ? undefined : await findFactory(options);
        if (location !== undefined && !location.found) {
          throw new UsageError(
            `no factory at ${location.where}: run \`factory init\` to create it, or add --init to start an empty one`,
          );
        }
        const served: GlobalOptions = init === true ? { ...options, create: true } : options;
        // The MCP server is loaded only by this command, so the others do not pay for it.
        const { serveHttp, serveStdio } = await import("@software-factory/mcp");
        if (port === undefined) {
          // The server speaks only once the factory is open, so a factory that cannot open fails before any client sees a tool.
          let opened: Factory | undefined;
          try {
            await serveStdio(async () => {
              opened = await openServedFactory(served, extra);
              return opened;
            }, serverOptions);
          } finally {
            await opened?.close();
          }
          return;
        }
        const factory = await openServedFactory(served, extra);
        const server = await serveHttp(
          factory,
          { port: port.data, token: bearer as string, ...(host === undefined ? {} : { host }) },
          serverOptions,
        ).catch(async (error: unknown) => {
          await factory.close();
          throw new Error(`cannot serve HTTP on port ${port.data}: ${(error as Error).message}`, {
            cause: error,
          });
        });
        output.error(`serving ${factory.dir} at ${server.url} (Ctrl-C stops)`);
        await new Promise<void>((done) => {
          const stop = () => done();
          process.once("SIGINT", stop);
          process.once("SIGTERM", stop);
        });
        await server.close();
        await factory.close();
      }),
    );
}
