import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runFactory } from "./runFactory.js";

let cwd: string;

beforeEach(() => {
  cwd = mkdtempSync(join(tmpdir(), "factory-demo-"));
});

afterEach(() => {
  rmSync(cwd, { recursive: true, force: true });
});

describe("factory demo", () => {
  it("walks through the Acme example: search, impact, routing, suspect links, a gate, measures", {
    timeout: 300_000,
  }, async () => {
    const result = await runFactory(["demo", "--keep", join(cwd, "acme")], { cwd });
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    const out = result.stdout;
    expect(out).toContain("applied factory.yaml: 5 domains, 20 lines, 8 operators");
    expect(out).toMatch(/imported: 52 documents, 8 decisions, 0 problems/);
    expect(out).toContain("Discovery: where mobile shoppers leave checkout");
    expect(out).toContain("checkout depends on payments (api, high), which changed");
    expect(out).toMatch(/routed to checkout 45 minutes after capture; work item wi_\w+ created for olivia/);
    expect(out).toMatch(/revised REQ-CHK-12 \(v2.*\): 4 links suspect/);
    expect(out).toContain("refused entry to release:");
    expect(out).toContain("-> release");
    expect(out).toMatch(/yield \(line operators\)\s+0% first-pass of 1 delivered/);
    // The factory's clock plays a week, so the durations are a week's, not the run's seconds.
    expect(out).toMatch(/clock: the factory plays Acme's week, \d{4}-\d\d-\d\d to \d{4}-\d\d-\d\d/);
    expect(out).toContain("lead time p50 53.4 h");
    expect(out).toContain("median 45 min to route");

    // The factory the demo kept is a normal factory the other commands read.
    const work = await runFactory(
      ["--dir", join(cwd, "acme"), "work", "list", "--state", "blocked", "--json"],
      { cwd },
    );
    expect(JSON.parse(work.stdout).map((item: { title: string }) => item.title)).toEqual([
      "Four fixed staff roles",
    ]);
    const metrics = await runFactory(["--dir", join(cwd, "acme"), "metrics"], { cwd });
    expect(metrics.stdout).toContain("lead time p50 53.4 h");
  });

  it("exits 1 with one clear line when the example cannot be found", async () => {
    const result = await runFactory(["demo", "--example", join(cwd, "nowhere")], { cwd });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      `error: E_NOT_FOUND: --example: no file ${join(cwd, "nowhere", "factory.yaml")}\n`,
    );
    expect(result.stdout).toBe("");
  });
});
