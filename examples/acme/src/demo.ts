/**
 * The Acme demo: a factory in a temporary folder on the embedded store, the
 * Acme example imported, and every component at work (a search with
 * provenance, an impact report with owners, a signal routed and turned into
 * work, a requirement revised with its suspect links, a gate blocking then
 * passing, the measures).
 *
 *   npm run demo                      (from the repository root)
 *   npm run start -w @software-factory/example-acme
 *
 * `factory demo` runs the same walkthrough.
 */
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { createOutput, runAcmeWalkthrough } from "@software-factory/cli";

const example = join(dirname(fileURLToPath(import.meta.url)), "..");
await runAcmeWalkthrough({ example, output: createOutput() });

// The walkthrough ends before the MCP step: the factory's MCP server answering a
// real MCP client over stdio is added here with packages/mcp (issue 7, part 1).
