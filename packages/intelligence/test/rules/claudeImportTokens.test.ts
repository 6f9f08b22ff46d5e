import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { useTempRepository } from "./tempRepository.js";

// Words that start with @ in a CLAUDE.md but do not import what they seem to: Claude Code skips
// indented code blocks, reads punctuation and backslashes as its path does, fetches no URL. Before,
// the factory read an import in an indented code block, warned "not a file" without saying why,
// named a non-UTF-8 import's file without the import, and read a 50 MB import whole.

const repo = useTempRepository("claude-import-tokens-");
const { write, load } = repo;

describe("CLAUDE.md @ words that are not what they seem", () => {
  it("does not read an import in an indented code block, and reads one in a list item's text", () => {
    write(
      "CLAUDE.md",
      ["Example:", "", "    @docs/code.md", "", "- Style", "", "    @docs/style.md"].join("\n"),
    );
    write("docs/code.md", "never read: shown as code\n");
    write("docs/style.md", "Tabs.\n");

    const { standards, warnings } = load();

    expect(warnings).toEqual([]);
    expect(standards.map((standard) => standard.id)).toEqual(["general", "docs-style"]);
  });

  it("says why punctuation, a backslash and a URL after @ import nothing", () => {
    const claude = write(
      "CLAUDE.md",
      "Read @docs/git.md. Windows: @docs\\git.md Site: @https://example.com/rules.md\n",
    );
    write("docs/git.md", "Rebase.\n");

    const { standards, warnings } = load();

    expect(standards.map((standard) => standard.id)).toEqual(["general"]);
    expect(
      warnings.map(({ file, line, column, path, message }) => [file, line, column, path, message]),
    ).toEqual([
      [
        claude,
        1,
        6,
        "@docs/git.md.",
        'imports "docs/git.md.", which is not a file in the repository; nothing was imported (docs/git.md is a file, but Claude Code reads the "." after it as part of the path: put a space before ".")',
      ],
      [
        claude,
        1,
        29,
        "@docs",
        'imports "docs", which is a folder; nothing was imported (Claude Code ends a path at a backslash, so "@docs\\git.md" imports "docs": write the path with /)',
      ],
      [
        claude,
        1,
        48,
        "@https://example.com/rules.md",
        'imports "https://example.com/rules.md", a URL: Claude Code imports files only, so nothing was imported (write it without @, or in backquotes)',
      ],
    ]);
  });

  it("warns at an @path in brackets or quotes naming a file, which Claude Code does not import, and not at an email", () => {
    const claude = write("CLAUDE.md", 'Workflow (@docs/git.md), "@docs/none.md", mail a@docs.md\n');
    write("docs/git.md", "Rebase.\n");
    write("a@docs.md", "never read\n");

    const { standards, warnings } = load();

    expect(standards.map((standard) => standard.id)).toEqual(["general"]);
    expect(warnings).toEqual([
      {
        path: "@docs/git.md),",
        file: claude,
        line: 1,
        column: 11,
        message:
          "names docs/git.md right after another character, where Claude Code reads no import (only at the start of a line or after a space), so it is not imported; put a space before the @ to import it, or write it in backquotes",
      },
    ]);
  });

  it("names a folder and a named pipe as what they are, reading neither", () => {
    write("CLAUDE.md", "Docs: @docs\nPipe: @events.md\n");
    mkdirSync(join(repo.root, "docs"));
    execFileSync("mkfifo", [join(repo.root, "events.md")]);

    const { standards, warnings } = load();

    expect(standards.map((standard) => standard.id)).toEqual(["general"]);
    expect(warnings.map(({ line, message }) => [line, message])).toEqual([
      [
        1,
        'imports "docs", which is a folder; nothing was imported (write it in backquotes if it is not an import)',
      ],
      [
        2,
        'imports "events.md", which is not a regular file; nothing was imported (write it in backquotes if it is not an import)',
      ],
    ]);
  });

  it("warns at the import of a file that is not UTF-8 or over 1 MiB, and reads neither", () => {
    const claude = write("CLAUDE.md", "Binary: @logo.md\nHuge: @dump.md\n");
    writeFileSync(join(repo.root, "logo.md"), Buffer.from([0x41, 0xff, 0x0a]));
    writeFileSync(join(repo.root, "dump.md"), Buffer.alloc(50 * 1024 * 1024, "a"));

    const { standards, warnings } = load();

    expect(standards.map((standard) => standard.id)).toEqual(["general"]);
    expect(warnings.map(({ file, line, path }) => [file, line, path])).toEqual([
      [claude, 1, "@logo.md"],
      [claude, 2, "@dump.md"],
    ]);
    expect(warnings[0]?.message).toBe(
      'imports "logo.md", which at line 1, column 2 is not UTF-8 text (save it as UTF-8); not read',
    );
    expect(warnings[1]?.message).toBe(
      'imports "dump.md", which is 52,428,800 bytes, over the 1,048,576 an imported file may hold; not read',
    );
  });
});
