/**
 * A floor plan import written with `--out` is a factory.yaml that stands on
 * its own: the operators the factory already has and the proposal names are
 * declared in it, so `factory plan check` passes on it.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runFactory } from "./runFactory.js";

let cwd: string;
const factory = (...args: string[]) => runFactory(args, { cwd });

beforeEach(async () => {
  cwd = mkdtempSync(join(tmpdir(), "factory-import-out-"));
  writeFileSync(
    join(cwd, "factory.yaml"),
    [
      "version: 1",
      "operators:",
      '  - { id: ana, roles: [line, factory], handles: { github: "@ana" } }',
      "lines:",
      "  - { id: shop, owner: ana, paths: [/shop/] }",
      "",
    ].join("\n"),
  );
  expect((await factory("init", "--plan", "factory.yaml")).code).toBe(0);
});
afterEach(() => {
  rmSync(cwd, { recursive: true, force: true });
});

describe("floor plan imports with --out", () => {
  it("declare the known operators a CODEOWNERS proposal names, as the factory declares them", async () => {
    writeFileSync(join(cwd, "CODEOWNERS"), "/web/ @ana @bo\n");
    expect((await factory("import", "codeowners", "--out", "proposed.yaml")).code).toBe(0);
    const checked = await factory("plan", "check", "proposed.yaml");
    expect(checked.stdout).toBe("proposed.yaml is valid (1 line declared, 0 warnings)\n");
    expect(checked.code).toBe(0);
    expect(readFileSync(join(cwd, "proposed.yaml"), "utf8")).toMatch(
      /- id: ana\n\s+roles:\n\s+- line\n\s+- factory/,
    );
  });

  it("declare a known --owner of workspace packages", async () => {
    writeFileSync(join(cwd, "package.json"), JSON.stringify({ name: "root", workspaces: ["p/*"] }));
    mkdirSync(join(cwd, "p", "x"), { recursive: true });
    writeFileSync(join(cwd, "p", "x", "package.json"), JSON.stringify({ name: "x" }));
    expect((await factory("import", "workspaces", "--owner", "ana", "--out", "proposed.yaml")).code).toBe(0);
    const checked = await factory("plan", "check", "proposed.yaml");
    expect(checked.stdout).toBe("proposed.yaml is valid (1 line declared, 0 warnings)\n");
  });
});
