/**
 * `factory://work/{id}` shows a work item's artifacts with each field cut to
 * 500 characters, saying how long it is and where it reads whole:
 * `factory://artifacts/{id}`. A work item whose design had a 192,000-character
 * body read as some 197,000 characters. A real SDK client over stdio to the
 * built `factory-mcp`.
 */
import { ResourceNotFoundError } from "@modelcontextprotocol/client";
import { describe, expect, it } from "vitest";
import { useSeededServer } from "./fixtures.js";

const server = useSeededServer("work-resource-cut-test");

/** The text of the resource at `uri`. */
const read = async (uri: string) => {
  const [content] = (await server.client.readResource({ uri })).contents;
  return content !== undefined && "text" in content ? content.text : "";
};

describe("factory://work/{id}", () => {
  it("cuts an artifact's long field at a character, names where it reads whole, and keeps short fields", async () => {
    const item = await server.call("create_work_item", { line: "checkout", title: "Card vault" });
    const id = item.structuredContent?.id as string;
    const body = `${"a".repeat(499)}\u{1F600}${"b".repeat(191_500)}`;
    const paths = Array.from({ length: 100 }, (_, index) => `src/checkout/vault${index}.ts`);
    await server.call("record_artifact", {
      id: "DES-vault",
      kind: "design",
      title: "Card vault",
      workItem: id,
      fields: { body, paths, reviewers: ["ana"] },
    });

    const text = await read(`factory://work/${id}`);
    expect(text.length).toBeLessThan(5000);
    const { workItem, trace } = JSON.parse(text) as {
      workItem: { id: string };
      trace: { item?: unknown; artifacts: { id: string; fields: Record<string, unknown> }[] };
    };
    expect(workItem.id).toBe(id);
    expect(trace).not.toHaveProperty("item");
    const [artifact] = trace.artifacts;
    expect(artifact?.fields).toEqual({
      body: `${"a".repeat(499)}... (cut: the field is 192,001 characters; factory://artifacts/DES-vault reads it whole)`,
      paths: `${JSON.stringify(paths).slice(0, 500)}... (cut: the field is ${JSON.stringify(paths).length.toLocaleString("en-US")} characters as JSON; factory://artifacts/DES-vault reads it whole)`,
      reviewers: ["ana"],
    });

    const whole = JSON.parse(await read("factory://artifacts/DES-vault")) as {
      artifact: { id: string; fields: Record<string, unknown> };
    };
    expect(whole.artifact).toMatchObject({ id: "DES-vault", version: 1, fields: { body, paths } });
  });

  it("factory://artifacts/{id} of an artifact the factory does not have is resource-not-found, naming it", async () => {
    await expect(server.client.readResource({ uri: "factory://artifacts/DES-nope" })).rejects.toThrow(
      ResourceNotFoundError,
    );
    await expect(server.client.readResource({ uri: "factory://artifacts/DES-nope" })).rejects.toThrow(
      `no artifact "DES-nope" (factory://work/{id} names a work item's artifacts)`,
    );
  });
});
