/**
 * A local node:http webhook receiver for the tests of `--notify-webhook`
 * (`factory-mcp`'s here, `factory mcp`'s in the CLI's tests): a bin serves a
 * factory over stdio with a real MCP client, this process writes an inbox
 * notification, and the test reads what the receiver got.
 */
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Client } from "@modelcontextprotocol/client";
import { StdioClientTransport } from "@modelcontextprotocol/client/stdio";
import { estimateTokenCounter, type InboxItem, openFactory } from "@software-factory/intelligence";
import { afterAll, beforeAll } from "vitest";

/** A request the receiver got. */
export interface ReceivedPost {
  /** Its headers. */
  readonly headers: IncomingHttpHeaders;
  /** Its body, as text. */
  readonly body: string;
}

/** The bin serving the factory: `node <args>` in `cwd`, with `env` over the base environment. */
export interface ServingBin {
  /** The arguments of `node`: the bin, then its own. */
  readonly args: readonly string[];
  /** The working folder of the bin. */
  readonly cwd: string;
  /** Variables set over the base environment (no factory, token, webhook or secret named by it). */
  readonly env: Readonly<Record<string, string>>;
}

/** What a notification written while a bin served came to. */
export interface Notified {
  /** The notification written. */
  readonly item: InboxItem;
  /** The last request the receiver got: the notification's post. */
  readonly request: ReceivedPost | undefined;
  /** Every request the receiver got so far, oldest first. */
  readonly requests: readonly ReceivedPost[];
  /** The bin's stderr until its post arrived. */
  readonly stderr: string;
}

/** The receiver of a test file, started before its tests and closed after. */
export interface WebhookReceiver {
  /** The receiver's port. */
  port(): number;
  /** `http://127.0.0.1:<port>` followed by `path`. */
  url(path: string): string;
  /**
   * Serves the factory at `dir` with `bin` over stdio, writes a notification
   * to ana titled `title` from this process, and resolves once the receiver
   * got its post; the client is closed then.
   */
  notifiedThrough(bin: ServingBin, dir: string, title: string): Promise<Notified>;
}

/** The environment every bin starts from: no factory, token, webhook or secret named by it. */
export const BASE_ENV = {
  ...process.env,
  FACTORY_DATABASE_URL: "",
  FACTORY_DIR: "",
  FACTORY_MCP_TOKEN: "",
  FACTORY_NOTIFY_WEBHOOK: "",
  FACTORY_WEBHOOK_SECRET: "",
};

/** Starts a receiver before the file's tests (answering `ok` to each request) and closes it after them. */
export function useWebhookReceiver(): WebhookReceiver {
  let receiver: Server;
  const requests: ReceivedPost[] = [];
  let arrived: () => void = () => undefined;
  beforeAll(async () => {
    receiver = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on("data", (chunk: Buffer) => chunks.push(chunk));
      request.on("end", () => {
        requests.push({ headers: request.headers, body: Buffer.concat(chunks).toString() });
        response.end("ok");
        arrived();
      });
    });
    await new Promise<void>((listening) => receiver.listen(0, "127.0.0.1", listening));
  });
  afterAll(async () => {
    receiver.closeAllConnections();
    await new Promise((closed) => receiver.close(closed));
  });
  const port = () => (receiver.address() as AddressInfo).port;
  return {
    port,
    url: (path) => `http://127.0.0.1:${port()}${path}`,
    async notifiedThrough(bin, dir, title) {
      const transport = new StdioClientTransport({
        command: process.execPath,
        args: [...bin.args],
        cwd: bin.cwd,
        env: { ...BASE_ENV, ...bin.env } as Record<string, string>,
        stderr: "pipe",
      });
      let stderr = "";
      transport.stderr?.on("data", (chunk: Buffer) => {
        stderr += chunk.toString("utf8");
      });
      const client = new Client({ name: "notify-webhook-test", version: "1.0.0" });
      await client.connect(transport);
      try {
        const delivered = new Promise<void>((resolve) => {
          arrived = resolve;
        });
        const sdk = await openFactory({ dir, tokenCounter: estimateTokenCounter });
        const item = await sdk.inbox.notify({ to: "ana", title, body: "Since 9:00." });
        await sdk.close();
        await delivered;
        return { item, request: requests.at(-1), requests: [...requests], stderr };
      } finally {
        await client.close();
      }
    },
  };
}
