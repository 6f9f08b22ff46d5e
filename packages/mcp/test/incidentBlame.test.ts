/**
 * `open_incident` and `list_incidents` answer the deployment an incident is
 * blamed on (`blamedOn`, the one get_metrics' change fail rate counts it
 * against), and null when none is. A real client over stdio to the built
 * `factory-mcp`, on a real SQLite factory.
 */
import { describe, expect, it } from "vitest";
import { useSeededServer } from "./fixtures.js";

const { call } = useSeededServer("incident-blame-test");

/** A tool's answer that must not be an error (checked). */
async function ok(name: string, args: Record<string, unknown>): Promise<Record<string, unknown>> {
  const result = await call(name, args);
  expect(result.isError, result.content[0]?.text).toBeUndefined();
  return result.structuredContent as Record<string, unknown>;
}

describe("the deployment an incident is blamed on, over MCP", () => {
  it("is the line's latest production deployment for an incident naming only the line, else null", async () => {
    const release = await ok("record_deployment", { line: "checkout", version: "v1" });
    await ok("record_deployment", { line: "search", version: "s1", environment: "staging" });

    const timeout = await ok("open_incident", { title: "Card payments time out", line: "checkout" });
    const stale = await ok("open_incident", { title: "Results are stale", line: "search" });

    expect(timeout).toMatchObject({ line: "checkout", blamedOn: release.id });
    expect(timeout).not.toHaveProperty("deployment");
    expect(stale).toMatchObject({ line: "search", blamedOn: null });
    const listed = (await ok("list_incidents", {})).items as Record<string, unknown>[];
    expect(listed.map((incident) => [incident.id, incident.blamedOn])).toEqual([
      [stale.id, null],
      [timeout.id, release.id],
    ]);
  });
});
