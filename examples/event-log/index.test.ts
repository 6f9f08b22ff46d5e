import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const here = dirname(fileURLToPath(import.meta.url));

describe("examples/event-log", () => {
  it("appends a batch once despite a retry, refuses bad input and a stale head, reads back and follows live", () => {
    const result = spawnSync(
      process.execPath,
      ["--conditions=@software-factory/source", "--import", "tsx", join(here, "index.ts")],
      { cwd: join(here, "..", ".."), encoding: "utf8" },
    );
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    const out = result.stdout;
    // Live events arrive as the subscription delivers them, between the other lines or after them.
    const live = out.split("\n").filter((line) => line.startsWith("  live: "));
    expect(live).toEqual([
      "  live: #1 signal.captured sig_1 by dana",
      "  live: #2 signal.routed sig_1 by dana",
    ]);
    expect(out).toContain("appended 2 events; the retry returned the same positions: 1, 2");
    expect(out).toMatch(
      /^rejected bad input \(E_VALIDATION\): event "signal.captured" is invalid: data.text/m,
    );
    expect(out).toContain(
      "optimistic concurrency (E_CONCURRENCY_CONFLICT): expected the log head at 1 but it is at 2",
    );
    expect(out).toMatch(
      /head is at 2; events about sig_1:\n {2}#1 \S+ signal.captured .*\n {2}#2 \S+ signal.routed/,
    );
  });
});
