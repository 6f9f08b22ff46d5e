import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { ValidationError } from "@software-factory/core";
import {
  exportSkill,
  type InstructionSkill,
  loadSkillFolder,
  loadSkillsDir,
  openFactory,
  parseSkillMd,
  readSkillBytes,
  readSkillFile,
} from "@software-factory/intelligence";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "factory-skill-folders-"));
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** Writes files (path relative to `root` -> text) and returns `root`. */
function write(root: string, files: Readonly<Record<string, string>>): string {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

const RELEASE_NOTES = [
  "---",
  "name: write-release-notes",
  "description: >-",
  "  Write release notes from merged changes: what changed for users, grouped by line.",
  "  Use when a release is cut. # not a comment",
  "license: Apache-2.0",
  "compatibility: Needs git 2.40+ and network access to the issue tracker",
  "metadata:",
  "  owner: platform",
  '  version: "1.2"',
  "  reviewed: 'true'",
  "allowed-tools: Bash(git:*) Bash(jq:*) Read",
  "---",
  "",
  "# Release notes",
  "",
  "1. Run `scripts/changes.sh <from> <to>`.",
  "2. Group the changes as in references/format.md.",
  "",
  "---",
  "",
  "```yaml",
  "name: not front matter",
  "```",
  "",
].join("\n");

describe("skill resources", () => {
  it("lists every file of the folder but SKILL.md (nested too), sorted, in the resource folders or not", () => {
    const folder = write(join(dir, "write-release-notes"), {
      "SKILL.md": RELEASE_NOTES,
      "scripts/changes.sh": "#!/bin/sh\ngit log --oneline $1..$2\n",
      "references/format.md": "# Format\n## Added\n## Fixed\n",
      "references/examples/v1.md": "# v1\n",
      "assets/template.json": "{}",
      "README.md": "not a resource",
      "examples/one.md": "not a resource folder",
    });

    const skill = loadSkillFolder(folder);

    expect(skill.dir).toBe(folder);
    expect(skill.files).toEqual([
      "README.md",
      "assets/template.json",
      "examples/one.md",
      "references/examples/v1.md",
      "references/format.md",
      "scripts/changes.sh",
    ]);
    expect(skill.instructions).not.toContain("## Added");
  });

  it("reads a binary asset byte for byte", () => {
    const folder = write(join(dir, "write-release-notes"), { "SKILL.md": RELEASE_NOTES });
    // The start of a PNG file: bytes that are not valid UTF-8.
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0xff, 0xfe, 0x80]);
    mkdirSync(join(folder, "assets"), { recursive: true });
    writeFileSync(join(folder, "assets", "logo.png"), png);
    const skill = loadSkillFolder(folder);

    expect(readSkillBytes(skill, "assets/logo.png").equals(png)).toBe(true);
    expect(Buffer.from(readSkillFile(skill, "assets/logo.png"), "utf8").equals(png)).toBe(false);
    expect(() => readSkillBytes(skill, "../SKILL.md")).toThrow(/no file/);
  });

  it("reads a resource when asked, not when the skill loads", () => {
    const folder = write(join(dir, "write-release-notes"), {
      "SKILL.md": RELEASE_NOTES,
      "references/format.md": "# Format v1\n",
      "scripts/changes.sh": "#!/bin/sh\n",
    });
    const skill = loadSkillFolder(folder);

    writeFileSync(join(folder, "references", "format.md"), "# Format v2\n");
    rmSync(join(folder, "scripts", "changes.sh"));

    expect(readSkillFile(skill, "references/format.md")).toBe("# Format v2\n");
    expect(() => readSkillFile(skill, "scripts/changes.sh")).toThrow(/ENOENT/);
  });

  it("refuses to read a file that is not one of the skill's files", () => {
    const folder = write(join(dir, "write-release-notes"), {
      "SKILL.md": RELEASE_NOTES,
      "references/format.md": "# Format\n",
      "README.md": "not a resource",
    });
    writeFileSync(join(dir, "secret.txt"), "secret");
    const skill = loadSkillFolder(folder);

    expect(readSkillFile(skill, "README.md")).toBe("not a resource");
    for (const path of [
      "SKILL.md",
      "../secret.txt",
      "references/../../secret.txt",
      join(dir, "secret.txt"),
    ]) {
      expect(() => readSkillFile(skill, path)).toThrow(
        `skill "write-release-notes" has no file "${path}"; it has: README.md, references/format.md`,
      );
    }
  });

  it("are listed for the skills a factory loads from its skills folder", async () => {
    write(join(dir, "skills", "write-release-notes"), {
      "SKILL.md": RELEASE_NOTES,
      "scripts/changes.sh": "#!/bin/sh\n",
    });
    const factory = await openFactory({ dir: join(dir, ".factory"), skillsDir: join(dir, "skills") });
    try {
      expect(factory.skills.list().find((skill) => skill.name === "write-release-notes")).toEqual({
        name: "write-release-notes",
        description:
          "Write release notes from merged changes: what changed for users, grouped by line. Use when a release is cut. # not a comment",
        runnable: false,
        instructions: true,
      });
      const skill = factory.skills.instructions("write-release-notes") as InstructionSkill;
      expect(skill.files).toEqual(["scripts/changes.sh"]);
      expect(readSkillFile(skill, "scripts/changes.sh")).toBe("#!/bin/sh\n");
    } finally {
      await factory.close();
    }
  });
});

