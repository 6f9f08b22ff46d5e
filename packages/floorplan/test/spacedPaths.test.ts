import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { openEventLog } from "@software-factory/core";
import {
  type FloorPlan,
  floorPlanEvents,
  importCodeowners,
  openFloorPlan,
} from "@software-factory/floorplan";
import { afterEach, describe, expect, it } from "vitest";
import { caughtValidationError as refusal } from "./fixtures/caughtValidationError.js";

const folders: string[] = [];
const closers: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const close of closers.splice(0)) await close();
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

function git(root: string, args: readonly string[]): string {
  return execFileSync("git", [...args], { cwd: root, encoding: "utf8" });
}

/**
 * A git repository whose files include names with a space at either end
 * (`docs/notes.md `, ` lead.md`), legal on Linux and macOS, and a CODEOWNERS
 * naming them with escaped spaces; its files as git lists them.
 */
function spacedRepository(): { root: string; files: string[] } {
  const root = mkdtempSync(join(tmpdir(), "factory-floorplan-spaced-"));
  folders.push(root);
  const files: Record<string, string> = {
    ".github/CODEOWNERS": "/docs/ @docs-team\n/docs/notes.md\\  @notes-team\n/\\ lead.md @lead-team\n",
    "docs/notes.md ": "draft\n",
    "docs/notes.md": "the other file\n",
    " lead.md": "lead\n",
    "src/app.ts": "export {};\n",
  };
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  git(root, ["init", "-q"]);
  git(root, ["add", "-A"]);
  git(root, ["-c", "user.name=Ana", "-c", "user.email=ana@example.com", "commit", "-qm", "files"]);
  return {
    root,
    files: git(root, ["ls-files", "-z"])
      .split("\0")
      .filter((file) => file !== ""),
  };
}

/** The repository's CODEOWNERS imported into a floor plan on a real SQLite log. */
async function importedPlan(root: string): Promise<FloorPlan> {
  const log = await openEventLog({ path: join(root, "factory.db"), events: floorPlanEvents });
  const plan = await openFloorPlan({ log });
  closers.push(async () => {
    await plan.close();
    await log.close();
  });
  const imported = await importCodeowners(root);
  if (imported === undefined) throw new Error("expected the CODEOWNERS to import");
  await plan.applyPlan(imported.plan);
  return plan;
}

describe("a file whose name has a space at either end", () => {
  it("is looked up, explained, grouped, checked and impacted by its own name, never trimmed", async () => {
    const { root, files } = spacedRepository();
    expect(files).toContain("docs/notes.md ");
    expect(files).toContain(" lead.md");
    const plan = await importedPlan(root);
    const notes = plan.lineForPath("docs/notes.md ");
    const lead = plan.lineForPath(" lead.md");
    expect(notes).toBeDefined();
    expect(lead).toBeDefined();
    // Trimmed, the name is another file: the one /docs/ claims.
    expect(plan.lineForPath("docs/notes.md")).not.toBe(notes);
    expect(plan.explainPath("docs/notes.md ")).toEqual({
      path: "docs/notes.md ",
      line: notes,
      pattern: "/docs/notes.md ",
      owner: plan.ownerOf(notes ?? ""),
    });
    expect(plan.explainPath(" lead.md")?.pattern).toBe("/ lead.md");
    const grouped = plan.linesForPaths(files);
    expect(grouped.byLine.get(notes ?? "")).toEqual(["docs/notes.md "]);
    expect(grouped.byLine.get(lead ?? "")).toEqual([" lead.md"]);
    expect(plan.health({ files }).unownedPaths).toEqual([".github/CODEOWNERS", "src/app.ts"]);
    const report = plan.impact({ paths: ["docs/notes.md ", " lead.md"] });
    expect(report.changed.map((line) => [line.line, line.paths])).toEqual([
      [notes, ["docs/notes.md "]],
      [lead, [" lead.md"]],
    ]);
  });

  it("is read the same way in the plan as of an instant", async () => {
    const { root } = spacedRepository();
    const plan = await importedPlan(root);
    const then = await plan.asOf(new Date(Date.now() + 60_000));
    expect(then.lineForPath("docs/notes.md ")).toBe(plan.lineForPath("docs/notes.md "));
    expect(then.explainPath(" lead.md")?.path).toBe(" lead.md");
  });

  it("is told from a blank path, which alone is refused, naming where it was given", async () => {
    const { root } = spacedRepository();
    const plan = await importedPlan(root);
    for (const blank of ["", " ", "\t\n"])
      expect(refusal(() => plan.lineForPath(blank)).message).toBe(
        `path: ${JSON.stringify(blank)} is blank; give a file or folder path from the repository root`,
      );
    const refused = refusal(() => plan.impact({ paths: ["docs/notes.md ", "  "] }));
    expect(refused.issues.map((issue) => issue.path)).toEqual(["paths[1]"]);
  });
});
