/**
 * A retracted document cannot be changed, the same from every face: the SDK's
 * `link` and `supersede`, `capture_knowledge` and `record_decision` with
 * `supersedes`, and `factory knowledge capture --supersedes`; none writes anything.
 */
import { join } from "node:path";
import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import { openFactory } from "@software-factory/intelligence";
import { DocumentRetractedError } from "@software-factory/knowledge";
import { serveHttp } from "@software-factory/mcp";
import { describe, expect, it } from "vitest";
import { SLOW, useShopFactory } from "./shopFactory.js";

const { cwd, factory: factoryCli, ok } = useShopFactory("factory-retracted-supersede-");
const token = "retracted-supersede-token-0123456789abcdef";

describe("a retracted document", () => {
  it("is E_RETRACTED when linked or superseded from the SDK, the MCP tools and the CLI", SLOW, async () => {
    const captured = await ok(
      "knowledge",
      "capture",
      "--json",
      "--kind",
      "note",
      "--title",
      "Retries",
      "--body",
      "Twice.",
    );
    const id = JSON.parse(captured.stdout).id as string;
    await ok("knowledge", "retract", id, "--reason", "wrong");

    const cli = await factoryCli(
      "knowledge",
      "capture",
      "--kind",
      "note",
      "--title",
      "Retries v2",
      "--body",
      "Three times.",
      "--supersedes",
      id,
    );
    expect(cli.code).toBe(1);
    expect(cli.stderr).toMatch(
      new RegExp(
        `^error: E_RETRACTED: document ${id} \\("Retries"\\) was retracted at .+ \\(wrong\\) and cannot be superseded;`,
      ),
    );

    const factory = await openFactory({ dir: join(cwd(), ".factory") });
    const server = await serveHttp(factory, { port: 0, token });
    const client = new Client({ name: "retracted-supersede-test", version: "1.0.0" });
    try {
      const head = await factory.log.head();
      const linked = await factory.knowledge
        .link(id, { type: "relatesTo", target: "REQ-1" })
        .catch((error: unknown) => error);
      expect(linked).toBeInstanceOf(DocumentRetractedError);
      expect(linked).toMatchObject({ code: "E_RETRACTED", id, reason: "wrong" });

      await client.connect(
        new StreamableHTTPClientTransport(new URL(server.url), {
          requestInit: { headers: { authorization: `Bearer ${token}` } },
        }),
      );
      const calls = [
        {
          name: "capture_knowledge",
          arguments: { kind: "note", title: "Retries v2", body: "Three times.", supersedes: [id] },
        },
        {
          name: "record_decision",
          arguments: {
            title: "Retry three times",
            context: "Twice was too few.",
            decision: "Retry three times.",
            supersedes: [id],
          },
        },
      ];
      for (const call of calls) {
        const tool = (await client.callTool(call)) as { isError?: boolean; content: { text: string }[] };
        expect(tool.isError, call.name).toBe(true);
        expect(tool.content[0]?.text, call.name).toMatch(
          /^E_RETRACTED: document .+ and cannot be superseded;/,
        );
      }
      expect(await factory.log.head()).toBe(head);
    } finally {
      await client.close();
      await server.close();
      await factory.close();
    }
  });
});
