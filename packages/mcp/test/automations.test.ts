import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client } from "@modelcontextprotocol/client";
import { StdioClientTransport } from "@modelcontextprotocol/client/stdio";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seededFactory } from "./fixtures.js";

const repoRoot = join(import.meta.dirname, "..", "..", "..");
let dir: string;

beforeAll(async () => {
  const seeded = await seededFactory(mkdtempSync(join(tmpdir(), "mcp-automations-")));
  dir = seeded.dir;
  await seeded.factory.close();
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

interface InboxAnswer {
  structuredContent?: { items: { title: string; ref?: { id: string } }[]; unread: number };
}

describe("factory-mcp --automations", () => {
  it("tells the line's owner, in the inbox get_inbox reads, of a signal captured on the line", async () => {
    const client = new Client({ name: "automations-test", version: "1.0.0" });
    await client.connect(
      new StdioClientTransport({
        command: process.execPath,
        args: [
          "--conditions=@software-factory/source",
          "--import",
          "tsx",
          join(repoRoot, "packages/mcp/src/bin.ts"),
          "--dir",
          dir,
          "--actor",
          "support-agent",
          "--automations",
        ],
        cwd: repoRoot,
        stderr: "pipe",
      }),
    );
    try {
      const captured = (await client.callTool({
        name: "capture_signal",
        arguments: { text: "The payment page spins forever", source: "support", line: "payments" },
      })) as { structuredContent?: { id: string } };
      const signal = captured.structuredContent?.id as string;
      // The automation runs beside the call; read the inbox until its notification is there.
      const inbox = async (operator: string) =>
        ((await client.callTool({ name: "get_inbox", arguments: { operator } })) as InboxAnswer)
          .structuredContent?.items ?? [];
      const aboutSignal = async (operator: string) =>
        (await inbox(operator)).find((item) => item.ref?.id === signal);
      await expect.poll(() => aboutSignal("bo"), { timeout: 30_000, interval: 100 }).toBeDefined();
      expect((await aboutSignal("bo"))?.title).toBe(
        "New medium signal for payments: The payment page spins forever",
      );
      expect(await aboutSignal("ana")).toBeUndefined();
    } finally {
      await client.close();
    }
  }, 120_000);
});
