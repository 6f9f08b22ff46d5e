/**
 * A large factory.yaml with a few problems gets each one at its file:line:column,
 * in block and flow style, whether the plan loads with warnings or fails.
 */
import { safeParseFactoryYaml } from "@software-factory/floorplan";
import { describe, expect, it } from "vitest";

const LINES = 3_000;

/** A plan of many lines: even lines in block style, odd ones in flow style; `extra` is added to line `at`. */
function largePlan(at: number, extra: string): string {
  const parts = [
    "version: 1 # the only format",
    "operators:",
    "  - id: ana",
    "  - { id: bo, email: bo@x.org }",
    "lines:",
  ];
  for (let i = 0; i < LINES; i++) {
    if (i % 2 === 0)
      parts.push(`  - id: line-${i}`, "    owner: ana", "    paths:", `      - /services/line-${i}/`);
    else parts.push(`  - { id: line-${i}, owner: bo, paths: [ "/services/line-${i}/" ] }`);
    if (i === at) parts.push(extra);
  }
  return `${parts.join("\n")}\n`;
}

/** The 1-based line and column where `marker` first occurs in `text`, plus `shift` characters. */
function placeOf(text: string, marker: string, shift = 0): string {
  const offset = text.indexOf(marker) + shift;
  const before = text.slice(0, offset);
  return `${before.split("\n").length}:${offset - before.lastIndexOf("\n")}`;
}

describe("problems of a large factory.yaml", () => {
  it("places warnings in block and flow style, and the plan still loads", () => {
    const text = largePlan(
      2_500,
      `  - { id: late, owner: ana, paths: [ "/services/line-2998/", /services/line-1/ ] }`,
    );
    const result = safeParseFactoryYaml(text, "big.yaml");

    expect(result.success).toBe(true);
    if (!result.success) return;
    expect(result.warnings.map((w) => `${w.file}:${w.line}:${w.column} ${w.code} ${w.path}`)).toEqual([
      `big.yaml:${placeOf(text, '"/services/line-1/" ]')} shadowed-pattern lines[1].paths[0]`,
      `big.yaml:${placeOf(text, '"/services/line-2998/",')} shadowed-pattern lines[2501].paths[0]`,
    ]);
    expect(result.document.getIn(["lines", 2501, "id"])).toBe("late");
  });

  it("places schema and reference errors far into the file", () => {
    const text = largePlan(2_800, "  - id: late\n    owner: nobody\n    pathz: [ a/ ]");
    const result = safeParseFactoryYaml(text, "big.yaml");

    expect(result.success).toBe(false);
    if (result.success) return;
    expect(result.problems.map((p) => `${p.line}:${p.column} ${p.code} ${p.path}`)).toEqual([
      `${placeOf(text, "nobody")} unknown-owner lines[2801].owner`,
      `${placeOf(text, "pathz")} unknown-field lines[2801].pathz`,
    ]);
  });
});
