import type { Client } from "@modelcontextprotocol/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { callTool, connectToServer, type ToolResult, useSeededFolder } from "./fixtures.js";

const folder = useSeededFolder();
let client: Client;

beforeAll(async () => {
  client = await connectToServer("idempotent-retries-test", ["--dir", folder.dir, "--actor", "agent"]);
});

afterAll(async () => {
  await client?.close();
});

/** Calls `name` with `args`, checking that it answered no error. */
async function call(name: string, args: Record<string, unknown>): Promise<ToolResult> {
  const result = await callTool(client, name, args);
  expect(result.isError, result.content[0]?.text).toBeFalsy();
  return result;
}

/**
 * Each keyed write, its arguments, the field saying a retry wrote nothing,
 * and the sentence the retry's text content starts with (the CLI's words).
 */
const writes = [
  {
    tool: "capture_signal",
    args: { text: "Refunds take a week", source: "support", line: "payments" },
    field: "alreadyCaptured",
    sentence: (id: string) => `already captured ${id}, routed to payments: its idempotencyKey was used`,
  },
  {
    tool: "create_work_item",
    args: { line: "checkout", title: "Pay by link" },
    field: "alreadyCreated",
    sentence: (id: string) => `already created ${id} on checkout: its idempotencyKey was used`,
  },
  {
    tool: "record_deployment",
    args: { version: "v1", status: "succeeded" },
    field: "alreadyRecorded",
    sentence: (id: string) => `already recorded ${id} to production (succeeded): its idempotencyKey was used`,
  },
  {
    tool: "open_incident",
    args: { title: "Checkout is down", severity: "critical" },
    field: "alreadyOpened",
    sentence: (id: string) => `already opened ${id} (critical): its idempotencyKey was used`,
  },
] as const;

describe.each(writes)("$tool retried with its idempotency key", ({ tool, args, field, sentence }) => {
  it(`answers ${field}: true and says nothing was written; false on the call that wrote`, async () => {
    const key = `${tool}-run-1`;
    const first = await call(tool, { ...args, idempotencyKey: key });
    expect(first.structuredContent?.[field]).toBe(false);
    // The call that wrote answers its record as JSON, as before.
    expect(JSON.parse(first.content[0]?.text ?? "")).toEqual(first.structuredContent);
    const id = first.structuredContent?.id as string;

    const retried = await call(tool, { ...args, idempotencyKey: key });
    expect(retried.structuredContent).toMatchObject({ id, [field]: true });
    const [said, json] = (retried.content[0]?.text ?? "").split("\n");
    expect(said).toBe(`${sentence(id)} for it before (nothing written)`);
    expect(JSON.parse(json ?? "")).toEqual(retried.structuredContent);

    const fresh = await call(tool, { ...args, idempotencyKey: `${tool}-run-2` });
    expect(fresh.structuredContent?.id).not.toBe(id);
    expect(fresh.structuredContent?.[field]).toBe(false);

    // Without a key every call writes, so none is a retry.
    const unkeyed = await call(tool, args);
    expect(unkeyed.structuredContent?.[field]).toBe(false);
  }, 60_000);
});
