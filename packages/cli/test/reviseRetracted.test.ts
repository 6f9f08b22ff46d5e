/**
 * A retracted document cannot be revised, the same from every face:
 * `KnowledgeBase.revise`, the `revise_knowledge` tool and `factory knowledge revise`.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import { openFactory } from "@software-factory/intelligence";
import { DocumentRetractedError } from "@software-factory/knowledge";
import { serveHttp } from "@software-factory/mcp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SHOP_YAML } from "./fixtures.js";
import { runFactory } from "./runFactory.js";

let cwd: string;
const token = "revise-retracted-token-0123456789abcdef";
const factoryCli = (...args: string[]) => runFactory(["--dir", ".factory", ...args], { cwd });
/** The bin runs several times, a few seconds each on a loaded machine. */
const SLOW = { timeout: 240_000 };

beforeAll(async () => {
  cwd = mkdtempSync(join(tmpdir(), "factory-revise-retracted-"));
  writeFileSync(join(cwd, "factory.yaml"), SHOP_YAML);
  expect((await factoryCli("init", "--plan", "factory.yaml")).code).toBe(0);
}, 240_000);

afterAll(() => {
  rmSync(cwd, { recursive: true, force: true });
});

describe("revising a retracted document", () => {
  it(
    "is E_RETRACTED naming the document from factory knowledge revise, revise_knowledge and the SDK",
    SLOW,
    async () => {
      const captured = await factoryCli(
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
      expect(captured.code, captured.stderr).toBe(0);
      const id = JSON.parse(captured.stdout).id as string;
      expect((await factoryCli("knowledge", "retract", id, "--reason", "wrong")).code).toBe(0);

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

      const factory = await openFactory({ dir: join(cwd, ".factory") });
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
