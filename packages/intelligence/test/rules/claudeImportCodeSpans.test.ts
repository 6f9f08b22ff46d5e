import { describe, expect, it } from "vitest";
import { useTempRepository } from "./tempRepository.js";

// Claude Code skips the @ words of code spans, and a code span may run over the lines of its
// paragraph (CommonMark). Before, spans were read line by line, so `see\n@docs/x.md` imported
// docs/x.md; a span's search now runs over line ends and stops where its paragraph ends.

const repo = useTempRepository("claude-import-spans-");
const { write, load } = repo;

describe("CLAUDE.md code spans over lines", () => {
  it("does not import an @path in a code span that runs over two lines, and imports one after it closes", () => {
    write(
      "CLAUDE.md",
      [
        "Commit with `git commit -m",
        "@docs/message.md` and ``a ` inside",
        "@docs/double.md``, then read @docs/style.md first.",
      ].join("\n"),
    );
    write("docs/message.md", "never read: in a code span\n");
    write("docs/double.md", "never read: in a code span of two backquotes\n");
    write("docs/style.md", "Tabs.\n");

    const { standards, warnings } = load();

    expect(warnings).toEqual([]);
    expect(standards.map((standard) => standard.id)).toEqual(["general", "docs-style"]);
  });

  it("leaves a backquote never closed in its paragraph literal, so later paragraphs' imports are read", () => {
    write(
      "CLAUDE.md",
      [
        "A lone ` backquote.",
        "",
        "Read @docs/style.md and run `npm test`.",
        "# Build `npm run",
        "@docs/build.md then `lint` #",
        "- Item ` open",
        "- @docs/review.md and `x`",
      ].join("\n"),
    );
    write("docs/style.md", "Tabs.\n");
    write("docs/build.md", "Build.\n");
    write("docs/review.md", "Review.\n");

    const { standards, warnings } = load();

    expect(warnings).toEqual([]);
    expect(standards.map((standard) => standard.id)).toEqual([
      "general",
      "docs-style",
      "build-npm-run",
      "docs-build",
      "docs-review",
    ]);
  });

  it("reads a backquote after a backslash as literal, so it opens no span", () => {
    write("CLAUDE.md", "A literal \\` then @docs/style.md and ` again\n");
    write("docs/style.md", "Tabs.\n");

    const { standards, warnings } = load();

    expect(warnings).toEqual([]);
    expect(standards.map((standard) => standard.id)).toEqual(["general", "docs-style"]);
  });
});
