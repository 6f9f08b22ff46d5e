import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeRepo, type TestRepo } from "../../intelligence/test/codebase/makeRepo.js";
import { runFactory } from "./runFactory.js";

const dana = { name: "Dana Lee", email: "dana@tools.example" };
const json = (value: unknown) => `${JSON.stringify(value)}\n`;

describe("factory import codebase", () => {
  let repo: TestRepo;
  let cwd: string;

  beforeAll(() => {
    repo = makeRepo([
      {
        author: dana,
        files: {
          "package.json": json({ name: "tools", private: true, workspaces: ["packages/*"] }),
          "packages/api/package.json": json({ name: "@tools/api", description: "The HTTP API." }),
          "packages/api/src/index.ts": "/** Starts the API. */\nexport function start(): void {}\n",
          "packages/web/package.json": json({ name: "@tools/web", dependencies: { "@tools/api": "*" } }),
          "packages/web/src/index.ts":
            'import { start } from "@tools/api";\nexport const boot = () => start();\n',
          "packages/web/src/boot.test.ts":
            'import { it } from "vitest";\nimport { boot } from "./index.js";\nit("boots the web app", () => boot());\n',
        },
      },
    ]);
    cwd = mkdtempSync(join(tmpdir(), "factory-cli-import-"));
  });

  afterAll(() => {
    repo.remove();
    rmSync(cwd, { recursive: true, force: true });
  });

  it("shows a dry run without writing, then imports, then finds nothing new", async () => {
    const dry = await runFactory(["import", "codebase", repo.root, "--dry-run", "--json"], { cwd });
    expect(dry.stderr).toBe("");
    expect(dry.code).toBe(0);
    // The dry run previews an import into a new factory without creating it.
    expect(existsSync(join(cwd, ".factory"))).toBe(false);
    const dryStore = await runFactory(
      ["--store", "elsewhere.db", "import", "codebase", repo.root, "--dry-run"],
      { cwd },
    );
    expect(dryStore.code, dryStore.stderr).toBe(0);
    // Off a terminal the output is the summary alone: no phase times, which differ from run to run.
    expect(dryStore.stdout).toMatch(/^\S+: would import \(dry run, nothing written\)/);
    expect(dryStore.stdout).not.toMatch(/\d ms$/m);
    expect(existsSync(join(cwd, "elsewhere.db"))).toBe(false);
    expect(existsSync(join(cwd, ".factory"))).toBe(false);
    const proposal = JSON.parse(dry.stdout);
    expect(proposal.dryRun).toBe(true);
    expect(proposal.events).toBe(0);
    expect(proposal.counts.lines.created).toBe(2);
    expect(proposal.proposal.owners.map((owner: { email: string }) => owner.email)).toEqual([
      dana.email,
      dana.email,
    ]);

    const imported = await runFactory(["import", "codebase", repo.root, "--mermaid", "plan.mmd"], { cwd });
    expect(imported.code).toBe(0);
    expect(imported.stdout).toMatch(/imported/);
    expect(imported.stdout).toMatch(/lines\s+2\s+2 new/);
    expect(imported.stdout).toMatch(/requirements\s+1\s+1 new/);
    expect(readFileSync(join(cwd, "plan.mmd"), "utf8")).toMatch(/^flowchart/);

    const who = await runFactory(["who-owns", "packages/web/src/index.ts", "--json"], { cwd });
    expect(who.code).toBe(0);
    expect(who.stdout).toContain("dana");

    const again = await runFactory(["import", "codebase", repo.root, "--json"], { cwd });
    expect(JSON.parse(again.stdout).events).toBe(0);
  });

  it("names the flag that is wrong", async () => {
    const bad = await runFactory(["import", "codebase", repo.root, "--max-commits", "lots"], { cwd });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--max-commits");

    const missing = await runFactory(["import", "codebase", join(cwd, "nope")], { cwd });
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toContain("does not exist");
  });
});
