/**
 * A prompt argument that names a factory id completes as the resource
 * template of those ids does (they gave no value): summarize-line's `line`
 * gives the lines and draft-requirement's `signal` the signals (a real SDK
 * client over stdio to the built `factory-mcp`); a skill of the SDK's whose
 * input names a work item, a document or an artifact gives those (over
 * Streamable HTTP, served in process).
 */
import { rmSync } from "node:fs";
import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import { defineSkill, type Factory } from "@software-factory/intelligence";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { type HttpServer, serveHttp } from "../src/index.js";
import { seededFactory, useSeededServer } from "./fixtures.js";

let signal = "";

const server = useSeededServer("prompt-completions-test", async ({ factory }) => {
  signal = (await factory.work.captureSignal({ text: "Checkout is slow", source: "support" })).id;
});

/** What completing the argument `name` of the prompt `prompt` with `value` answers, asked by `client`. */
async function complete(client: Client, prompt: string, name: string, value: string) {
  const { completion } = await client.complete({
    ref: { type: "ref/prompt", name: prompt },
    argument: { name, value },
  });
  return completion;
}

describe("completion of the built-in prompts' arguments", () => {
  it("gives the lines for summarize-line's line, as factory://lines/{id} does", async () => {
    const all = await complete(server.client, "summarize-line", "line", "");
    expect(all).toMatchObject({ values: ["checkout", "payments", "search"], total: 3, hasMore: false });
    const resource = await server.client.complete({
      ref: { type: "ref/resource", uri: "factory://lines/{id}" },
      argument: { name: "id", value: "pay" },
    });
    expect(resource.completion.values).toEqual(["payments"]);
    expect((await complete(server.client, "summarize-line", "line", "pay")).values).toEqual(["payments"]);
  });

  it("gives the signals for draft-requirement's signal", async () => {
    expect((await complete(server.client, "draft-requirement", "signal", "")).values).toEqual([signal]);
  });

  it("keeps each argument's description in prompts/list", async () => {
    const { prompts } = await server.client.listPrompts();
    const summarize = prompts.find((prompt) => prompt.name === "summarize-line");
    expect(summarize?.arguments).toEqual([
      { name: "line", description: expect.stringMatching(/line/i), required: false },
    ]);
  });
});

describe("completion of a skill's prompt whose input names a work item, a document and an artifact", () => {
  const token = "test-token-0123456789";
  const ids = { workItem: "", document: "", artifact: "REQ-retries" };
  let seeded: { dir: string; factory: Factory };
  let http: HttpServer;
  let client: Client;
  beforeAll(async () => {
    seeded = await seededFactory();
    const { factory } = seeded;
    factory.skills.add(
      defineSkill({
        name: "triage",
        description: "Triage a work item against a document and an artifact.",
        instructions: "Read the three, then say what to do first.",
        input: z.object({ workItem: z.string(), document: z.string(), artifact: z.string() }),
        output: z.string(),
        run: async () => "done",
      }),
    );
    ids.workItem = (await factory.work.createWorkItem({ line: "checkout", title: "Retries" })).id;
    ids.document = (await factory.knowledge.list())[0]?.id ?? "";
    await factory.work.recordArtifact({
      id: ids.artifact,
      kind: "requirement",
      title: "Retries",
      fields: { body: "The checkout shall retry a failed payment." },
      line: "checkout",
    });
    http = await serveHttp(factory, { port: 0, token });
    client = new Client({ name: "prompt-completions-test", version: "1.0.0" });
    await client.connect(
      new StreamableHTTPClientTransport(new URL(http.url), {
        requestInit: { headers: { authorization: `Bearer ${token}` } },
      }),
    );
  });
  afterAll(async () => {
    await client?.close();
    await http?.close();
    await seeded?.factory.close();
    if (seeded !== undefined) rmSync(seeded.dir, { recursive: true, force: true });
  });

  it.each(["workItem", "document", "artifact"] as const)("completes %s with its ids", async (argument) => {
    const completion = await complete(client, "triage", argument, "");
    expect(completion).toMatchObject({ values: [ids[argument]], total: 1, hasMore: false });
  });
});