describe("symbolic links in a skill folder", () => {
  it("refuses a link in a resource folder, naming it, rather than following it out of the folder or round a loop", () => {
    const folder = write(join(dir, "write-release-notes"), {
      "SKILL.md": RELEASE_NOTES,
      "references/a.md": "# A\n",
    });
    symlinkSync("/etc", join(folder, "references", "outside"));
    symlinkSync(join(folder, "references"), join(folder, "references", "loop"));

    const error = (() => {
      try {
        loadSkillFolder(folder);
      } catch (caught) {
        return caught;
      }
    })();

    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).message).toMatch(/references\/loop: is a symbolic link/);
    expect((error as ValidationError).message).toMatch(/references\/outside: is a symbolic link/);
  });

  it("refuses a resource folder that is itself a link", () => {
    const folder = write(join(dir, "write-release-notes"), { "SKILL.md": RELEASE_NOTES });
    symlinkSync("/etc", join(folder, "assets"));

    expect(() => loadSkillFolder(folder)).toThrow(/assets: is a symbolic link/);
  });

  it("refuses a resource folder that is a file with a ValidationError naming it, alone and in a skills folder", () => {
    const folder = write(join(dir, "skills", "write-release-notes"), {
      "SKILL.md": RELEASE_NOTES,
      scripts: "not a folder",
    });
    for (const load of [() => loadSkillFolder(folder), () => loadSkillsDir(join(dir, "skills"))]) {
      const error = (() => {
        try {
          load();
        } catch (thrown) {
          return thrown;
        }
      })();
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).issues).toEqual([
        expect.objectContaining({ path: "scripts", file: join(folder, "scripts") }),
      ]);
      expect((error as ValidationError).message).toContain(
        "scripts: is a file; scripts/, references/, assets/ are folders",
      );
    }
  });
});

