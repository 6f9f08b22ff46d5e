import { openFactory } from "@software-factory/intelligence";
import { describe, expect, it } from "vitest";
import { callTool, connectToServer, useSeededFolder } from "./fixtures.js";

const folder = useSeededFolder();

/** A real client of factory-mcp over stdio, started from the sources. */
async function connect(dir: string) {
  const client = await connectToServer("idempotent-create-test", ["--dir", dir, "--actor", "ana"]);
  const call = (name: string, args: Record<string, unknown>) => callTool(client, name, args);
  return { client, call };
}

describe("create_work_item with an idempotency key", () => {
  it("returns the first call's record to a retry on the same server and after a restart", async () => {
    const request = { line: "checkout", title: "Pay by link", idempotencyKey: "req-42" };
    const first = await connect(folder.dir);
    const created = await first.call("create_work_item", request);
    expect(created.isError, created.content[0]?.text).toBeFalsy();
    const id = created.structuredContent?.id;
    expect(id).toEqual(expect.stringMatching(/^wi_/));

    const retried = await first.call("create_work_item", request);
    expect(retried.isError, retried.content[0]?.text).toBeFalsy();
    expect(retried.structuredContent).toMatchObject({ id, title: "Pay by link" });
    await first.client.close();

    const restarted = await connect(folder.dir);
    const again = await restarted.call("create_work_item", request);
    expect(again.isError, again.content[0]?.text).toBeFalsy();
    expect(again.structuredContent?.id).toBe(id);

    const different = await restarted.call("create_work_item", { ...request, title: "Pay by QR code" });
    expect(different.isError).toBe(true);
    expect(different.content[0]?.text).toContain('E_IDEMPOTENCY_CONFLICT: idempotency key "req-42"');
    expect(different.content[0]?.text).toContain("with a different title");

    const listed = await restarted.call("list_work", { line: "checkout" });
    expect(listed.structuredContent?.items).toHaveLength(1);
    await restarted.client.close();
  }, 120_000);
});

describe("capture_signal with an idempotency key", () => {
  it("captures once for a retry on the same server and after a restart, and refuses the key for other text", async () => {
    const request = {
      text: "Refunds take a week",
      source: "support",
      line: "payments",
      idempotencyKey: "ticket-4711",
    };
    const first = await connect(folder.dir);
    const captured = await first.call("capture_signal", request);
    expect(captured.isError, captured.content[0]?.text).toBeFalsy();
    const id = captured.structuredContent?.id;
    expect(id).toEqual(expect.stringMatching(/^sig_/));

    const retried = await first.call("capture_signal", request);
    expect(retried.isError, retried.content[0]?.text).toBeFalsy();
    expect(retried.structuredContent).toMatchObject({ id, line: "payments" });
    await first.client.close();

    const restarted = await connect(folder.dir);
    const again = await restarted.call("capture_signal", request);
    expect(again.structuredContent?.id).toBe(id);

    const different = await restarted.call("capture_signal", { ...request, text: "Refunds never arrive" });
    expect(different.isError).toBe(true);
    expect(different.content[0]?.text).toContain(
      `E_IDEMPOTENCY_CONFLICT: idempotency key "ticket-4711" was already used to capture signal ${id} with a different text`,
    );
    await restarted.client.close();

    const factory = await openFactory({ dir: folder.dir });
    try {
      expect(factory.work.signals().map((signal) => signal.id)).toEqual([id]);
    } finally {
      await factory.close();
    }
  }, 120_000);
});

describe("writes that record anew without a key", () => {
  it("are not marked idempotent, since a repeated call without idempotencyKey writes twice", async () => {
    const server = await connect(folder.dir);
    try {
      const { tools } = await server.client.listTools();
      const hints = Object.fromEntries(tools.map((tool) => [tool.name, tool.annotations?.idempotentHint]));
      const repeatable = [
        "capture_knowledge",
        "record_decision",
        "capture_signal",
        "create_work_item",
        "advance_work_item",
        "review_link",
        "record_deployment",
        "open_incident",
      ];
      expect(Object.fromEntries(repeatable.map((name) => [name, hints[name]]))).toEqual(
        Object.fromEntries(repeatable.map((name) => [name, false])),
      );
      // The tools that answer a repeat with what the first call wrote stay marked.
      expect(hints.record_artifact).toBe(true);
      expect(hints.resolve_incident).toBe(true);

      const request = { line: "search", title: "Synonyms for brands" };
      const first = await server.call("create_work_item", request);
      const second = await server.call("create_work_item", request);
      expect(second.structuredContent?.id).not.toBe(first.structuredContent?.id);
    } finally {
      await server.client.close();
    }
  }, 120_000);
});
