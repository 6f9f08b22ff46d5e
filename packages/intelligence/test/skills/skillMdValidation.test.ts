import { ValidationError } from "@software-factory/core";
import { parseSkillMd } from "@software-factory/intelligence";
import { describe, expect, it } from "vitest";

const FILE = "skills/review-code/SKILL.md";

/** A SKILL.md of the given front matter lines (after the opening `---` on line 1). */
const skillMd = (...front: string[]) => `---\n${front.join("\n")}\n---\n\n# Instructions\n`;

/** The positioned lines of the error parsing `text` gives (`file:line:column: field: message`). */
function problems(text: string, folder = "review-code"): string[] {
  try {
    parseSkillMd(text, FILE, folder);
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return (error as ValidationError).message.split("\n").slice(1);
  }
  throw new Error("the SKILL.md was accepted");
}

describe("SKILL.md name", () => {
  it("accepts 64 characters and refuses 65, at the name's value", () => {
    const name64 = "a".repeat(64);
    expect(parseSkillMd(skillMd(`name: ${name64}`, "description: d"), FILE, name64).name).toBe(name64);

    const name65 = "a".repeat(65);
    expect(problems(skillMd(`name: ${name65}`, "description: d"), name65)).toEqual([
      expect.stringMatching(/^skills\/review-code\/SKILL\.md:2:7: name: .*64/),
    ]);
  });

  it.each([
    ["uppercase letters", "Review-Code"],
    ["an underscore", "review_code"],
    ["a leading hyphen", "-review-code"],
    ["a trailing hyphen", "review-code-"],
    ["two hyphens in a row", "review--code"],
    ["a space", "'review code'"],
  ])("refuses a name with %s, at the name's value", (_, name) => {
    expect(problems(skillMd(`name: ${name}`, "description: d"))).toEqual([
      `${FILE}:2:7: name: name is lowercase letters, digits and single hyphens (1-64 characters)`,
    ]);
  });

  it("refuses a name that is not the folder's, at the name's value", () => {
    expect(problems(skillMd("description: d", "name: review"))).toEqual([
      `${FILE}:3:7: name: name "review" must equal the folder name "review-code"`,
    ]);
  });

  it("reports the folder mismatch together with the other problems", () => {
    expect(problems(skillMd("name: review", "description: ''"))).toEqual([
      expect.stringMatching(/^skills\/review-code\/SKILL\.md:3:14: description: /),
      `${FILE}:2:7: name: name "review" must equal the folder name "review-code"`,
    ]);
  });

  it("refuses a missing name", () => {
    expect(problems(skillMd("description: d"))).toEqual([
      expect.stringMatching(/^skills\/review-code\/SKILL\.md:2:1: name: /),
    ]);
  });

  it("says a missing name and description are missing, empty front matter included", () => {
    const missing = [
      `${FILE}:2:1: name: name is missing: the skill's name, equal to its folder's name`,
      `${FILE}:2:1: description: description is missing: say what the skill does and when to use it`,
    ];
    expect(problems(skillMd("license: MIT"))).toEqual(missing);
    expect(problems("---\n---\n\n# Instructions\n")).toEqual(missing);
    expect(problems("---\r\n---\r\n# Instructions\r\n")).toEqual(missing);
  });
});

describe("SKILL.md description", () => {
  it("accepts 1,024 characters and refuses 1,025, at the description's value", () => {
    const long = "d".repeat(1024);
    expect(parseSkillMd(skillMd("name: review-code", `description: ${long}`), FILE).description).toBe(long);

    expect(problems(skillMd("name: review-code", `description: ${long}d`))).toEqual([
      expect.stringMatching(
        /^skills\/review-code\/SKILL\.md:3:14: description: description is 1,025 characters, over the 1,024 /,
      ),
    ]);
  });

  it.each([
    ["empty", "description: ''"],
    ["blank", "description: '   '"],
    ["null", "description:"],
  ])("refuses an %s description, at its value", (_, line) => {
    expect(problems(skillMd("name: review-code", line))).toEqual([
      expect.stringMatching(/^skills\/review-code\/SKILL\.md:3:1[34]: description: /),
    ]);
  });

  it("reads a folded multi-line description as one text", () => {
    const skill = parseSkillMd(
      skillMd("name: review-code", "description: >", "  Reviews code.", "  Use it before a merge."),
      FILE,
    );
    expect(skill.description).toBe("Reviews code. Use it before a merge.");
  });
});

