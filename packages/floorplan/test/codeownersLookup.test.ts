import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { findCodeowners, importCodeowners } from "@software-factory/floorplan";
import { afterEach, describe, expect, it } from "vitest";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** Writes a repository into a fresh folder and returns its root. */
function repo(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), "factory-codeowners-"));
  dirs.push(root);
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  return root;
}

const GITHUB = "/apps/ @from-github\n";
const ROOT = "/apps/ @from-root\n";
const DOCS = "/apps/ @from-docs\n";

describe("CODEOWNERS lookup order (.github/, the root, docs/, then .gitlab/)", () => {
  it("prefers .github/CODEOWNERS over the root and docs/ files", async () => {
    const root = repo({ ".github/CODEOWNERS": GITHUB, CODEOWNERS: ROOT, "docs/CODEOWNERS": DOCS });
    expect(findCodeowners(root)).toBe(join(root, ".github/CODEOWNERS"));
    const imported = await importCodeowners(root);
    expect(imported?.plan.lines.map((line) => line.owner)).toEqual(["from-github"]);
  });

  it("prefers the root CODEOWNERS over docs/CODEOWNERS when .github/ has none", async () => {
    const root = repo({
      CODEOWNERS: ROOT,
      "docs/CODEOWNERS": DOCS,
      ".github/workflows/ci.yml": "on: push\n",
    });
    expect(findCodeowners(root)).toBe(join(root, "CODEOWNERS"));
    const imported = await importCodeowners(root);
    expect(imported?.file).toBe(join(root, "CODEOWNERS"));
    expect(imported?.plan.lines.map((line) => line.owner)).toEqual(["from-root"]);
  });

  it("prefers .github/CODEOWNERS over the root when docs/ has none", async () => {
    const root = repo({ ".github/CODEOWNERS": GITHUB, CODEOWNERS: ROOT });
    expect(findCodeowners(root)).toBe(join(root, ".github/CODEOWNERS"));
  });

  it("uses docs/CODEOWNERS when it is the only one", async () => {
    const root = repo({ "docs/CODEOWNERS": DOCS, "docs/guide.md": "# Guide\n" });
    expect(findCodeowners(root)).toBe(join(root, "docs/CODEOWNERS"));
    const imported = await importCodeowners(root);
    expect(imported?.plan.lines.map((line) => [line.paths[0], line.owner])).toEqual([
      ["/apps/", "from-docs"],
    ]);
    expect(imported?.refs.get("owner:apps")).toBe("docs/CODEOWNERS:1");
  });

  it("uses GitLab's .gitlab/CODEOWNERS when none of GitHub's places has one", async () => {
    const root = repo({ ".gitlab/CODEOWNERS": "[Apps] @from-gitlab\n/apps/\n" });
    expect(findCodeowners(root)).toBe(join(root, ".gitlab/CODEOWNERS"));
    const imported = await importCodeowners(root);
    expect(imported?.file).toBe(join(root, ".gitlab/CODEOWNERS"));
    expect(imported?.plan.lines.map((line) => line.owner)).toEqual(["from-gitlab"]);
    expect(imported?.refs.get("owner:apps")).toBe(".gitlab/CODEOWNERS:2");
  });

  it("prefers docs/CODEOWNERS over .gitlab/CODEOWNERS", async () => {
    const root = repo({ "docs/CODEOWNERS": DOCS, ".gitlab/CODEOWNERS": ROOT });
    expect(findCodeowners(root)).toBe(join(root, "docs/CODEOWNERS"));
  });

  it("ignores CODEOWNERS files in other folders", async () => {
    const root = repo({ "src/CODEOWNERS": ROOT, ".gitlab/ci/CODEOWNERS": ROOT, "docs/api/CODEOWNERS": ROOT });
    expect(findCodeowners(root)).toBeUndefined();
    expect(await importCodeowners(root)).toBeUndefined();
  });
});
