/**
 * `factory mcp --notify-webhook`: the server posts inbox notifications to a
 * webhook while it lives (the built bin, a real MCP client over stdio, a local
 * HTTP receiver), and refuses a missing or malformed URL or format as a usage
 * error without showing the URL's path.
 */
import { createHmac } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client } from "@modelcontextprotocol/client";
import { StdioClientTransport } from "@modelcontextprotocol/client/stdio";
import { estimateTokenCounter, openFactory } from "@software-factory/intelligence";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SHOP_YAML } from "./fixtures.js";
import { BIN, runFactory } from "./runFactory.js";

const SECRET = "cli-webhook-secret";
/** The bin starts in a few seconds on a loaded machine. */
const SLOW = { timeout: 240_000 };
let cwd: string;
let receiver: Server;
const received: { headers: IncomingHttpHeaders; body: string }[] = [];
let arrived: () => void = () => undefined;

beforeAll(async () => {
  cwd = mkdtempSync(join(tmpdir(), "factory-cli-notify-webhook-"));
  writeFileSync(join(cwd, "factory.yaml"), SHOP_YAML);
  expect((await runFactory(["--dir", ".factory", "init", "--plan", "factory.yaml"], { cwd })).code).toBe(0);
  receiver = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      received.push({ headers: request.headers, body: Buffer.concat(chunks).toString() });
      response.end("ok");
      arrived();
    });
  });
  await new Promise<void>((listening) => receiver.listen(0, "127.0.0.1", listening));
});

afterAll(async () => {
  receiver.closeAllConnections();
  await new Promise((closed) => receiver.close(closed));
  rmSync(cwd, { recursive: true, force: true });
});

describe("factory mcp --notify-webhook", () => {
  it(
    "posts the inbox notifications written while it serves, signed with FACTORY_WEBHOOK_SECRET",
    SLOW,
    async () => {
      const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks/T1/secret-path-token`;
      const client = new Client({ name: "cli-notify-webhook-test", version: "1.0.0" });
      await client.connect(
        new StdioClientTransport({
          command: process.execPath,
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
            ...process.env,
            FACTORY_DATABASE_URL: "",
            FACTORY_DIR: "",
            FACTORY_NOTIFY_WEBHOOK: url,
            FACTORY_WEBHOOK_SECRET: SECRET,
          } as Record<string, string>,
          stderr: "pipe",
        }),
      );
      try {
        const delivered = new Promise<void>((resolve) => {
          arrived = resolve;
        });
        const sdk = await openFactory({ dir: join(cwd, ".factory"), tokenCounter: estimateTokenCounter });
        const item = await sdk.inbox.notify({ to: "ana", title: "Checkout is failing", body: "Since 9:00." });
        await sdk.close();
        await delivered;

        expect(received).toHaveLength(1);
        const [request] = received;
        expect(request?.headers["idempotency-key"]).toBe(item.id);
        const text = (JSON.parse(request?.body ?? "{}") as { text: string }).text;
        expect(text).toContain("*Checkout is failing*");
        expect(text).toContain(`notification ${item.id}`);
        const timestamp = String(request?.headers["x-factory-timestamp"]);
        const signature = createHmac("sha256", SECRET).update(`${timestamp}.${request?.body}`).digest("hex");
        expect(request?.headers["x-factory-signature"]).toBe(`sha256=${signature}`);
      } finally {
        await client.close();
      }
    },
  );

  it(
    "refuses a missing or malformed URL and an unknown format with exit code 2, never showing the URL's path",
    SLOW,
    async () => {
      const run = (args: string[]) =>
        runFactory(["--dir", ".factory", "mcp", ...args], {
          cwd,
          env: { FACTORY_NOTIFY_WEBHOOK: undefined },
        });

      const ftp = await run(["--notify-webhook", "ftp://hooks.example.com/T1/secret-path-token"]);
      expect(ftp.code).toBe(2);
      expect(ftp.stderr).toContain("--notify-webhook: url must be an http or https URL");
      expect(ftp.stderr).not.toContain("secret-path-token");

      const none = await run(["--notify-webhook"]);
      expect(none.code).toBe(2);
      expect(none.stderr).toContain("--notify-webhook needs a URL");

      const teams = await run([
        "--notify-webhook",
        "https://hooks.example.com/x",
        "--notify-format",
        "teams",
      ]);
      expect(teams.code).toBe(2);
      expect(teams.stderr).toContain('--notify-format must be json or slack, not "teams"');

      const alone = await run(["--notify-format", "slack"]);
      expect(alone.code).toBe(2);
      expect(alone.stderr).toContain("--notify-format needs --notify-webhook");
    },
  );
});
