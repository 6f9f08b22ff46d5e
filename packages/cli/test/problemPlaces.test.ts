/**
 * Floor plan problems printed by `plan check`, `plan apply` and the imports
 * name the entry their path points into (`lines[3] (x)`), not only its index.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runFactory } from "./runFactory.js";

let cwd: string;
const factory = (...args: string[]) => runFactory(args, { cwd });

beforeEach(() => {
  cwd = mkdtempSync(join(tmpdir(), "factory-problem-places-"));
});
afterEach(() => {
  rmSync(cwd, { recursive: true, force: true });
});

/** Writes `text` to `path` under the working folder, making its folder. */
function write(path: string, text: string): void {
  mkdirSync(join(cwd, path, ".."), { recursive: true });
  writeFileSync(join(cwd, path), text);
}

describe("floor plan problems in the CLI's output", () => {
  it("name the line of a merged import's warning by id, where its index counts lines the import never proposed", async () => {
    write(".github/CODEOWNERS", "/a/ @ana\n/b/ @ana\n/c/ @bo\n");
    expect((await factory("import", "codeowners")).code).toBe(0);
    write("package.json", JSON.stringify({ name: "root", workspaces: ["p/*"] }));
    write("p/x/package.json", JSON.stringify({ name: "x" }));
    const imported = await factory("import", "workspaces");
    expect(imported.code).toBe(0);
    expect(imported.stdout).toContain('warning line "x" has no owner [lines[3] (x)]');
  });

  it("name the line of a factory.yaml warning beside its position", async () => {
    write(
      "factory.yaml",
      [
        "version: 1",
        "settings: { cycles: warning }",
        "operators: [{ id: ana }]",
        "lines:",
        "  - { id: a, owner: ana, paths: [/a/], dependsOn: [b] }",
        "  - { id: b, owner: ana, paths: [/b/], dependsOn: [a] }",
        "",
      ].join("\n"),
    );
    const checked = await factory("plan", "check", "factory.yaml");
    expect(checked.stdout).toMatch(
      /^factory\.yaml:5:\d+ warning dependency cycle: a -> b -> a \[lines\[0\] \(a\)\.dependsOn\[0\]\]/m,
    );
    const applied = await factory("plan", "apply", "factory.yaml");
    expect(applied.stdout).toContain("[lines[0] (a).dependsOn[0]]");
    expect(
      JSON.parse((await factory("plan", "check", "factory.yaml", "--json")).stdout).problems[0].path,
    ).toBe("lines[0].dependsOn[0]");
  });
});
