import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const here = dirname(fileURLToPath(import.meta.url));

describe("examples/assembly", () => {
  it("takes a signal to a released feature, clearing the suspect links a revised requirement made", () => {
    const result = spawnSync(
      process.execPath,
      ["--conditions=@software-factory/source", "--import", "tsx", join(here, "index.ts")],
      { cwd: join(here, "..", ".."), encoding: "utf8" },
    );
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    expect(result.stdout).toContain("reflowed REQ-4: version 2, 0 links suspect");
    expect(result.stdout).toContain("revised REQ-4 (v3): 5 links suspect");
    expect(result.stdout).toContain("refused: 5 suspect links");
    expect(result.stdout).toContain("reviewed: 0 suspect links left");
    expect(result.stdout).toContain(
      "trace: 1 signal, requirement -> design -> adr -> changeSet -> testEvidence -> feedback",
    );
    expect(result.stdout).toContain(
      'suspect: design "Signed link tokens" derivesFrom requirement "Pay by link" (1 hop(s) from REQ-4)',
    );
    expect(result.stdout).toContain(
      "yield: 0 of 1 delivered first pass (1 gate failure, 2 links adapted, 0 send-backs)",
    );
    expect(result.stdout).toContain("lead time 28 h");
  });
});
