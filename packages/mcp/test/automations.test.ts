import { describe, expect, it } from "vitest";
import { connectToServer, useSeededFolder } from "./fixtures.js";

const folder = useSeededFolder();

interface InboxAnswer {
  structuredContent?: { items: { title: string; ref?: { id: string } }[]; unread: number };
}

describe("factory-mcp --automations", () => {
  it("tells the line's owner, in the inbox get_inbox reads, of a signal captured on the line", async () => {
    const client = await connectToServer("automations-test", [
      "--dir",
      folder.dir,
      "--actor",
      "support-agent",
      "--automations",
    ]);
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
