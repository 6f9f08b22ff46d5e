/**
 * package.json files as editors and tools write them, read by `importWorkspaces`
 * as npm and Node read them.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { ValidationError } from "@software-factory/core";
import { importWorkspaces } from "@software-factory/floorplan";
import { afterEach, expect, it } from "vitest";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function repo(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), "factory-workspaces-"));
  dirs.push(root);
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  return root;
}

const PNPM = "packages:\n  - 'packages/*'\n  - '!**/test/**'\ncatalog:\n  react: ^18.2.0\n";

it("reads a package.json that starts with a byte order mark, as npm and Node do", async () => {
  const root = repo({
    "pnpm-workspace.yaml": PNPM,
    "package.json": '{"name":"root","private":true}',
    "packages/a/package.json": '{"name":"@acme/a","dependencies":{"@acme/b":"workspace:*"}}',
    "packages/b/package.json": '\uFEFF{"name":"@acme/b","description":"Saved by an editor on Windows"}',
  });
  const plan = await importWorkspaces(root);
  expect(plan.lines.map((line) => [line.id, line.description, line.dependsOn.map((to) => to.line)])).toEqual([
    ["acme-a", undefined, ["acme-b"]],
    ["acme-b", "Saved by an editor on Windows", []],
  ]);
});

it("refuses a package.json that is not JSON at its line and column", async () => {
  const root = repo({
    "pnpm-workspace.yaml": PNPM,
    "packages/a/package.json": '{\n  "name": "@acme/a",\n  "version": "1.0.0",,\n}\n',
  });
  const error = await importWorkspaces(root).catch((caught: unknown) => caught);
  expect(error).toBeInstanceOf(ValidationError);
  expect((error as ValidationError).message).toContain(
    `${join(root, "packages/a/package.json")} is not valid JSON (line 3, column 22)`,
  );
  expect((error as ValidationError).issues).toMatchObject([
    { file: join(root, "packages/a/package.json"), line: 3, column: 22 },
  ]);
});
