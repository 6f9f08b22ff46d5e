/**
 * The Acme demo: a factory in a temporary folder on the embedded store, the
 * Acme example imported, and every component at work (a search with
 * provenance, an impact report with owners, a signal routed and turned into
 * work, a requirement revised with its suspect links, a gate blocking then
 * passing, the measures), then the factory's MCP server answering a real MCP
 * client over stdio.
 *
 *   npm run demo                      (from the repository root)
 *   npm run start -w @software-factory/example-acme
 *
 * `factory demo` runs the same walkthrough.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Client } from "@modelcontextprotocol/client";
import { StdioClientTransport } from "@modelcontextprotocol/client/stdio";
import { createOutput, runAcmeWalkthrough } from "@software-factory/cli";

const example = join(dirname(fileURLToPath(import.meta.url)), "..");
const repoRoot = join(example, "..", "..");
const dir = mkdtempSync(join(tmpdir(), "factory-acme-"));
const output = createOutput();
try {
  await runAcmeWalkthrough({ example, output, dir });

  output.line();
  output.line(output.style("bold", output.style("cyan", "== MCP: a coding agent asks the factory ==")));
  // The server as an agent starts it (`factory-mcp --dir <factory>`), here from the sources.
  const client = new Client({ name: "acme-demo-agent", version: "1.0.0" });
  await client.connect(
    new StdioClientTransport({
      command: process.execPath,
      args: [
        "--conditions=@software-factory/source",
        "--import",
        "tsx",
        join(repoRoot, "packages", "mcp", "src", "bin.ts"),
        "--dir",
        dir,
        "--actor",
        "agent",
      ],
      cwd: repoRoot,
    }),
  );
  const { tools } = await client.listTools();
  output.line(`connected over stdio; ${tools.length} tools: ${tools.map((tool) => tool.name).join(", ")}`);
  const who = await client.callTool({
    name: "who_owns",
    arguments: { paths: ["services/checkout/src/cart.ts"] },
  });
  output.line(
    `who_owns services/checkout/src/cart.ts -> ${JSON.stringify((who.structuredContent as { paths?: unknown } | undefined)?.paths)}`,
  );
  const search = await client.callTool({
    name: "search_knowledge",
    arguments: { query: "what do we do when the payment provider is down?", limit: 3, budgetTokens: 400 },
  });
  for (const hit of ((search.structuredContent as { hits?: unknown[] } | undefined)?.hits ?? []) as {
    title: string;
    kind: string;
    source: { system: string };
  }[]) {
    output.line(`search_knowledge: ${hit.title} [${hit.kind}, from ${hit.source.system}]`);
  }
  const bad = await client.callTool({ name: "get_line", arguments: { id: "no-such-line" } });
  output.line(
    `a bad call comes back as a result, not a crash: isError=${String(bad.isError)}: ${JSON.stringify(bad.content)}`,
  );
  await client.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
