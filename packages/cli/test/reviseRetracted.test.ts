/**
 * A retracted document cannot be revised, the same from every face:
 * `KnowledgeBase.revise`, the `revise_knowledge` tool and `factory knowledge revise`.
 */
import { join } from "node:path";
import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import { openFactory } from "@software-factory/intelligence";
import { DocumentRetractedError } from "@software-factory/knowledge";
import { serveHttp } from "@software-factory/mcp";
import { describe, expect, it } from "vitest";
import { SLOW, useShopFactory } from "./shopFactory.js";

const { cwd, factory: factoryCli, ok } = useShopFactory("factory-revise-retracted-");
const token = "revise-retracted-token-0123456789abcdef";

describe("revising a retracted document", () => {
  it(
    "is E_RETRACTED naming the document from factory knowledge revise, revise_knowledge and the SDK",
    SLOW,
    async () => {
      const captured = await ok(
        "knowledge",
        "capture",
        "--json",
        "--kind",
        "note",
        "--title",
        "Retries",
        "--body",
        "Checkout retries twice.",
      );
      const id = JSON.parse(captured.stdout).id as string;
      await ok("knowledge", "retract", id, "--reason", "wrong");

      const cli = await factoryCli("knowledge", "revise", id, "--title", "x", "--reason", "y");
      expect(cli.code).toBe(1);
      expect(cli.stdout).toBe("");
      expect(cli.stderr).toMatch(
        new RegExp(
          `^error: E_RETRACTED: document ${id} \\("Retries"\\) was retracted at \\S+ \\(wrong\\) and cannot be revised`,
        ),
      );
      const shown = await factoryCli("knowledge", "show", id, "--json");
      expect(JSON.parse(shown.stdout)).toMatchObject({ title: "Retries" });

      const factory = await openFactory({ dir: join(cwd(), ".factory") });
      const server = await serveHttp(factory, { port: 0, token });
      const client = new Client({ name: "revise-retracted-test", version: "1.0.0" });
      try {
        const thrown = await factory.knowledge.revise(id, { title: "x" }).catch((error: unknown) => error);
        expect(thrown).toBeInstanceOf(DocumentRetractedError);
        expect(thrown).toMatchObject({ code: "E_RETRACTED", id, reason: "wrong" });

        await client.connect(
          new StreamableHTTPClientTransport(new URL(server.url), {
            requestInit: { headers: { authorization: `Bearer ${token}` } },
          }),
        );
        const tool = (await client.callTool({
          name: "revise_knowledge",
          arguments: { id, title: "x", reason: "y" },
        })) as { isError?: boolean; content: { text: string }[] };
        expect(tool.isError).toBe(true);
        expect(tool.content[0]?.text).toMatch(
          new RegExp(`^E_RETRACTED: document ${id} \\("Retries"\\) was retracted`),
        );
        expect((await factory.knowledge.get(id))?.revisions).toHaveLength(1);
      } finally {
        await client.close();
        await server.close();
        await factory.close();
      }
    },
  );
});
