import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const here = dirname(fileURLToPath(import.meta.url));

describe("examples/floorplan", () => {
  it("loads factory.yaml, answers ownership and impact, and writes a Mermaid diagram in its temporary folder", () => {
    const result = spawnSync(
      process.execPath,
      ["--conditions=@software-factory/source", "--import", "tsx", join(here, "index.ts")],
      {
        cwd: join(here, "..", ".."),
        encoding: "utf8",
      },
    );
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/applied factory.yaml: \d+ changes in one batch/);
    expect(result.stdout).toContain("applied it again: 0 changes");
    expect(result.stdout).toContain(
      "services/payments/src/charge.ts            payments (@chen) via /services/payments/",
    );
    expect(result.stdout).toContain(
      "[1] checkout (high): checkout depends on payments (api, high), which changed",
    );
    expect(result.stdout).toContain("@chen (high): changed payments; affected -");
    expect(result.stdout).toContain(
      "health: 1 cycle(s): checkout -> payments -> ledger -> orders -> checkout",
    );
    const written = /^wrote (.+floorplan\.mmd)$/m.exec(result.stdout)?.[1];
    expect(written?.startsWith(tmpdir())).toBe(true);
    const folder = dirname(written as string);
    try {
      const diagram = readFileSync(written as string, "utf8");
      expect(diagram).toContain('subgraph d_commerce["Commerce"]');
      expect(diagram).toContain("l_checkout ==>|api| l_payments");
      expect(existsSync(join(folder, ".factory"))).toBe(false);
      expect(existsSync(join(here, "floorplan.mmd"))).toBe(false);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
