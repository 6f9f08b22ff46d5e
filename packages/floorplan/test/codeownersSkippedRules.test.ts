import { parseCodeowners } from "@software-factory/floorplan";
import { describe, expect, it } from "vitest";

describe("CODEOWNERS rules skipped by the import", () => {
  it("names each skipped rule by its own place among the file's rules", () => {
    const parsed = parseCodeowners(
      [
        "# owners",
        "* @alice",
        "!/generated/ @bob",
        "/api/ @carol not-an-owner",
        "",
        "/docs/ @dana",
        "/src/[ab]/ @erin",
      ].join("\n"),
      "CODEOWNERS",
    );

    expect(parsed.problems.map(({ code, path, line, column }) => ({ code, path, line, column }))).toEqual([
      { code: "unsupported-pattern", path: "rules[1]", line: 3, column: 1 },
      { code: "bad-owner", path: "rules[2]", line: 4, column: 14 },
      { code: "unsupported-pattern", path: "rules[4]", line: 7, column: 1 },
    ]);
    expect(parsed.rules.map((rule) => rule.pattern)).toEqual(["*", "/docs/"]);
  });
});
