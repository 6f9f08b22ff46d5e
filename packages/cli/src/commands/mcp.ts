/**
 * `factory mcp`: serves the factory to coding agents over stdio or Streamable HTTP.
 *
 * @module
 */
import type { Factory } from "@software-factory/intelligence";
import type { Command } from "commander";
import { z } from "zod";
import { UsageError } from "../exitCodes.js";
import { parseFlag } from "../flags.js";
import { action, type CliContext } from "../program.js";
import { assertFactoryExists, openSessionFactory } from "../Session.js";

const PortSchema = z.coerce.number().int().min(0).max(65_535);
const GROUPS = ["knowledge", "floorplan", "work", "standards", "skills", "import"] as const;
const ToolGroupsSchema = z
  .string()
  .transform((value) => value.split(",").map((group) => group.trim()))
  .pipe(z.array(z.enum(GROUPS, { message: `tool groups are ${GROUPS.join(", ")}` })).min(1));

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
    .action(
      action(context, async ({ options, output }, local) => {
        const { http, host, token, tools, instructions } = local as {
          http?: string;
          host?: string;
          token?: string;
          tools?: string;
          instructions?: string;
        };
        const extra = instructions === undefined ? {} : { instructionsFrom: instructions };
        const groups = tools === undefined ? undefined : parseFlag(ToolGroupsSchema, tools, "--tools");
        const serverOptions = groups === undefined ? {} : { groups };
        const port = http === undefined ? undefined : PortSchema.safeParse(http);
        if (port !== undefined && !port.success)
          throw new UsageError(`--http must be a port number, got "${http}"`);
        const bearer = token ?? process.env.FACTORY_MCP_TOKEN;
        if (port !== undefined && bearer === undefined) {
          throw new UsageError(
            "--http needs --token <token> or FACTORY_MCP_TOKEN (clients send it as a bearer token)",
          );
        }
        // Refused before serving: stdio opens the factory only after the handshake.
        assertFactoryExists(options);
        // The MCP server is loaded only by this command, so the others do not pay for it.
        const { serveHttp, serveStdio } = await import("@software-factory/mcp");
        if (port === undefined) {
          // Answers the handshake and the tool list while the factory opens.
          let opened: Factory | undefined;
          try {
            await serveStdio(async () => {
              opened = await openSessionFactory(options, extra);
              return opened;
            }, serverOptions);
          } finally {
            await opened?.close();
          }
          return;
        }
        const factory = await openSessionFactory(options, extra);
        const server = await serveHttp(
          factory,
          { port: port.data, token: bearer as string, ...(host === undefined ? {} : { host }) },
          serverOptions,
        );
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
