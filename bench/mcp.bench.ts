/**
 * MCP server and CLI start-up, and tool latency: start to first `tools/list`
 * over stdio, the first search after a start, `factory who-owns` and `factory
 * search` from spawn to exit, and the latency of search_knowledge, who_owns
 * and get_context over stdio on a factory of 10,000 documents and 1,000 lines,
 * beside the same calls made in-process; and the size of the `tools/list`
 * answer, per tool, in characters and o200k tokens.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Client } from "@modelcontextprotocol/client";
import { StdioClientTransport } from "@modelcontextprotocol/client/stdio";
import { loadTokenCounter, openFactory } from "@software-factory/intelligence";
import { factoryTools } from "@software-factory/mcp";
import { fillLargeFactory, makeWords } from "./lib/largeFactory.js";
import { ms, percentile, table, writeReport } from "./lib/report.js";

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), "..");
const dir = mkdtempSync(join(tmpdir(), "factory-bench-mcp-"));
const LINES = 1000;
const DOCUMENTS = 10_000;
const CALLS = 200;

// A factory of 1,000 lines in 20 domains and 10,000 notes (bench/lib/largeFactory.ts).
const { pick, random } = makeWords(7);
const factory = await openFactory({ dir, durability: "normal" });
await fillLargeFactory(factory, { lines: LINES, documents: DOCUMENTS });

const calls = {
  search_knowledge: () => ({ query: `${pick()} ${pick()} ${pick()} fails after ${pick()}` }),
  who_owns: () => ({ paths: [`src/line-${Math.floor(random() * LINES)}/file.ts`] }),
  get_context: () => ({ line: `line-${Math.floor(random() * LINES)}`, budgetTokens: 1500 }),
} as const;

const inProcess: Record<string, number[]> = {};
for (const [name, args] of Object.entries(calls)) {
  const tool = factoryTools.find((candidate) => candidate.name === name);
  if (tool === undefined) throw new Error(`no tool ${name}`);
  inProcess[name] = [];
  for (let index = 0; index < CALLS; index += 1) {
    const start = performance.now();
    await tool.run(factory, tool.input.parse(args()));
    inProcess[name]?.push(performance.now() - start);
  }
}
await factory.close();

// The server and the CLI as an agent or a script starts them: the built bins when present, else the sources through tsx.
const built = (bin: string) => existsSync(join(repoRoot, bin));
const fromSources = ["--conditions=@software-factory/source", "--import", "tsx"];
const mcpBin = "packages/mcp/dist/bin.js";
const cliBin = "packages/cli/dist/cli.js";
const serverArgs = built(mcpBin)
  ? [join(repoRoot, mcpBin), "--dir", dir]
  : [...fromSources, join(repoRoot, "packages/mcp/src/bin.ts"), "--dir", dir];
const cliArgs = built(cliBin)
  ? [join(repoRoot, cliBin)]
  : [...fromSources, join(repoRoot, "packages/cli/src/cli.ts")];
const how =
  built(mcpBin) && built(cliBin)
    ? "built bins (`packages/mcp/dist/bin.js`, `packages/cli/dist/cli.js`)"
    : "TypeScript sources through tsx (run `npm run build` first to measure the built bins)";

const STARTS = 7;
const starts: number[] = [];
const firstSearches: number[] = [];
let client: Client | undefined;
for (let round = 0; round < STARTS; round += 1) {
  const start = performance.now();
  const candidate = new Client({ name: "bench", version: "1.0.0" });
  await candidate.connect(
    new StdioClientTransport({ command: process.execPath, args: serverArgs, cwd: repoRoot }),
  );
  await candidate.listTools();
  starts.push(performance.now() - start);
  // The knowledge index loads in the background once the factory is open: the first search waits for what remains.
  const searched = performance.now();
  const first = await candidate.callTool({ name: "search_knowledge", arguments: calls.search_knowledge() });
  firstSearches.push(performance.now() - searched);
  if (first.isError) throw new Error(`first search failed: ${JSON.stringify(first.content)}`);
  if (round < STARTS - 1) await candidate.close();
  else client = candidate;
}

/** Wall time of one CLI run, from spawn to exit; throws when it fails. */
function runCli(args: readonly string[]): number {
  const start = performance.now();
  const run = spawnSync(process.execPath, [...cliArgs, ...args, "--dir", dir], {
    cwd: repoRoot,
    encoding: "utf8",
  });
  const elapsed = performance.now() - start;
  if (run.status !== 0) throw new Error(`factory ${args.join(" ")} exited ${run.status}: ${run.stderr}`);
  return elapsed;
}
const cliRuns = {
  "factory who-owns <path>": () => runCli(["who-owns", `src/line-${Math.floor(random() * LINES)}/file.ts`]),
  "factory search <query>": () => runCli(["search", `${pick()} ${pick()} retry`]),
} as const;
const cliTimes = Object.fromEntries(
  Object.entries(cliRuns).map(([name, run]) => [name, Array.from({ length: STARTS }, run)]),
);

