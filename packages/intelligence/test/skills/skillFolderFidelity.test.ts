import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import {
  exportSkill,
  loadSkillFolder,
  readSkillFile,
  safeLoadSkillsDir,
} from "@software-factory/intelligence";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

// Shapes read from anthropics/skills: files beside SKILL.md that are in no resource folder
// (pdf's forms.md and reference.md, which its SKILL.md tells agents to read; LICENSE.txt;
// algorithmic-art's templates/), and a description over the format's 1,024 characters.

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "skill-fidelity-"));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function write(folder: string, files: Record<string, string>): string {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(folder, path)), { recursive: true });
    writeFileSync(join(folder, path), text);
  }
  return folder;
}

const PDF = [
  "---",
  "name: pdf",
  "description: Fill, merge and split PDF files, and read their text and tables. Use whenever the user mentions a .pdf file or asks to produce one.",
  "license: Proprietary. LICENSE.txt has complete terms",
  "---",
  "",
  "# PDF",
  "",
  "To fill a form, read forms.md and follow it. For more, see reference.md.",
  "",
].join("\n");

describe("files of a skill beside its resource folders", () => {
  it("lists and reads them, and exporting gives the same SKILL.md and files, which load as the same skill", () => {
    const files = {
      "forms.md": "# Forms\nFill each field.\n",
      "reference.md": "# Reference\n",
      "LICENSE.txt": "terms\n",
      "templates/viewer.html": "<html></html>\n",
      "scripts/fill.py": "print('fill')\n",
    };
    const folder = write(join(dir, "skills", "pdf"), { "SKILL.md": PDF, ...files, ".DS_Store": "x" });

    const skill = loadSkillFolder(folder);

    expect(skill.files).toEqual([
      "LICENSE.txt",
      "forms.md",
      "reference.md",
      "scripts/fill.py",
      "templates/viewer.html",
    ]);
    expect(readSkillFile(skill, "forms.md")).toBe(files["forms.md"]);

    const exported = exportSkill(skill, join(dir, "out"));
    // The front matter is written as it was, its long description on one line rather than wrapped at 80 characters.
    expect(readFileSync(join(exported, "SKILL.md"), "utf8")).toBe(PDF);
    const again = loadSkillFolder(exported);
    expect({ ...again, dir: undefined }).toEqual({ ...skill, dir: undefined });
    for (const [path, text] of Object.entries(files)) {
      expect(readFileSync(join(exported, path), "utf8")).toBe(text);
    }
  });

  it("still refuses to export a listed file outside the folder, or SKILL.md itself", () => {
    const folder = write(join(dir, "skills", "pdf"), { "SKILL.md": PDF, "forms.md": "# Forms\n" });
    const skill = loadSkillFolder(folder);
    expect(() => exportSkill({ ...skill, files: ["/etc/passwd"] }, join(dir, "out"))).toThrow(
      'lists "/etc/passwd", which is not a path inside its folder',
    );
    expect(() => exportSkill({ ...skill, files: ["SKILL.md"] }, join(dir, "out"))).toThrow(
      'lists "SKILL.md", which is not a path inside its folder',
    );
  });
});

describe("a description over the format's limit", () => {
  it("is refused with its length, the limit and where it is, not zod's bare 'Too big'", () => {
    const description = `Build apps with the API. ${"Use when the code imports the SDK. ".repeat(30)}`.trim();
    write(join(dir, "skills", "claude-api"), {
      "SKILL.md": `---\nname: claude-api\ndescription: ${description}\nlicense: Complete terms in LICENSE.txt\n---\n\nBody.\n`,
    });

    const { skills, problems } = safeLoadSkillsDir(join(dir, "skills"));

    expect(skills).toEqual([]);
    const file = join(dir, "skills", "claude-api", "SKILL.md");
    expect(problems[0]?.message).toBe(
      `${file}:3:14: description: description is ${description.length.toLocaleString("en")} characters, over the 1,024 the Agent Skills format allows; keep what the skill does and when to use it there, and move the rest to the body`,
    );
  });
});

describe("metadata values that are not strings", () => {
  it("are refused at each value, saying what it is and how to write it", () => {
    write(join(dir, "skills", "release"), {
      "SKILL.md":
        "---\nname: release\ndescription: Cut a release.\nmetadata:\n  version: 1.0\n  tags: [git, release]\n---\n\nBody.\n",
    });

    const { problems } = safeLoadSkillsDir(join(dir, "skills"));

    const file = join(dir, "skills", "release", "SKILL.md");
    expect(problems[0]?.message.split("\n")).toEqual([
      `${file}:5:12: metadata.version: metadata values are strings, as the Agent Skills format defines them; write this number as a quoted string, as in version: "1.0" or tags: "a, b"`,
      `${file}:6:9: metadata.tags: metadata values are strings, as the Agent Skills format defines them; write this list as a quoted string, as in version: "1.0" or tags: "a, b"`,
    ]);
  });
});
