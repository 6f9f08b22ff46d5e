/**
 * A resource read of an id far longer than any id (`factory://lines/` and
 * 100,000 characters) used to be refused quoting the whole id, in the -32602
 * message and in data.uri: the refusal was larger than the read. It now
 * quotes the first 80 characters and says how long the value was.
 */
import { type Client, ResourceNotFoundError } from "@modelcontextprotocol/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectToServer, useSeededFolder } from "./fixtures.js";

const folder = useSeededFolder();
let client: Client;

beforeAll(async () => {
  client = await connectToServer("long-resource-ids-test", ["--dir", folder.dir, "--actor", "agent"]);
});

afterAll(async () => {
  await client?.close();
});

const long = "x".repeat(100_000);
const shown = `${"x".repeat(80)}... (100,000 characters)`;

describe("a resource read of a 100,000-character id", () => {
  it.each([
    ["factory://lines/", "id"],
    ["factory://work/", "id"],
    ["factory://documents/", "id"],
    ["skill://", "name"],
  ])("%s... is refused quoting 80 characters of the %s", async (prefix, part) => {
    const uri = prefix === "skill://" ? `skill://${long}/SKILL.md` : `${prefix}${long}`;
    const error = await client.readResource({ uri }).then(
      () => undefined,
      (refusal: unknown) => refusal,
    );
    expect(error).toBeInstanceOf(ResourceNotFoundError);
    const { message, data } = error as ResourceNotFoundError & { data: { uri: string } };
    expect(message).toContain(`the ${part} "${shown}" is longer than any ${part} (at most 200 characters)`);
    expect(message.length).toBeLessThan(500);
    expect(data.uri.length).toBeLessThan(200);
    expect(data.uri).toContain("... (100,0");
  });

  it("a skill file path of 100,000 characters is refused quoting 80 of them", async () => {
    const error = await client.readResource({ uri: `skill://summarize-line/${long}` }).then(
      () => undefined,
      (refusal: unknown) => refusal,
    );
    expect(error).toBeInstanceOf(ResourceNotFoundError);
    expect((error as Error).message).toContain(
      `the path "${shown}" is longer than any path (at most 4096 characters)`,
    );
    expect((error as Error).message.length).toBeLessThan(500);
  });
});