// What a client gets from tools/list: the part Claude Code shows the model (all but outputSchema), and the output schemas.
const counter = await loadTokenCounter("o200k_base");
const { tools: listed } = await (client as Client).listTools();
const toolSizes = listed.map(({ outputSchema, ...shown }) => {
  const head = JSON.stringify(shown);
  const output = outputSchema === undefined ? "" : JSON.stringify(outputSchema);
  return {
    name: shown.name,
    chars: head.length,
    tokens: counter.count(head),
    outputChars: output.length,
    outputTokens: counter.count(output),
  };
});
const wholeList = JSON.stringify({ tools: listed });
const sum = (key: "chars" | "tokens" | "outputChars" | "outputTokens") =>
  toolSizes.reduce((total, tool) => total + tool[key], 0);
const count = (value: number) => value.toLocaleString("en-US");
const TOP_TOOLS = 10;

const overStdio: Record<string, number[]> = {};
for (const [name, args] of Object.entries(calls)) {
  overStdio[name] = [];
  for (let index = 0; index < CALLS; index += 1) {
    const start = performance.now();
    const result = await (client as Client).callTool({ name, arguments: args() });
    overStdio[name]?.push(performance.now() - start);
    if (result.isError) throw new Error(`${name} failed: ${JSON.stringify(result.content)}`);
  }
}
await client?.close();
rmSync(dir, { recursive: true, force: true });

const load = loadavg()
  .map((value) => value.toFixed(1))
  .join(", ");
writeReport("mcp", "MCP server over stdio", [
  `Produced by \`npm run bench -- mcp\`. A factory of ${LINES.toLocaleString("en-US")} lines and ${DOCUMENTS.toLocaleString("en-US")} documents on the embedded SQLite store; the server and the CLI run as child processes from the ${how}; ${CALLS} calls of each tool with varied arguments, one at a time. Load average when the report was written (1, 5, 15 min): ${load}, on a machine shared with other work, so wall times include waiting for a core.`,
  `Start-up: ${STARTS} starts of each. The server opens the factory before it connects its transport, so a start is timed to the first \`tools/list\` answer with the factory open; the knowledge index starts loading right after, while the client reads the tool list, so the first \`search_knowledge\` after a start waits for what remains of that load; later searches are the stdio rows below. The CLI rows open the factory (floor plan from its snapshot) and close it.`,
  table(
    ["measure", "p50 ms", "p99 ms"],
    [
      [
        "factory-mcp: start to first tools/list answer (cold process; the factory opens before the server answers)",
        ms(percentile(starts, 50)),
        ms(percentile(starts, 99)),
      ],
      [
        "factory-mcp: first search_knowledge after tools/list (waits for the knowledge index to finish loading)",
        ms(percentile(firstSearches, 50)),
        ms(percentile(firstSearches, 99)),
      ],
      ...Object.entries(cliTimes).map(([name, times]) => [
        `${name}: start to exit`,
        ms(percentile(times, 50)),
        ms(percentile(times, 99)),
      ]),
    ],
  ),
  table(
    [
      "tool",
      "in-process p50 ms",
      "in-process p99 ms",
      "stdio p50 ms",
      "stdio p99 ms",
      "stdio / in-process (p50)",
    ],
    Object.keys(calls).map((name) => {
      const local = inProcess[name] as number[];
      const remote = overStdio[name] as number[];
      return [
        name,
        ms(percentile(local, 50)),
        ms(percentile(local, 99)),
        ms(percentile(remote, 50)),
        ms(percentile(remote, 99)),
        `${(percentile(remote, 50) / percentile(local, 50)).toFixed(1)}x`,
      ];
    }),
  ),
  `tools/list as the client reads it: ${listed.length} tools (the default groups), ${count(wholeList.length)} characters, ${count(counter.count(wholeList))} o200k tokens. "Shown" is each tool without its output schema (name, title, description, input schema, annotations), what Claude Code puts in the model's context on every request; the output schemas are there for clients that validate answers or show them. The ${TOP_TOOLS} largest tools, then the totals:`,
  table(
    ["tool", "shown chars", "shown tokens", "outputSchema chars", "outputSchema tokens"],
    [
      ...[...toolSizes]
        .sort((a, b) => b.chars + b.outputChars - (a.chars + a.outputChars))
        .slice(0, TOP_TOOLS)
        .map((tool) => [
          tool.name,
          count(tool.chars),
          count(tool.tokens),
          count(tool.outputChars),
          count(tool.outputTokens),
        ]),
      [
        `all ${listed.length} tools`,
        count(sum("chars")),
        count(sum("tokens")),
        count(sum("outputChars")),
        count(sum("outputTokens")),
      ],
    ],
  ),
]);
