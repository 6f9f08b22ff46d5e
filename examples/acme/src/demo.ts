/**
 * The Acme demo: a factory in a temporary folder on the embedded store, the
 * Acme example imported, and every component at work (a search with
 * provenance, an impact report with owners, a signal routed and turned into
 * work, a requirement revised with its suspect links, a gate blocking then
 * passing, the measures); then this SDK's own repository imported as a
 * codebase (lines and their dependencies, owners, blueprints, requirements
 * from its tests); then the factory's MCP server answering a real MCP client
 * over stdio.
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
import { importCodebase, openFactory } from "@software-factory/intelligence";

const example = join(dirname(fileURLToPath(import.meta.url)), "..");
const repoRoot = join(example, "..", "..");
const dir = mkdtempSync(join(tmpdir(), "factory-acme-"));
const sdkDir = mkdtempSync(join(tmpdir(), "factory-sdk-"));
const output = createOutput();
try {
  await runAcmeWalkthrough({ example, output, dir });

  output.line();
  output.line(
    output.style("bold", output.style("cyan", "== Bringing a codebase in: this SDK's own repository ==")),
  );
  const sdk = await openFactory({ dir: sdkDir });
  try {
    const imported = await importCodebase(sdk, repoRoot, { repository: "software-factory-sdk" });
    const { proposal, counts } = imported;
    output.line(
      `${proposal.lines.length} lines, ${proposal.dependencies.length} dependencies, ${proposal.owners.length} owners proposed, ${counts.blueprints.created} blueprints, ${proposal.requirements.length} requirements inferred from tests, ${proposal.documents.length} documents (${imported.events} events)`,
    );
    output.line("lines and what they depend on (`factory floorplan --format mermaid` draws it):");
    for (const line of proposal.lines) {
      const uses = proposal.dependencies.filter((dependency) => dependency.from === line.id);
      output.line(`  ${line.id.padEnd(24)} ${uses.map((dependency) => dependency.to).join(", ") || "-"}`);
    }
    for (const owner of proposal.owners.slice(0, 2)) {
      output.line(
        `owner of ${owner.line}: ${owner.operator} (${owner.evidence.method}: ${owner.evidence.detail ?? ""})`,
      );
    }
    const every = Math.ceil(proposal.requirements.length / 3);
    for (const requirement of proposal.requirements.filter((_, index) => index % every === 0)) {
      output.line(
        `inferred requirement ${requirement.id} (${requirement.framework}, ${requirement.file}): ${requirement.title}`,
      );
    }
    const again = await importCodebase(sdk, repoRoot, { repository: "software-factory-sdk" });
    output.line(
      `imported again: ${again.events} events${again.events === 0 ? " (the repository did not change, so nothing was written)" : ""}`,
    );
  } finally {
    await sdk.close();
  }

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
  // The budget bounds the whole answer (hits as JSON): three hits here take some 520 tokens.
  const budgetTokens = 700;
  const search = await client.callTool({
    name: "search_knowledge",
    arguments: { query: "what do we do when the payment provider is down?", limit: 3, budgetTokens },
  });
  const found = (search.structuredContent ?? {}) as {
    hits?: { title: string; kind: string; source: { system: string } }[];
    tokens?: number;
  };
  for (const hit of found.hits ?? []) {
    output.line(`search_knowledge: ${hit.title} [${hit.kind}, from ${hit.source.system}]`);
  }
  output.line(
    `search_knowledge: ${found.hits?.length ?? 0} hits in ${found.tokens} of ${budgetTokens} tokens`,
  );
  const bad = await client.callTool({ name: "get_line", arguments: { id: "no-such-line" } });
  output.line(
    `a bad call comes back as a result, not a crash: isError=${String(bad.isError)}: ${JSON.stringify(bad.content)}`,
  );
  await client.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
  rmSync(sdkDir, { recursive: true, force: true });
}
