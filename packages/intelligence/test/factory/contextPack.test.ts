import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  contextPackMarkdown,
  estimateTokenCounter,
  type Factory,
  openFactory,
} from "@software-factory/intelligence";
import { afterEach, describe, expect, it } from "vitest";

const dirs: string[] = [];
const factories: Factory[] = [];
afterEach(async () => {
  for (const factory of factories.splice(0)) await factory.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function temp(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
}

function write(root: string, path: string, text: string): void {
  mkdirSync(join(root, path, ".."), { recursive: true });
  writeFileSync(join(root, path), text);
}

/** A repository with a Cursor rule for the web package, one for the API, and an AGENTS.md that always applies. */
function repoWithRules(): string {
  const root = temp("factory-rules-");
  write(
    root,
    ".cursor/rules/web.mdc",
    "---\ndescription: Web components\nglobs: packages/web/**/*.tsx\nalwaysApply: false\n---\nUse function components and keep state in hooks.\n",
  );
  write(
    root,
    ".cursor/rules/api.mdc",
    "---\ndescription: API handlers\nglobs: packages/api/**\nalwaysApply: false\n---\nValidate every request body with zod.\n",
  );
  write(root, "AGENTS.md", "# Agents\n\n## Commits\n\nWrite commit messages in the imperative mood.\n");
  return root;
}

async function factoryOver(repo: string): Promise<Factory> {
  const factory = await openFactory({ dir: temp("factory-pack-"), instructionsFrom: repo });
  factories.push(factory);
  await factory.floorplan.applyPlan({
    operators: [{ id: "ana" }, { id: "bo" }],
    lines: [
      { id: "web", owner: "ana", paths: ["/packages/web/"], description: "The web app", dependsOn: ["api"] },
      { id: "api", owner: "bo", paths: ["/packages/api/"], description: "The HTTP API" },
    ],
  });
  await factory.knowledge.capture({
    kind: "decision",
    title: "Render the web app on the server",
    body: "The web app renders on the server for first paint.",
    source: { system: "meeting", author: "ana" },
    lines: ["web"],
    decision: { status: "accepted", context: "slow first paint", decision: "server rendering" },
  });
  return factory;
}

describe("context packs", () => {
  it("list the instructions of rule files that apply to the line or paths, not the others", async () => {
    const factory = await factoryOver(repoWithRules());

    const forLine = await factory.context({ line: "web" });
    const forPath = await factory.context({ paths: ["packages/api/src/orders.ts"] });

    const ids = (pack: typeof forLine) => pack.standards.instructions.map((standard) => standard.description);
    expect(ids(forLine)).toEqual(expect.arrayContaining(["Web components", "Commits"]));
    expect(ids(forLine)).not.toContain("API handlers");
    expect(ids(forPath)).toEqual(expect.arrayContaining(["API handlers", "Commits"]));
    expect(ids(forPath)).not.toContain("Web components");
  });

  it("keep instructions and knowledge together within the budget", async () => {
    const factory = await factoryOver(repoWithRules());
    const budget = 60;

    const pack = await factory.context({ line: "web", budgetTokens: budget });

    const used =
      pack.standards.instructions.reduce(
        (sum, standard) =>
          sum +
          estimateTokenCounter.count(standard.description ?? standard.id) +
          estimateTokenCounter.count(standard.instructions) +
          8,
        0,
      ) + pack.knowledge.reduce((sum, hit) => sum + hit.tokens, 0);
    expect(used).toBeLessThanOrEqual(budget);
    expect(pack.standards.instructions.length).toBeGreaterThan(0);
  });

  it("render as markdown with the lines, standards and knowledge", async () => {
    const factory = await factoryOver(repoWithRules());

    const markdown = contextPackMarkdown(await factory.context({ line: "web", budgetTokens: 2000 }));

    expect(markdown).toContain("### web (`web`)");
    expect(markdown).toContain("- Owner: ana");
    expect(markdown).toContain("- Depends on: api");
    expect(markdown).toContain("Use function components");
    expect(markdown).toContain("Render the web app on the server [decision");
    expect(markdown).toContain("From meeting by ana.");
  });

  it("refuse to open a factory over a malformed rule file, naming its place", async () => {
    const repo = temp("factory-bad-rules-");
    write(repo, ".cursor/rules/bad.mdc", "---\ndescription: Broken\nalwaysApply: maybe\n---\nText.\n");

    await expect(openFactory({ dir: temp("factory-pack-"), instructionsFrom: repo })).rejects.toThrow(
      /bad\.mdc:3:\d+/,
    );
  });
});
