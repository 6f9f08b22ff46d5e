import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const here = dirname(fileURLToPath(import.meta.url));

describe("examples/intelligence", () => {
  it("runs a custom skill, climbs a scorecard, escalates a signal and loads a SKILL.md folder", () => {
    const result = spawnSync(
      process.execPath,
      ["--conditions=@software-factory/source", "--import", "tsx", join(here, "index.ts")],
      { cwd: join(here, "..", ".."), encoding: "utf8" },
    );
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('triage-signal -> {"line":"checkout","owner":"ana"');
    expect(result.stdout).toContain("refused bad input: text must say what the customer reported");
    expect(result.stdout).toContain("recorded runs: fiona ok, fiona invalid-input");
    expect(result.stdout).toContain("after the floor plan: checkout bronze, search bronze");
    expect(result.stdout).toContain("after a runbook for checkout landed: checkout silver, search bronze");
    expect(result.stdout).toContain("checkout bronze -> silver");
    expect(result.stdout).toContain("inbox of ana: 1 notification(s)");
    expect(result.stdout).toContain("[automation:escalate-urgent-signals] critical signal for checkout");
    expect(result.stdout).toContain("inbox of bo: 0 notification(s)");
    expect(result.stdout).toContain("write-release-notes: instructions only");
    expect(result.stdout).toContain("exported and reloaded: identical");
  });
});
