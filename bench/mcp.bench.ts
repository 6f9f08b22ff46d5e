/**
 * MCP server: start to first `tools/list` over stdio, and the latency of
 * search_knowledge, who_owns and get_context over stdio on a factory of 10,000
 * documents and 1,000 lines, beside the same calls made in-process.
 */
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Client } from "@modelcontextprotocol/client";
import { StdioClientTransport } from "@modelcontextprotocol/client/stdio";
import { hashJson } from "@software-factory/core";
import { openFactory } from "@software-factory/intelligence";
import { DocumentCaptured } from "@software-factory/knowledge";
import { factoryTools } from "@software-factory/mcp";
import { ms, percentile, table, writeReport } from "./lib/report.js";

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), "..");
const dir = mkdtempSync(join(tmpdir(), "factory-bench-mcp-"));
const LINES = 1000;
const DOCUMENTS = 10_000;
const CALLS = 200;

// A factory of 1,000 lines in 20 domains (each depending on up to 3 earlier
// lines) and 10,000 documents written from a small vocabulary, appended in
// batches of 500 capture events.
const words =
  "checkout payment refund cart order invoice tax shipping search ranking index catalog price discount coupon account login session token password email notification webhook retry timeout latency cache queue worker deploy rollback incident alert metric dashboard report export import csv api schema migration database replica backup".split(
    " ",
  );
let seed = 1;
const random = () => {
  seed = (seed * 48_271) % 2_147_483_647;
  return seed / 2_147_483_647;
};
const pick = () => words[Math.floor(random() * words.length)] as string;
const sentence = (length: number) => Array.from({ length }, pick).join(" ");

const factory = await openFactory({ dir, durability: "normal" });
await factory.floorplan.applyPlan({
  product: { id: "bench" },
  operators: Array.from({ length: 50 }, (_, index) => ({ id: `op-${index}` })),
  domains: Array.from({ length: 20 }, (_, index) => ({ id: `domain-${index}` })),
  lines: Array.from({ length: LINES }, (_, index) => ({
    id: `line-${index}`,
    domain: `domain-${index % 20}`,
    owner: `op-${index % 50}`,
    description: sentence(8),
    paths: [`/src/line-${index}/`],
    dependsOn:
      index === 0
        ? []
        : [...new Set(Array.from({ length: 3 }, () => `line-${Math.floor(random() * index)}`))],
  })),
});
for (let start = 0; start < DOCUMENTS; start += 500) {
  await factory.log.append(
    Array.from({ length: 500 }, (_, offset) => {
      const title = sentence(5);
      const body = `${sentence(60)}\n\n${sentence(60)}`;
      return {
        type: DocumentCaptured.type,
        subject: `doc_bench${start + offset}`,
        data: {
          kind: "note",
          source: { system: "bench" },
          links: [],
          supersedes: [],
          title,
          body,
          contentHash: hashJson({ title, body, decision: null }),
          tags: [],
          lines: [`line-${(start + offset) % LINES}`],
          validFrom: new Date().toISOString(),
        },
      };
    }),
  );
}
await factory.knowledge.sync();

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

// The server as an agent starts it: the built bin when present, else from the sources with tsx.
const built = join(repoRoot, "packages", "mcp", "dist", "bin.js");
const command = existsSync(built)
  ? { args: [built, "--dir", dir], how: "built bin (`packages/mcp/dist/bin.js`)" }
  : {
      args: [
        "--conditions=@software-factory/source",
        "--import",
        "tsx",
        join(repoRoot, "packages/mcp/src/bin.ts"),
        "--dir",
        dir,
      ],
      how: "TypeScript sources through tsx (run `npm run build` first to measure the built bin)",
    };
const starts: number[] = [];
let client: Client | undefined;
for (let round = 0; round < 5; round += 1) {
  const start = performance.now();
  const candidate = new Client({ name: "bench", version: "1.0.0" });
  await candidate.connect(
    new StdioClientTransport({ command: process.execPath, args: command.args, cwd: repoRoot }),
  );
  await candidate.listTools();
  starts.push(performance.now() - start);
  if (round < 4) await candidate.close();
  else client = candidate;
}
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

writeReport("mcp", "MCP server over stdio", [
  `Produced by \`npm run bench -- mcp\`. A factory of ${LINES.toLocaleString("en-US")} lines and ${DOCUMENTS.toLocaleString("en-US")} documents on the embedded SQLite store; the server runs as a child process from the ${command.how}; ${CALLS} calls of each tool with varied arguments, one at a time.`,
  table(
    ["measure", "p50 ms", "p99 ms"],
    [
      [
        "start to first tools/list answer (5 starts, cold factory open included)",
        ms(percentile(starts, 50)),
        ms(percentile(starts, 99)),
      ],
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
]);
