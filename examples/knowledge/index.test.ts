import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const here = dirname(fileURLToPath(import.meta.url));

describe("examples/knowledge", () => {
  it("imports the notes, answers with provenance, supersedes the old strategy, and answers as of a date before the new one", () => {
    const result = spawnSync(
      process.execPath,
      ["--conditions=@software-factory/source", "--import", "tsx", join(here, "index.ts")],
      { cwd: join(here, "..", ".."), encoding: "utf8" },
    );
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    const out = result.stdout;
    expect(out).toContain("imported: 3 captured, 0 revised, 0 problems");
    expect(out).toContain(
      "Call with Globex procurement [conversation; sam, 2025-03-04, calls/globex-2025-03.md]",
    );
    expect(out).toContain("Runbook - CSV export timeouts [runbook; lee, 2025-03-10, runbook-exports.md]");
    const [, before, after, asOf] = out.split("? how do we price the product?");
    expect(before).toContain("Pricing strategy 2025 [strategy; maria, 2025-01-15, pricing.md]");
    expect(after).toContain("Pricing strategy 2026 [strategy; maria, 2026-01-20, board-meeting]");
    expect(after).not.toContain("Pricing strategy 2025");
    expect(asOf).toContain("(as of 2025-06-01T00:00:00Z)");
    expect(asOf).toContain("Pricing strategy 2025 [strategy; maria, 2025-01-15, pricing.md]");
    expect(asOf).not.toContain("Pricing strategy 2026");
  });
});
