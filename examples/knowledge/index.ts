/**
 * A knowledge base from a folder of notes: import, ask, see where each answer
 * came from, supersede a fact, and ask what was true before.
 *
 *   npm run start -w @software-factory/example-knowledge
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { openEventLog } from "@software-factory/core";
import { importMarkdownFolder, openKnowledgeBase } from "@software-factory/knowledge";

const here = dirname(fileURLToPath(import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "factory-knowledge-example-"));
const log = await openEventLog({ path: join(dir, "factory.db") });
const kb = await openKnowledgeBase({ log, dir: join(dir, "cache") });

const report = await importMarkdownFolder(kb, join(here, "notes"), { system: "notes" });
console.log(
  `imported: ${report.captured} captured, ${report.revised} revised, ${report.problems.length} problems`,
);

async function ask(question: string, options: Parameters<typeof kb.search>[1] = {}): Promise<void> {
  const { hits } = await kb.search(question, { limit: 2, ...options });
  console.log(`\n? ${question}${options.asOf === undefined ? "" : ` (as of ${options.asOf})`}`);
  for (const hit of hits) {
    const { source } = hit.document;
    console.log(
      `  ${hit.document.title} [${hit.document.kind}; ${source.author ?? "?"}, ${source.capturedAt?.slice(0, 10) ?? "?"}, ${source.uri ?? source.system}]`,
    );
    console.log(`    ${hit.snippet}`);
  }
}

await ask("how do we price the product?");
await ask("what does Globex need before renewal?");
await ask("exportOrders times out", { kinds: ["runbook"] });

// Pricing changes: the new strategy supersedes the old one; nothing is deleted.
const old = await kb.bySource("notes", "pricing.md");
if (old === undefined) throw new Error("pricing.md was not imported");
const next = await kb.supersede(old.id, {
  kind: "strategy",
  title: "Pricing strategy 2026",
  body: "We move to **usage-based** pricing per order processed, with a minimum monthly fee.",
  source: { system: "board-meeting", author: "maria", capturedAt: "2026-01-20T00:00:00Z" },
  lines: ["billing"],
});
console.log(
  `\nsuperseded "${old.title}" with "${next.title}"; the old one is kept, for questions about the past`,
);
await ask("how do we price the product?");
await ask("how do we price the product?", { asOf: "2025-06-01T00:00:00Z" });

await kb.close();
await log.close();
rmSync(dir, { recursive: true, force: true });
