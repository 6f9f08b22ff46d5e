/**
 * `factory://metrics/encoded?operator=...` refuses an operator the factory
 * does not know, as `get_metrics {operator}` does (it answered `authors: []`
 * where the tool said E_NOT_FOUND), naming the operators close to it; an
 * operator of the floor plan who encoded nothing reads as no authors. Over
 * stdio to the built factory-mcp.
 */
import { ProtocolError } from "@modelcontextprotocol/client";
import { describe, expect, it } from "vitest";
import { useSeededServer } from "./fixtures.js";

const server = useSeededServer("encoded-usage-operator-test");

/** What a read of `uri` was refused with. */
async function refusal(uri: string): Promise<ProtocolError> {
  const error = await server.client.readResource({ uri }).then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(ProtocolError);
  expect(error).toMatchObject({ code: -32602, data: { uri } });
  return error as ProtocolError;
}

describe("factory://metrics/encoded for one operator", () => {
  it("refuses an operator the factory does not know, as get_metrics does", async () => {
    const tool = await server.refused("get_metrics", { operator: "ghost" });
    expect(tool).toContain('no operator "ghost" in the floor plan');
    const error = await refusal("factory://metrics/encoded?operator=ghost");
    expect(error.message).toBe(
      'factory://metrics/encoded?operator=ghost is invalid: operator: no operator "ghost" in the floor plan, no work item is theirs and nothing they encoded is used in the window (factory://floorplan lists the operators)',
    );
    expect((await refusal("factory://metrics/encoded?operator=bob")).message).toContain(
      '(did you mean "bo"?)',
    );
  });

  it("answers no authors for an operator of the floor plan who encoded nothing", async () => {
    const { contents } = await server.client.readResource({ uri: "factory://metrics/encoded?operator=bo" });
    expect(JSON.parse((contents[0] as { text: string }).text)).toMatchObject({ operator: "bo", authors: [] });
  });
});
