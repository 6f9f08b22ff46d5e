import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ValidationError } from "@software-factory/core";
import {
  importBackstage,
  importWorkspaces,
  loadFactoryYaml,
  safeLoadFactoryYaml,
} from "@software-factory/floorplan";
import { afterEach, describe, expect, it } from "vitest";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "factory-source-errors-"));
  dirs.push(dir);
  return dir;
}

/** YAML whose aliases expand to 9^9 strings: a "billion laughs". */
const ALIAS_BOMB = [
  'a: &a ["x", "x", "x", "x", "x", "x", "x", "x", "x"]',
  ..."bcdefghi".split("").map((name, index) => {
    const previous = `*${"abcdefgh"[index]}`;
    return `${name}: &${name} [${Array(9).fill(previous).join(", ")}]`;
  }),
].join("\n");

describe("a factory.yaml path that is not a text file", () => {
  it("is a problem naming a folder, and loadFactoryYaml throws it as a ValidationError", async () => {
    const folder = join(tempDir(), "plans");
    mkdirSync(folder);
    const result = await safeLoadFactoryYaml(folder);
    expect(result.success).toBe(false);
    expect(result.success ? [] : result.problems).toEqual([
      expect.objectContaining({ code: "not-a-file", severity: "error", file: folder }),
    ]);
    const error = await loadFactoryYaml(folder).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).message).toBe(`${folder}: is a folder, not a file`);
  });

  it("is a problem at the line of the NUL byte of a binary file", async () => {
    const file = join(tempDir(), "factory.yaml");
    writeFileSync(file, Buffer.from("version: 1\nlines: []\n\u0000\u0001\u0002"));
    const result = await safeLoadFactoryYaml(file);
    expect(result.success ? [] : result.problems).toEqual([
      expect.objectContaining({ code: "not-text", file, line: 3 }),
    ]);
  });
});

describe("YAML alias bombs in imported files", () => {
  it("skip the Backstage document with an error at its position, keeping the others", () => {
    const catalog = [
      "apiVersion: backstage.io/v1alpha1",
      "kind: Component",
      "metadata: { name: cart }",
      "---",
      "kind: Component",
      "metadata: { name: bomb }",
      ALIAS_BOMB,
      "",
    ].join("\n");
    const imported = importBackstage(catalog, "catalog-info.yaml");
    expect(imported.plan.lines.map((line) => line.id)).toEqual(["cart"]);
    expect(imported.problems).toEqual([
      expect.objectContaining({
        code: "yaml",
        severity: "error",
        file: "catalog-info.yaml",
        line: 5,
        column: 1,
      }),
    ]);
    expect(imported.problems[0]?.message).toContain("Excessive alias count");
  });

  it("make a pnpm-workspace.yaml a ValidationError naming the file", async () => {
    const root = tempDir();
    writeFileSync(join(root, "package.json"), "{}");
    writeFileSync(join(root, "pnpm-workspace.yaml"), `packages: ["p/*"]\n${ALIAS_BOMB}\n`);
    const error = await importWorkspaces(root).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).message).toContain(`${join(root, "pnpm-workspace.yaml")} is invalid`);
    expect((error as ValidationError).issues).toMatchObject([{ file: join(root, "pnpm-workspace.yaml") }]);
  });
});