describe("exporting skills to SKILL.md", () => {
  /** A loaded skill without the folder it was loaded from, to compare loads from two folders. */
  const withoutDir = ({ dir: _dir, ...skill }: InstructionSkill) => skill;

  it("round-trips every field, the body and the resources: load, export, load gives the same skill", () => {
    const folder = write(join(dir, "source", "write-release-notes"), {
      "SKILL.md": RELEASE_NOTES,
      "scripts/changes.sh": "#!/bin/sh\ngit log\n",
      "references/format.md": "# Format\n",
    });
    const loaded = loadSkillFolder(folder);

    const exported = exportSkill(loaded, join(dir, "exported"));
    const again = loadSkillFolder(exported);

    expect(exported).toBe(join(dir, "exported", "write-release-notes"));
    expect(withoutDir(again)).toEqual(withoutDir(loaded));
    expect(loaded).toMatchObject({
      license: "Apache-2.0",
      compatibility: "Needs git 2.40+ and network access to the issue tracker",
      metadata: { owner: "platform", version: "1.2", reviewed: "true" },
      "allowed-tools": "Bash(git:*) Bash(jq:*) Read",
    });
    expect(readSkillFile(again, "scripts/changes.sh")).toBe("#!/bin/sh\ngit log\n");
  });

  it.each([
    ["without a final newline", "# Steps\n\nDo it."],
    ["ending in blank lines", "# Steps\n\nDo it.\n\n\n"],
    ["starting with an indented block", "    indented code\n\nthen text\n"],
    ["that is empty", ""],
  ])("round-trips a body %s", (_, body) => {
    const folder = write(join(dir, "source", "steps"), {
      "SKILL.md": `---\nname: steps\ndescription: Steps to follow.\n---\n${body}`,
    });
    const loaded = loadSkillFolder(folder);

    const again = loadSkillFolder(exportSkill(loaded, join(dir, "exported")));

    expect(withoutDir(again)).toEqual(withoutDir(loaded));
  });

  it("replaces an earlier export whole, so files the skill no longer has are not left behind", () => {
    const source = write(join(dir, "source", "write-release-notes"), {
      "SKILL.md": RELEASE_NOTES,
      "scripts/old.sh": "echo old\n",
    });
    exportSkill(loadSkillFolder(source), join(dir, "exported"));
    rmSync(join(source, "scripts"), { recursive: true });
    write(source, { "references/format.md": "# Format\n" });

    const again = loadSkillFolder(exportSkill(loadSkillFolder(source), join(dir, "exported")));

    expect(again.files).toEqual(["references/format.md"]);
    expect(readdirSync(join(dir, "exported"))).toEqual(["write-release-notes"]);
  });

  it("writes nothing when a listed file is missing, and keeps the earlier export", () => {
    const source = write(join(dir, "source", "write-release-notes"), {
      "SKILL.md": RELEASE_NOTES,
      "scripts/changes.sh": "git log\n",
    });
    const loaded = loadSkillFolder(source);
    const earlier = exportSkill(loaded, join(dir, "exported"));
    rmSync(join(source, "scripts", "changes.sh"));

    expect(() => exportSkill(loaded, join(dir, "exported"))).toThrow(
      /lists "scripts\/changes.sh", which is not a file in/,
    );
    expect(readFileSync(join(earlier, "scripts", "changes.sh"), "utf8")).toBe("git log\n");
    expect(readdirSync(join(dir, "exported"))).toEqual(["write-release-notes"]);
    expect(() => exportSkill(loaded, join(dir, "fresh"))).toThrow(/not a file/);
    expect(existsSync(join(dir, "fresh", "write-release-notes"))).toBe(false);
  });

  it("gives the exported folder the permissions of a folder the user makes", () => {
    const source = write(join(dir, "source", "write-release-notes"), { "SKILL.md": RELEASE_NOTES });
    mkdirSync(join(dir, "made-by-hand"));

    const exported = exportSkill(loadSkillFolder(source), join(dir, "exported"));

    expect(statSync(exported).mode & 0o777).toBe(statSync(join(dir, "made-by-hand")).mode & 0o777);
  });

  it("keeps a second export identical to the first", () => {
    const folder = write(join(dir, "source", "write-release-notes"), { "SKILL.md": RELEASE_NOTES });
    const first = exportSkill(loadSkillFolder(folder), join(dir, "one"));
    const second = exportSkill(loadSkillFolder(first), join(dir, "two"));

    expect(readFileSync(join(second, "SKILL.md"), "utf8")).toBe(
      readFileSync(join(first, "SKILL.md"), "utf8"),
    );
  });

  it("writes a skill defined in code (no folder) as a SKILL.md alone", () => {
    const folder = exportSkill(
      {
        name: "triage",
        description: "Triage a signal: line, severity, kind.",
        instructions: "Read the signal.",
      },
      join(dir, "exported"),
    );

    expect(readFileSync(join(folder, "SKILL.md"), "utf8")).toBe(
      '---\nname: triage\ndescription: "Triage a signal: line, severity, kind."\n---\n\nRead the signal.\n',
    );
    expect(loadSkillsDir(join(dir, "exported")).map(withoutDir)).toEqual([
      {
        name: "triage",
        description: "Triage a signal: line, severity, kind.",
        instructions: "Read the signal.",
        files: [],
      },
    ]);
  });

  it("exports a built-in skill's instructions as a SKILL.md that parses back to them", async () => {
    const factory = await openFactory({ dir: join(dir, ".factory") });
    try {
      const text = factory.skills.skillMd("summarize-line") as string;
      const skill = factory.skills.instructions("summarize-line") as InstructionSkill;

      expect(parseSkillMd(text, "summarize-line/SKILL.md", "summarize-line")).toEqual({
        name: skill.name,
        description: skill.description,
        instructions: skill.instructions,
      });
    } finally {
      await factory.close();
    }
  });

  it("refuses to export an invalid skill, naming the field, and writes nothing", () => {
    const error = (() => {
      try {
        exportSkill({ name: "Bad Name", description: "d", instructions: "" }, join(dir, "exported"));
      } catch (thrown) {
        return thrown;
      }
    })();

    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).message).toMatch(/name/);
    expect(existsSync(join(dir, "exported"))).toBe(false);
  });

  it("refuses to export files outside the skill's folder, and writes nothing", () => {
    const skill = {
      name: "steps",
      description: "Steps.",
      instructions: "",
      dir,
      files: ["../../etc/passwd"],
    };

    expect(() => exportSkill(skill, join(dir, "exported"))).toThrow(
      'skill "steps" lists "../../etc/passwd", which is not a path inside its folder (a relative path without .. segments, other than SKILL.md)',
    );
    expect(existsSync(join(dir, "exported"))).toBe(false);
  });
});
