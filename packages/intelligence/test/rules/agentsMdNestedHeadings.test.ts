import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { exportAgentsMd, formatAgentsMd, loadAgentsMd, parseAgentsMd } from "@software-factory/intelligence";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

// An AGENTS.md as teams write them: a title, `#` parts with `##` sections, `###` to `#####`
// headings inside the sections, shell comments in fences, and headings ending in `#` (C#, F#).

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "agents-md-nested-"));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const AGENTS_MD = [
  "# Contoso platform",
  "",
  "Monorepo of .NET services and a TypeScript web app.",
  "",
  "# Building",
  "",
  "## Setup ##",
  "",
  "```bash",
  "# restore tools first",
  "dotnet tool restore",
  "```",
  "",
  "### Commands",
  "",
  "- `dotnet build`",
  "",
  "#### Watch mode",
  "",
  "Use `dotnet watch` while editing.",
  "",
  "##### On Linux",
  "",
  "Raise the inotify limit.",
  "",
  "# Conventions",
  "",
  "## Working with C#",
  "",
  "Applies to: `services/**/*.cs`",
  "",
  "Nullable reference types on.",
  "",
  "### Interop with F#",
  "",
  "Keep F# types out of public C# APIs.",
  "",
].join("\n");

describe("AGENTS.md with nested headings", () => {
  it("exports, re-imports and exports again to the same bytes, keeping each heading's text and the levels inside sections", () => {
    const source = join(dir, "AGENTS.md");
    writeFileSync(source, AGENTS_MD);
    const first = join(dir, "first.md");
    const second = join(dir, "second.md");

    const standards = loadAgentsMd(source);
    exportAgentsMd(standards, first, { title: "Contoso platform" });
    const reloaded = loadAgentsMd(first);
    exportAgentsMd(reloaded, second, { title: "Contoso platform" });

    expect(standards.map((standard) => standard.description)).toEqual([
      "Contoso platform",
      "Building",
      "Setup",
      "Conventions",
      "Working with C#",
    ]);
    expect(reloaded.map(({ source: _source, ...rest }) => rest)).toEqual(
      standards.map(({ source: _source, ...rest }) => rest),
    );
    expect(readFileSync(second, "utf8")).toBe(readFileSync(first, "utf8"));
    const setup = standards[2]?.instructions ?? "";
    expect(setup).toContain("# restore tools first");
    expect(setup).toContain("### Commands");
    expect(setup).toContain("#### Watch mode");
    expect(setup).toContain("##### On Linux");
    expect(standards[4]).toMatchObject({ globs: ["services/**/*.cs"], alwaysApply: false });
    expect(standards[4]?.instructions).toContain("### Interop with F#");
  });

  it("keeps a description that ends in a # (Issue #) whole through export and import", () => {
    const standard = {
      id: "tickets",
      description: "Ticket references: #",
      instructions: "End with it.",
      globs: [],
      alwaysApply: true,
    };
    const text = formatAgentsMd([standard]);
    expect(text).toContain("## Ticket references: # #\n");
    expect(parseAgentsMd(text, "AGENTS.md")[0]?.description).toBe("Ticket references: #");
  });

  it("closes a code fence a standard leaves open, so the standards after it keep their sections", () => {
    const cypress = {
      id: "cypress",
      description: "Cypress tests",
      instructions: "Example:\n\n```ts\ncy.visit('/');\n",
      globs: ["cypress/**"],
      alwaysApply: false,
    };
    const database = {
      id: "database",
      description: "Database",
      instructions: "# Migrations\n\nOne per change.",
      globs: [],
      alwaysApply: true,
    };

    const first = formatAgentsMd([cypress, database]);
    const reloaded = parseAgentsMd(first, "AGENTS.md");

    expect(reloaded.map((standard) => standard.description)).toEqual(["Cypress tests", "Database"]);
    expect(reloaded[0]?.instructions).toBe("Example:\n\n```ts\ncy.visit('/');\n```");
    expect(reloaded[1]?.instructions).toBe("### Migrations\n\nOne per change.");
    expect(formatAgentsMd(reloaded)).toBe(first);
  });
});
