/**
 * A backslash in a path pattern escapes the character after it, whatever it
 * is and wherever it stands, as git reads gitignore and CODEOWNERS patterns:
 * `\#` (at the start, where `#` would begin a comment, or further in), `\ `,
 * `\*`, `\[`, `\!`, `\\`. Only a backslash at the end, which escapes nothing,
 * is refused, beside negation and unescaped character ranges.
 */
import { buildFloorGraph, parseCodeowners, safeParseFactoryYaml } from "@software-factory/floorplan";
import { describe, expect, it } from "vitest";

/** A factory.yaml whose one line claims `patterns` (single-quoted: YAML keeps each backslash). */
function factoryYaml(patterns: readonly string[]): string {
  return [
    "version: 1",
    "operators: [{ id: ana }]",
    "lines:",
    "  - id: docs",
    "    owner: ana",
    "    paths:",
    ...patterns.map((pattern) => `      - '${pattern}'`),
    "",
  ].join("\n");
}

describe("a path pattern with backslash escapes", () => {
  it("takes the escaped character literally, mid-pattern as at the start", () => {
    const patterns = [
      "/docs/\\#notes.md",
      "\\#lead.md",
      "/My\\ Documents/",
      "/drafts/\\[wip\\].md",
      "\\!keep.md",
      "/data/a\\*b.csv",
      "/win/a\\\\b.txt",
    ];
    const result = safeParseFactoryYaml(factoryYaml(patterns), "factory.yaml");
    expect(result.success ? [] : result.problems).toEqual([]);
    if (!result.success) return;
    const graph = buildFloorGraph(result.plan);
    const lineOf = (path: string) => graph.explainPath(path)?.pattern;
    expect(lineOf("docs/#notes.md")).toBe("/docs/\\#notes.md");
    expect(lineOf("src/#lead.md")).toBe("\\#lead.md");
    expect(lineOf("My Documents/plan.md")).toBe("/My\\ Documents/");
    expect(lineOf("drafts/[wip].md")).toBe("/drafts/\\[wip\\].md");
    expect(lineOf("!keep.md")).toBe("\\!keep.md");
    expect(lineOf("data/a*b.csv")).toBe("/data/a\\*b.csv");
    // An escaped wildcard is no wildcard, and an escaped bracket makes no range.
    expect(lineOf("data/axb.csv")).toBeUndefined();
    expect(lineOf("drafts/w.md")).toBeUndefined();
    expect(graph.lineForPath("docs/notes.md")).toBeUndefined();
  });

  it("refuses a backslash that escapes nothing, negation and a range, each at its place in factory.yaml", () => {
    const result = safeParseFactoryYaml(
      factoryYaml(["/docs/", "/docs/notes\\", "!/docs/private/", "/docs/[ab].md"]),
      "factory.yaml",
    );
    expect(result.success).toBe(false);
    if (result.success) return;
    expect(
      result.problems.map(({ path, line, column, message }) => ({ path, line, column, message })),
    ).toEqual([
      {
        path: "lines[0].paths[1]",
        line: 8,
        column: 9,
        message:
          'pattern "/docs/notes\\\\": a backslash at the end escapes nothing (a backslash makes the next character literal: \\\\ for a backslash)',
      },
      {
        path: "lines[0].paths[2]",
        line: 9,
        column: 9,
        message: 'pattern "!/docs/private/": negation (!) is not supported in CODEOWNERS',
      },
      {
        path: "lines[0].paths[3]",
        line: 10,
        column: 9,
        message: 'pattern "/docs/[ab].md": character ranges ([ ]) are not supported in CODEOWNERS',
      },
    ]);
  });

  it("reads a CODEOWNERS rule's escapes the same way, and skips one that escapes nothing at its line", () => {
    const parsed = parseCodeowners(
      ["/docs/\\#notes.md @ana", "\\#lead.md @ana", "/My\\ Documents/ @ana", "/docs/notes\\"].join("\n"),
      "CODEOWNERS",
    );
    expect(parsed.rules.map((rule) => rule.pattern)).toEqual([
      "/docs/\\#notes.md",
      "\\#lead.md",
      "/My Documents/",
    ]);
    expect(parsed.problems).toMatchObject([
      {
        code: "unsupported-pattern",
        path: "rules[3]",
        line: 4,
        column: 1,
        message:
          'a backslash at the end escapes nothing (a backslash makes the next character literal: \\\\ for a backslash); rule "/docs/notes\\\\" skipped',
      },
    ]);
  });
});

describe("a CODEOWNERS rule with an escaped backslash before a space", () => {
  it("ends the pattern at the space, as git reads it, so the owner is the rule's", () => {
    const parsed = parseCodeowners("/win/a\\\\ @ana\n/My\\ Documents/ @bob\n", "CODEOWNERS");
    expect(parsed.problems).toEqual([]);
    expect(parsed.rules.map((rule) => [rule.pattern, rule.owners])).toEqual([
      ["/win/a\\\\", ["@ana"]],
      ["/My Documents/", ["@bob"]],
    ]);
  });
});
