/**
 * `factory plan check` in a git repository also checks that each path pattern
 * of the floor plan matches a file of the repository (a warning, exit 0).
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runFactory } from "./runFactory.js";

let cwd: string;
const factory = (...args: string[]) => runFactory(args, { cwd });

beforeEach(() => {
  cwd = mkdtempSync(join(tmpdir(), "factory-plan-check-paths-"));
  mkdirSync(join(cwd, "web"));
  writeFileSync(join(cwd, "web", "index.html"), "<p>shop</p>\n");
  writeFileSync(
    join(cwd, "factory.yaml"),
    [
      "version: 1",
      "operators: [{ id: ana }]",
      "lines:",
      "  - { id: web, owner: ana, paths: [/web/, /dcos/] }",
      "",
    ].join("\n"),
  );
});
afterEach(() => {
  rmSync(cwd, { recursive: true, force: true });
});

describe("factory plan check", () => {
  it("warns in a git repository about a path pattern that matches none of its files", async () => {
    execFileSync("git", ["init", "-q"], { cwd });
    const checked = await factory("plan", "check", "factory.yaml");
    expect(checked.code).toBe(0);
    expect(checked.stdout).toMatch(
      /^factory\.yaml:4:\d+ warning .*"\/dcos\/".* \[lines\[0\] \(web\)\.paths\[1\]\]/m,
    );
    expect(checked.stdout).toContain("factory.yaml is valid (1 line declared, 1 warning)");
  });

  it("checks no files outside a git repository", async () => {
    expect((await factory("plan", "check", "factory.yaml")).stdout).toBe(
      "factory.yaml is valid (1 line declared, 0 warnings)\n",
    );
  });
});
