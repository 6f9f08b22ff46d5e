import { ValidationError } from "@software-factory/core";
import { planOf, safeParseFactoryYaml } from "@software-factory/floorplan";
import { describe, expect, it } from "vitest";

const yaml = `version: 1
operators:
  - id: alice
lines:
  - id: checkout
    owner: alice
    paths: ["/packages/checkout/", ""]
`;

describe("an empty path pattern", () => {
  it("is reported once in factory.yaml, at its place", () => {
    const result = safeParseFactoryYaml(yaml, "factory.yaml");
    expect(result.success).toBe(false);
    if (result.success) return;
    expect(
      result.problems.map(
        (problem) => `${problem.line}:${problem.column} ${problem.path} ${problem.message}`,
      ),
    ).toEqual(["7:36 lines[0].paths[1] a path pattern must not be empty"]);
  });

  it("is reported once when a plan is built in code", () => {
    let caught: unknown;
    try {
      planOf({ lines: [{ id: "checkout", paths: [""] }] });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ValidationError);
    expect((caught as ValidationError).issues).toEqual([
      expect.objectContaining({ path: "lines[0].paths[0]", message: "a path pattern must not be empty" }),
    ]);
  });
});
