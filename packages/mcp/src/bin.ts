/**
 * `factory-mcp`: serves a factory folder over stdio (default) or Streamable HTTP.
 *
 *   factory-mcp [--dir .factory] [--actor id] [--instructions <repo>] [--tools <groups>]
 *               [--http <port> --token <token> [--host 127.0.0.1]]
 *
 * `--instructions` loads a repository's Cursor rules, AGENTS.md and CLAUDE.md
 * into the standards that context packs list. `--tools` chooses the tool
 * groups (knowledge, floorplan, work, standards, skills, import; default all
 * but import). The token may also come from FACTORY_MCP_TOKEN. Logs go to
 * stderr (stdout is the protocol).
 */
import { parseArgs } from "node:util";
import { type Factory, openFactory } from "@software-factory/intelligence";
import { serveHttp } from "./http.js";
import { serveStdio } from "./stdio.js";

const GROUPS = ["knowledge", "floorplan", "work", "standards", "skills", "import"] as const;
type Group = (typeof GROUPS)[number];

/** The tool groups of a comma-separated `--tools` value, or an Error naming the unknown one. */
function toolGroupsOf(value: string): Group[] | Error {
  const groups = value.split(",").map((group) => group.trim());
  const unknown = groups.find((group) => !(GROUPS as readonly string[]).includes(group));
  return unknown === undefined
    ? (groups as Group[])
    : new Error(`unknown tool group "${unknown}"; the groups are ${GROUPS.join(", ")}`);
}

async function main(): Promise<number> {
  let values: {
    dir?: string;
    http?: string;
    token?: string;
    host?: string;
    actor?: string;
    instructions?: string;
    tools?: string;
    help?: boolean;
  };
  try {
    ({ values } = parseArgs({
      options: {
        dir: { type: "string" },
        http: { type: "string" },
        token: { type: "string" },
        host: { type: "string" },
        actor: { type: "string" },
        instructions: { type: "string" },
        tools: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    }));
  } catch (error) {
    process.stderr.write(`factory-mcp: ${(error as Error).message}\n`);
    return 2;
  }
  if (values.help) {
    process.stderr.write(
      "usage: factory-mcp [--dir .factory] [--actor id] [--instructions <repo>] [--tools <groups>] [--http <port> --token <token> [--host 127.0.0.1]]\n",
    );
    return 0;
  }
  const port = values.http === undefined ? undefined : Number(values.http);
  if (port !== undefined && (!Number.isInteger(port) || port < 0 || port > 65_535)) {
    process.stderr.write(`factory-mcp: --http must be a port number, got "${values.http}"\n`);
    return 2;
  }
  const groups = values.tools === undefined ? undefined : toolGroupsOf(values.tools);
  if (groups instanceof Error) {
    process.stderr.write(`factory-mcp: --tools: ${groups.message}\n`);
    return 2;
  }
  const serverOptions = groups === undefined ? {} : { groups };
  const factoryOptions = {
    dir: values.dir ?? ".factory",
    actor: values.actor ?? process.env.FACTORY_ACTOR ?? "mcp",
    ...(values.instructions === undefined ? {} : { instructionsFrom: values.instructions }),
  };
  let opened: Promise<Factory> | undefined;
  const open = () => {
    opened ??= openFactory(factoryOptions).then((factory) => {
      // Load the knowledge index while the agent is idle, so its first search does not wait for it.
      setImmediate(() => void factory.knowledge.sync().catch(() => undefined));
      return factory;
    });
    return opened;
  };
  const close = async () => {
    await (await opened?.catch(() => undefined))?.close();
  };
  const stop = async () => {
    await close();
    process.exit(0);
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  if (port === undefined) {
    // The tool list goes out before the factory opens (the server opens it right after, or when a request needs it).
    await serveStdio(open, serverOptions);
    await close();
    return 0;
  }
  const factory = await open();
  const token = values.token ?? process.env.FACTORY_MCP_TOKEN;
  const server = await serveHttp(
    factory,
    {
      port,
      ...(values.host === undefined ? {} : { host: values.host }),
      ...(token === undefined ? {} : { token }),
    },
    serverOptions,
  );
  process.stderr.write(`factory-mcp: serving ${factory.dir} at ${server.url}\n`);
  return await new Promise<number>(() => undefined);
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`factory-mcp: ${(error as Error).message}\n`);
    process.exit(1);
  },
);
