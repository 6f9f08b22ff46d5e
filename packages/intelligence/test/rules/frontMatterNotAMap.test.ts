import type { ValidationError } from "@software-factory/core";
import { loadInstructionStandards, parseCursorRule } from "@software-factory/intelligence";
import { describe, expect, it } from "vitest";
import { caughtValidationError as caught } from "../fixtures/caughtValidationError.js";
import { useTempRepository } from "./tempRepository.js";

const repo = useTempRepository("front-matter-not-a-map-");
const { write } = repo;

const located = (error: ValidationError) =>
  error.issues.map((issue) => `${issue.file}:${issue.line}:${issue.column}: ${issue.message}`);

describe("front matter that is not a map of fields", () => {
  it("is refused in a Claude rule with its file:line:column and what it is instead", () => {
    const file = write(".claude/rules/style.md", "---\njust text\n---\nUse tabs.\n");
    const error = caught(() => loadInstructionStandards(repo.root));
    expect(located(error)).toEqual([
      `${file}:2:1: front matter must be a map of fields (key: value), not a string`,
    ]);
    expect(error.message).toContain("front matter must be a map of fields (key: value), not a string");
    expect(error.message).not.toContain("Invalid input");
  });

  it("is refused in a Cursor rule, naming a list as a list", () => {
    const error = caught(() =>
      parseCursorRule("---\n- src/**\n- docs/**\n---\nBody\n", "/repo/.cursor/rules/a.mdc"),
    );
    expect(located(error)).toEqual([
      "/repo/.cursor/rules/a.mdc:2:1: front matter must be a map of fields (key: value), not a list",
    ]);
    expect(error.message).not.toContain("Invalid input");
  });

  it("is refused in a Cursor rule holding a lone number or string", () => {
    expect(located(caught(() => parseCursorRule("---\n42\n---\n", "r.mdc")))).toEqual([
      "r.mdc:2:1: front matter must be a map of fields (key: value), not a number",
    ]);
    expect(located(caught(() => parseCursorRule("---\n\n  just text\n---\n", "r.mdc")))).toEqual([
      "r.mdc:3:3: front matter must be a map of fields (key: value), not a string",
    ]);
  });

  it("still reads empty front matter as no fields", () => {
    expect(parseCursorRule("---\n---\nBody\n", "r.mdc")).toMatchObject({ instructions: "Body", globs: [] });
  });
});