describe("SKILL.md optional fields", () => {
  it("accepts a compatibility of 500 characters and refuses 501, at its value", () => {
    const ok = "c".repeat(500);
    expect(
      parseSkillMd(skillMd("name: review-code", "description: d", `compatibility: ${ok}`), FILE)
        .compatibility,
    ).toBe(ok);

    expect(problems(skillMd("name: review-code", "description: d", `compatibility: ${ok}c`))).toEqual([
      expect.stringMatching(/^skills\/review-code\/SKILL\.md:4:16: compatibility: .*500/),
    ]);
  });

  it("keeps allowed-tools as the space-delimited text it is, patterns included", () => {
    const skill = parseSkillMd(
      skillMd("name: review-code", "description: d", "allowed-tools: Bash(git:*) Bash(jq:*) Read"),
      FILE,
    );
    expect(skill["allowed-tools"]).toBe("Bash(git:*) Bash(jq:*) Read");
  });

  it("refuses allowed-tools written as a list or left empty, at its value", () => {
    expect(problems(skillMd("name: review-code", "description: d", "allowed-tools: [Read, Grep]"))).toEqual([
      `${FILE}:4:16: allowed-tools: allowed-tools is one space-delimited text of tools, as in "Bash(git:*) Read"`,
    ]);
    expect(problems(skillMd("name: review-code", "description: d", "allowed-tools: ''"))).toEqual([
      expect.stringMatching(/^skills\/review-code\/SKILL\.md:4:16: allowed-tools: /),
    ]);
  });

  it("accepts metadata mapping strings to strings", () => {
    const skill = parseSkillMd(
      skillMd("name: review-code", "description: d", "metadata:", "  owner: platform", '  version: "1.2"'),
      FILE,
    );
    expect(skill.metadata).toEqual({ owner: "platform", version: "1.2" });
  });

  it("refuses a metadata value that is not a string, at that value", () => {
    expect(
      problems(
        skillMd(
          "name: review-code",
          "description: d",
          "metadata:",
          "  owner: platform",
          "  version: 1.2",
          "  tags: [a, b]",
        ),
      ),
    ).toEqual([
      expect.stringMatching(/^skills\/review-code\/SKILL\.md:6:12: metadata\.version: .*string/),
      expect.stringMatching(/^skills\/review-code\/SKILL\.md:7:9: metadata\.tags: .*string/),
    ]);
  });

  it("refuses metadata that is not a map, at its value", () => {
    expect(problems(skillMd("name: review-code", "description: d", "metadata: v2"))).toEqual([
      expect.stringMatching(/^skills\/review-code\/SKILL\.md:4:11: metadata: /),
    ]);
  });

  it("refuses a field the format does not have, at that field", () => {
    expect(problems(skillMd("name: review-code", "description: d", "version: 2", "tools: [Read]"))).toEqual([
      `${FILE}:4:1: version: the Agent Skills format has no field "version"; put it under metadata`,
      `${FILE}:5:1: tools: the Agent Skills format has no field "tools"; put it under metadata`,
    ]);
  });
});

describe("SKILL.md structure", () => {
  it("reads a file saved with CRLF line ends and a BOM as the same skill as its LF form", () => {
    const lf =
      "---\nname: review-code\ndescription: Reviews code\n---\n\n# Review\n\nRead the diff.\nName each problem.\n";
    const crlf = `\uFEFF${lf.replaceAll("\n", "\r\n")}`;
    const skill = parseSkillMd(crlf, FILE, "review-code");
    expect(skill).toEqual(parseSkillMd(lf, FILE, "review-code"));
    expect(skill.instructions).toBe("# Review\n\nRead the diff.\nName each problem.");
  });

  it("refuses a file without front matter at 1:1", () => {
    expect(problems("# Just markdown\n")).toEqual([
      `${FILE}:1:1: SKILL.md must start with YAML front matter between --- lines`,
    ]);
  });

  it("refuses front matter that is not YAML, where the YAML breaks", () => {
    expect(problems(skillMd("name: review-code", "description: [unclosed"))).toEqual([
      expect.stringMatching(/^skills\/review-code\/SKILL\.md:3:\d+: /),
    ]);
  });

  it("refuses front matter whose aliases expand past the YAML limit (an alias bomb), naming the file", () => {
    const levels = ["a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]"];
    for (const [index, name] of ["b", "c", "d", "e"].entries()) {
      levels.push(`${name}: &${name} [${Array(9).fill(`*${"abcd"[index]}`).join(", ")}]`);
    }
    expect(problems(skillMd("name: review-code", ...levels))).toEqual([
      expect.stringMatching(/^skills\/review-code\/SKILL\.md:2:1: .*alias/i),
    ]);
  });

  it("refuses front matter that is not a map", () => {
    expect(problems(skillMd("- name: review-code"))).toEqual([expect.stringMatching(/SKILL\.md:2:1: /)]);
  });

  it("reports every problem at once, each with its own position", () => {
    const lines = problems(
      skillMd(`name: Review-Code`, "description: ''", `compatibility: ${"c".repeat(501)}`, "metadata: 3"),
    );
    expect(lines.map((line) => /SKILL\.md:(\d+):\d+: (\S+):/.exec(line)?.slice(1, 3))).toEqual([
      ["2", "name"],
      ["3", "description"],
      ["4", "compatibility"],
      ["5", "metadata"],
    ]);
  });

  it("gives each problem as an issue with its file, line, column and field", () => {
    let error: unknown;
    try {
      parseSkillMd(skillMd("name: review-code", "description: ''"), FILE, "review-code");
    } catch (thrown) {
      error = thrown;
    }
    expect((error as ValidationError).issues).toEqual([
      expect.objectContaining({ file: FILE, line: 3, column: 14, path: "description" }),
    ]);
  });
});
