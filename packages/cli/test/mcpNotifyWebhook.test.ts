/**
 * `factory mcp --notify-webhook`: the server posts inbox notifications to a
 * webhook while it lives (the built bin, a real MCP client over stdio, the MCP
 * package's local webhook receiver). Its refusals of a missing or malformed
 * URL or format, in the MCP package's words and without the URL's path, are
 * mcpLikeFactoryMcp's, for both bins.
 */
import { createHmac } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useWebhookReceiver } from "../../mcp/test/webhookReceiver.js";
import { SHOP_YAML } from "./fixtures.js";
import { BIN, runFactory } from "./runFactory.js";

const SECRET = "cli-webhook-secret";
/** The bin starts in a few seconds on a loaded machine. */
const SLOW = { timeout: 240_000 };
let cwd: string;
const receiver = useWebhookReceiver();

beforeAll(async () => {
  cwd = mkdtempSync(join(tmpdir(), "factory-cli-notify-webhook-"));
  writeFileSync(join(cwd, "factory.yaml"), SHOP_YAML);
  expect((await runFactory(["--dir", ".factory", "init", "--plan", "factory.yaml"], { cwd })).code).toBe(0);
});

afterAll(() => rmSync(cwd, { recursive: true, force: true }));

describe("factory mcp --notify-webhook", () => {
  it(
    "posts the inbox notifications written while it serves, signed with FACTORY_WEBHOOK_SECRET",
    SLOW,
    async () => {
      const { item, request, requests } = await receiver.notifiedThrough(
        {
          args: [
            BIN,
            "--dir",
            ".factory",
            "--actor",
            "claude",
            "mcp",
            "--notify-webhook",
            "--notify-format",
            "slack",
          ],
          cwd,
          env: {
            FACTORY_NOTIFY_WEBHOOK: receiver.url("/hooks/T1/secret-path-token"),
            FACTORY_WEBHOOK_SECRET: SECRET,
          },
        },
        join(cwd, ".factory"),
        "Checkout is failing",
      );

      expect(requests).toHaveLength(1);
      expect(request?.headers["idempotency-key"]).toBe(item.id);
      const text = (JSON.parse(request?.body ?? "{}") as { text: string }).text;
      expect(text).toContain("*Checkout is failing*");
      expect(text).toContain(`notification ${item.id}`);
      const timestamp = String(request?.headers["x-factory-timestamp"]);
      const signature = createHmac("sha256", SECRET).update(`${timestamp}.${request?.body}`).digest("hex");
      expect(request?.headers["x-factory-signature"]).toBe(`sha256=${signature}`);
    },
  );
});
