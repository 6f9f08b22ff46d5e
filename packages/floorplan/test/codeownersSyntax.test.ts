/**
 * CODEOWNERS files as GitHub and GitLab document them: escaped spaces in
 * patterns, GitLab sections with default owners, nested GitLab groups.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openEventLog } from "@software-factory/core";
import { floorPlanEvents, importCodeowners, openFloorPlan } from "@software-factory/floorplan";
import { afterEach, expect, it } from "vitest";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** Imports a repository's `.github/CODEOWNERS` into a new floor plan; gives the owner of each path and the warnings. */
async function ownersOf(codeowners: string, paths: readonly string[]) {
  const root = mkdtempSync(join(tmpdir(), "factory-codeowners-syntax-"));
  dirs.push(root);
  mkdirSync(join(root, ".github"));
  writeFileSync(join(root, ".github/CODEOWNERS"), codeowners);
  const found = await importCodeowners(root);
  if (found === undefined) throw new Error("no CODEOWNERS found");
  const log = await openEventLog({ path: join(root, "factory.db"), events: floorPlanEvents });
  const plan = await openFloorPlan({ log });
  await plan.applyPlan(found.plan, { mode: "merge", source: "codeowners" });
  const owners = paths.map((path) => {
    const line = plan.lineForPath(path);
    return line === undefined ? undefined : plan.line(line)?.owner;
  });
  await plan.close();
  return { owners, problems: found.problems };
}

it("reads a pattern whose spaces are escaped, as GitHub and GitLab write them", async () => {
  const { owners, problems } = await ownersOf("* @everyone\n/My\\ Documents/ @writers\n", [
    "My Documents/plan.md",
    "My/Documents.md",
  ]);
  expect(problems).toEqual([]);
  expect(owners).toEqual(["writers", "everyone"]);
});

it("gives a GitLab section's default owners to its rules that name none, and reads nested groups", async () => {
  const { owners, problems } = await ownersOf(
    [
      "* @default-owner",
      "",
      "[Documentation]",
      "docs/ @docs-team",
      "",
      "[Development] @dev-team",
      "src/",
      "README.md @group/with-nested/subgroup",
      "",
      "^[Optional QA][2] @qa-team",
      "tests/",
      "",
    ].join("\n"),
    ["docs/a.md", "src/a.ts", "README.md", "tests/a.test.ts", "LICENSE"],
  );
  expect(problems).toEqual([]);
  expect(owners).toEqual(["docs-team", "dev-team", "group-with-nested-subgroup", "qa-team", "default-owner"]);
});

it("warns at a section header's owner that is not one, and leaves the section without default owners", async () => {
  const { owners, problems } = await ownersOf("[Docs] @docs not-an-owner\ndocs/\n", ["docs/a.md"]);
  expect(owners).toEqual([undefined]);
  expect(problems).toMatchObject([
    { code: "bad-owner", line: 1, column: 14, message: expect.stringContaining('"not-an-owner"') },
  ]);
});
