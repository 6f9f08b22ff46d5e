/**
 * `record_deployment` refuses a deployment that names nothing that went out
 * (it counted in get_metrics' DORA measures) and an environment not in
 * lowercase (`Production` was another environment, left out of them). A
 * real client over stdio to the built `factory-mcp`, on a real SQLite factory.
 */
import { describe, expect, it } from "vitest";
import { useSeededServer } from "./fixtures.js";

const { refused } = useSeededServer("deployment-refusals-test");

describe("record_deployment", () => {
  it("refuses a deployment naming nothing, and an environment not in lowercase, saying what to give", async () => {
    expect(await refused("record_deployment", {})).toBe(
      "E_VALIDATION: deployment is invalid: (root): a deployment names what went out: give its workItems, the incidents it remediates, its line or its version",
    );
    expect(await refused("record_deployment", { environment: "Production", version: "v1" })).toBe(
      'E_VALIDATION: record_deployment input is invalid: environment: "Production" is not lowercase: environments are lowercase names, and the DORA measures count "production"; did you mean "production"?',
    );
  });
});
