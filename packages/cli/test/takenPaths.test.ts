/**
 * A floor plan import merged after the lines a factory declared, whose broader
 * pattern (CODEOWNERS' default owner `*`, `*.md`) takes a folder or file one
 * of them claimed, warns naming both: the last matching pattern wins, so
 * who-owns answers the imported line from then on.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runFactory } from "./runFactory.js";

const PLAN = `version: 1
product: { id: shop }
operators:
  - { id: ana }
  - { id: cy, handles: { github: "@cy" } }
lines:
  - { id: bench, owner: ana, paths: [/bench/] }
  - { id: cli, owner: ana, paths: [/packages/cli/, /docs/cli.md] }
`;

let cwd: string;
const factory = (...args: string[]) => runFactory(args, { cwd });

interface Problem {
  readonly code: string;
  readonly path: string;
  readonly message: string;
}

/** Imports `codeowners` into a factory of {@link PLAN}, and returns the import's problems of `code`. */
async function importing(codeowners: string, code: string): Promise<Problem[]> {
  writeFileSync(join(cwd, ".github", "CODEOWNERS"), codeowners);
  const imported = await factory("import", "codeowners", "--json");
  expect(imported.code, imported.stderr).toBe(0);
  return (JSON.parse(imported.stdout) as { problems: Problem[] }).problems.filter(
    (problem) => problem.code === code,
  );
}

beforeEach(async () => {
  cwd = mkdtempSync(join(tmpdir(), "factory-cli-taken-paths-"));
  mkdirSync(join(cwd, ".github"));
  writeFileSync(join(cwd, "factory.yaml"), PLAN);
  expect((await factory("init", "--plan", "factory.yaml")).code).toBe(0);
});
afterEach(() => {
  rmSync(cwd, { recursive: true, force: true });
});

describe("a merged floor plan import that takes a declared line's paths", () => {
  it("warns for each folder or file a broader imported pattern takes, at the losing pattern", async () => {
    expect(await importing("* @cy\n*.md @cy\n/packages/cli/ @ana\n", "taken-paths")).toEqual([
      {
        code: "taken-paths",
        severity: "warning",
        path: "lines[0].paths[0]",
        message:
          'line "bench" no longer gets "/bench/": the imported line "all" comes later in the floor plan and its pattern "*" claims it (the last matching pattern wins)',
        hint: 'put "bench" after "all" (apply a factory.yaml that lists it later), or narrow the imported pattern before merging (edit the proposed plan, or import with --out)',
      },
      expect.objectContaining({
        path: "lines[1].paths[1]",
        message:
          'line "cli" no longer gets "/docs/cli.md": the imported line "md" comes later in the floor plan and its pattern "*.md" claims it (the last matching pattern wins)',
      }),
    ]);
    // As the warning says: who-owns answers the imported line now.
    const owner = JSON.parse((await factory("who-owns", "bench/run.ts", "--json")).stdout);
    expect(owner).toEqual([{ path: "bench/run.ts", line: "all", owner: "cy" }]);
  });

  it("says nothing when the imported patterns leave the declared paths alone", async () => {
    expect(await importing("/apps/ @cy\n/docs/guides/ @cy\n", "taken-paths")).toEqual([]);
  });

  it("leaves a pattern imported as it was to the merge's own warning", async () => {
    expect(await importing("/packages/cli/ @cy\n", "taken-paths")).toEqual([]);
    const text = await factory("import", "codeowners");
    expect(text.stdout).toContain('pattern "/packages/cli/" is also claimed by "packages-cli"');
  });
});
