/**
 * `link_artifacts` refuses a link that would close a cycle, naming the links
 * already there. A real client over stdio to the built `factory-mcp`, on a
 * real SQLite factory.
 */
import { describe, expect, it } from "vitest";
import { useSeededServer } from "./fixtures.js";

const { call, refused } = useSeededServer("trace-cycles-test");

describe("link_artifacts closing a cycle", () => {
  it("is refused with E_VALIDATION naming the existing link", async () => {
    for (const [id, kind] of [
      ["REQ-x", "requirement"],
      ["DES-x", "design"],
    ])
      expect((await call("record_artifact", { id, kind, title: id })).isError).toBeUndefined();
    expect(
      (await call("link_artifacts", { from: "DES-x", to: "REQ-x", type: "derivesFrom" })).isError,
    ).toBeUndefined();

    expect(await refused("link_artifacts", { from: "REQ-x", to: "DES-x", type: "derivesFrom" })).toBe(
      'E_VALIDATION: trace link is invalid: to: "REQ-x derivesFrom DES-x" would close a cycle: DES-x derivesFrom REQ-x already, so REQ-x is upstream of DES-x; a link runs from the downstream end to the upstream one',
    );
  });
});
