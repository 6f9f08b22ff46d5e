/**
 * The name part of `skill://{name}/...` URIs is percent-decoded as the path
 * part is: a client that encodes a skill's name reads the same resource, and
 * a malformed encoding of the name is answered as invalid params (-32602)
 * naming the name. A real client over stdio, against the built factory-mcp.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Client, ResourceNotFoundError } from "@modelcontextprotocol/client";
import { openFactory } from "@software-factory/intelligence";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectToServer } from "./fixtures.js";

let dir: string;
let client: Client;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "factory-mcp-skill-uri-names-"));
  const skill = join(dir, "skills", "release-notes");
  mkdirSync(join(skill, "references"), { recursive: true });
  writeFileSync(
    join(skill, "SKILL.md"),
    "---\nname: release-notes\ndescription: Write release notes from merged work\n---\n\nRead references/style.md first.\n",
  );
  writeFileSync(join(skill, "references", "style.md"), "One line per change.\n");
  await (await openFactory({ dir, actor: "ana" })).close();
  client = await connectToServer("skill-uri-names-test", ["--dir", dir, "--actor", "agent"]);
});

afterAll(async () => {
  await client?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** What a rejected call of the client was rejected with. */
async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("the call was answered, not refused");
}

/** The text of the first content of a resource. */
async function textOf(uri: string): Promise<string | undefined> {
  const read = await client.readResource({ uri });
  const [first] = read.contents;
  return first !== undefined && "text" in first ? first.text : undefined;
}

describe("skill:// URIs with a percent-encoded name", () => {
  it.each([
    ["skill://release%2Dnotes/SKILL.md", "skill://release-notes/SKILL.md"],
    ["skill://%72elease-notes/references/style.md", "skill://release-notes/references/style.md"],
  ])("reads %s as %s", async (encoded, plain) => {
    const text = await textOf(encoded);
    expect(text).toBeDefined();
    expect(text).toBe(await textOf(plain));
  });

  it.each([
    ["skill://%E0%A4%A/SKILL.md", "%E0%A4%A"],
    ["skill://release%ZZnotes/references/style.md", "release%ZZnotes"],
  ])(
    "answers %s, whose name is malformed percent-encoding, as invalid params naming the name",
    async (uri, raw) => {
      const error = await rejection(client.readResource({ uri }));
      expect(error).toBeInstanceOf(ResourceNotFoundError);
      expect(error).toMatchObject({ code: -32602, data: { uri } });
      expect((error as Error).message).toContain(`the name "${raw}" of ${uri} is not valid percent-encoding`);
    },
  );
});
