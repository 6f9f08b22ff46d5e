/**
 * Ids and paths that tools look up are bounded in length, over stdio with
 * the built `factory-mcp`: an id of 100,000 characters (an agent that put a
 * document's text where its id goes) is refused by its length, naming the
 * argument, where the refusal used to quote it whole (`no line "xxx..."`,
 * 100,000 characters handed back into the agent's context), and a git range
 * that long is refused before git is spawned with it (`spawn E2BIG`).
 */
import { describe, expect, it } from "vitest";
import { useSeededServer } from "./fixtures.js";

const server = useSeededServer("id-length-bounds-test");
const long = "x".repeat(100_000);

describe("an id or path of 100,000 characters", () => {
  it.each([
    ["get_line", { id: long }, "id", 200],
    ["get_document", { id: long }, "id", 200],
    ["revise_knowledge", { id: long, title: "t", reason: "r" }, "id", 200],
    ["link_knowledge", { id: long, type: "relatesTo", target: "doc_1" }, "id", 200],
    ["get_context", { line: long }, "line", 200],
    ["get_context", { workItem: long }, "workItem", 200],
    ["who_owns", { line: long }, "line", 200],
    ["who_owns", { paths: [long] }, "paths[0]", 4096],
    ["impact_of_change", { lines: [long] }, "lines[0]", 200],
    ["impact_of_change", { gitRange: long }, "gitRange", 1000],
    ["list_work", { stage: long }, "stage", 200],
    ["advance_work_item", { id: long, move: "advance" }, "id", 200],
    ["assign_work_item", { id: long, owner: "ana" }, "id", 200],
    ["route_signal", { signal: long }, "signal", 200],
    ["list_suspect_links", { workItem: long }, "workItem", 200],
    ["check_standards", { rules: [long] }, "rules[0]", 200],
    ["get_metrics", { line: long }, "line", 200],
    ["run_skill", { name: long }, "name", 200],
  ])(
    "%s %# is refused by its length, naming the argument, in a short answer",
    async (tool, args, field, max) => {
      const text = await server.refused(tool, args);
      expect(text).toBe(
        `E_VALIDATION: ${tool} input is invalid: ${field}: must be at most ${max} characters`,
      );
    },
  );

  it("is bounded in the advertised schemas too", async () => {
    const { tools } = await server.client.listTools();
    const property = (tool: string, name: string) =>
      tools.find((listed) => listed.name === tool)?.inputSchema.properties?.[name];
    expect(property("get_line", "id")).toMatchObject({ type: "string", maxLength: 200 });
    expect(property("impact_of_change", "paths")).toMatchObject({ items: { maxLength: 4096 } });
  });

  it("still finds the ids the factory has", async () => {
    const line = await server.call("get_line", { id: "checkout" });
    expect(line.isError).toBeFalsy();
    expect(line.structuredContent?.id).toBe("checkout");
  });
});
