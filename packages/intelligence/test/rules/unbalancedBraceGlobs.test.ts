import { loadInstructionStandards, parseCursorRule } from "@software-factory/intelligence";
import { describe, expect, it } from "vitest";
import { caughtValidationError as caught } from "../fixtures/caughtValidationError.js";
import { useTempRepository } from "./tempRepository.js";

// A glob whose braces do not balance cannot match what its author meant: an unclosed `{` swallowed
// the globs after it in Cursor's comma-separated list (`src/**/*.{ts,tsx, docs/*.md` was one glob),
// and a stray `}` was matched as a character. Such a rule is refused at the glob, as bad YAML is.

const repo = useTempRepository("brace-globs-");
const { write } = repo;

describe("globs whose braces do not balance", () => {
  it("refuses an unclosed { in comma-separated .mdc globs at its file, line, column and glob", () => {
    const text =
      "---\ndescription: Frontend\nglobs: src/**/*.{ts,tsx, docs/*.md\nalwaysApply: false\n---\nBody.\n";

    const error = caught(() => parseCursorRule(text, "frontend.mdc"));

    expect(error.issues).toEqual([
      {
        path: "globs.0",
        message: 'glob "src/**/*.{ts,tsx, docs/*.md" has a { that no } closes',
        file: "frontend.mdc",
        line: 3,
        column: 8,
      },
    ]);
    expect(error.message).toContain("frontend.mdc:3:8");
  });

  it("refuses a } that closes no { in a YAML list of globs, at the list item", () => {
    const text = '---\nglobs:\n  - "*.md"\n  - "*.{a,b}}"\n---\nBody.\n';

    const error = caught(() => parseCursorRule(text, "odd.mdc"));

    expect(error.issues).toEqual([
      {
        path: "globs.1",
        message: 'glob "*.{a,b}}" has a } that closes no {',
        file: "odd.mdc",
        line: 4,
        column: 6,
      },
    ]);
  });

  it("reports bad globs of Cursor rules and Claude rules together when a repository is loaded", () => {
    const cursor = write(
      ".cursor/rules/web.mdc",
      "---\nglobs: web/**/*.{ts,tsx\nalwaysApply: false\n---\nWeb.\n",
    );
    const claude = write(".claude/rules/api.md", "---\npaths:\n  - api/**/*.{ts}}\n---\nAPI.\n");
    write(
      ".cursor/rules/ok.mdc",
      "---\nglobs: src/**/*.{ts,tsx}, docs/*.md\nalwaysApply: false\n---\nFine.\n",
    );

    const error = caught(() => loadInstructionStandards(repo.root, { onWarning: () => {} }));

    expect(error.issues.map(({ file, line, column, message }) => [file, line, column, message])).toEqual([
      [cursor, 2, 8, 'glob "web/**/*.{ts,tsx" has a { that no } closes'],
      [claude, 3, 5, 'glob "api/**/*.{ts}}" has a } that closes no {'],
    ]);
  });

  it("still reads balanced braces, nested or not, as one glob each", () => {
    const standard = parseCursorRule(
      "---\nglobs: src/**/*.{ts,tsx}, {app,lib}/**/*.{js,{c,m}js}\n---\nBody.\n",
      "ok.mdc",
    );
    expect(standard.globs).toEqual(["src/**/*.{ts,tsx}", "{app,lib}/**/*.{js,{c,m}js}"]);
  });
});
