/**
 * Serving a factory over Streamable HTTP, with a bearer token, Host and Origin
 * checks (DNS-rebinding protection) and a bound on request size.
 *
 * @module
 */
import { timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import {
  createMcpHandler,
  hostHeaderValidationResponse,
  localhostAllowedHostnames,
  localhostAllowedOrigins,
  originValidationResponse,
} from "@modelcontextprotocol/server";
import type { Factory } from "@software-factory/intelligence";
import { z } from "zod";
import { createFactoryMcpServer, type FactoryMcpServerOptions } from "./createFactoryMcpServer.js";
import { followServedSkills } from "./internal/SkillsFollower.js";

/** Options of {@link serveHttp}. */
export const HttpServeOptionsSchema = z.object({
  /** TCP port; 0 picks a free one. */
  port: z.number().int().min(0).max(65_535),
  /** Interface to listen on (default 127.0.0.1: this machine only). */
  host: z.string().min(1).default("127.0.0.1"),
  /** Bearer token every request must carry; required unless `allowAnonymous`. */
  token: z.string().min(16, "the token must be at least 16 characters").optional(),
  /** Serve without a token (only sensible on 127.0.0.1 behind another guard). */
  allowAnonymous: z.boolean().default(false),
  /** Hostnames browsers may call from (Origin); default localhost names. */
  allowedOrigins: z.array(z.string().min(1)).optional(),
  /** Hostnames the Host header may name; default localhost names plus `host`. */
  allowedHosts: z.array(z.string().min(1)).optional(),
  /** Largest request body in bytes (default 1 MiB); larger ones get 413. */
  maxRequestBytes: z
    .number()
    .int()
    .min(1024)
    .max(64 * 1024 * 1024)
    .default(1024 * 1024),
  /** Path of the MCP endpoint (default `/mcp`). */
  path: z.string().startsWith("/").default("/mcp"),
});
/** Options of {@link serveHttp}, as a caller writes them. */
export type HttpServeOptions = z.input<typeof HttpServeOptionsSchema>;

/** A running HTTP server. */
export interface HttpServer {
  /** URL of the MCP endpoint (`http://127.0.0.1:port/mcp`). */
  readonly url: string;
  /** Stops accepting requests and closes open ones. */
  close(): Promise<void>;
}

/**
 * Serves a factory over Streamable HTTP (protocol revisions 2025-11-25 and
 * 2026-07-28; each request is served by a fresh server over the same factory).
 * Requests without the bearer token get 401, from a foreign Origin or to a
 * foreign Host 403, over the size bound 413. While it serves, it follows the
 * factory's skills folder (see `skillsDir` in the server options): clients
 * listening for changes (`subscriptions/listen`) are told when the prompts
 * and skill resources change.
 *
 * @throws ValidationError when an option is invalid (no token without `allowAnonymous`).
 */
export async function serveHttp(
  factory: Factory,
  options: HttpServeOptions,
  serverOptions: FactoryMcpServerOptions = {},
): Promise<HttpServer> {
  const parsed = HttpServeOptionsSchema.refine((value) => value.token !== undefined || value.allowAnonymous, {
    message: "give a token (clients send it as Authorization: Bearer <token>) or set allowAnonymous",
    path: ["token"],
  }).safeParse(options);
  if (!parsed.success) {
    const { validationErrorFromZod } = await import("@software-factory/core");
    throw validationErrorFromZod(parsed.error.issues, { subject: "HTTP server options" });
  }
  const settings = parsed.data;
  const handler = createMcpHandler(() => createFactoryMcpServer(factory, serverOptions), {
    maxRequestBodySize: settings.maxRequestBytes,
  });
  const allowedOrigins = settings.allowedOrigins ?? localhostAllowedOrigins();
  const allowedHosts = settings.allowedHosts ?? [...localhostAllowedHostnames(), settings.host];
  const expected = settings.token === undefined ? undefined : Buffer.from(`Bearer ${settings.token}`);

  const server = createServer((incoming, outgoing) => {
    void handle(incoming, outgoing).catch((error: unknown) => {
      if (!outgoing.headersSent) outgoing.writeHead(500, { "content-type": "application/json" });
      outgoing.end(JSON.stringify({ error: `internal error: ${(error as Error).message}` }));
    });
  });

  async function handle(incoming: IncomingMessage, outgoing: ServerResponse): Promise<void> {
    const url = new URL(incoming.url ?? "/", "http://localhost");
    if (url.pathname !== settings.path) return send(outgoing, new Response("not found", { status: 404 }));
    if (expected !== undefined) {
      const given = Buffer.from(incoming.headers.authorization ?? "");
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
        return send(
          outgoing,
          Response.json(
            { error: "missing or wrong bearer token: send Authorization: Bearer <token>" },
            { status: 401, headers: { "www-authenticate": 'Bearer realm="software-factory"' } },
          ),
        );
      }
    }
    const declared = Number(incoming.headers["content-length"] ?? 0);
    if (declared > settings.maxRequestBytes) {
      incoming.resume();
      return send(
        outgoing,
        Response.json({ error: `request body over ${settings.maxRequestBytes} bytes` }, { status: 413 }),
      );
    }
    const request = await toWebRequest(incoming, settings.maxRequestBytes);
    if (request === undefined) {
      return send(
        outgoing,
        Response.json({ error: `request body over ${settings.maxRequestBytes} bytes` }, { status: 413 }),
      );
    }
    const rejected =
      hostHeaderValidationResponse(request, allowedHosts) ??
      originValidationResponse(request, allowedOrigins);
    if (rejected !== undefined) return send(outgoing, rejected);
    return send(outgoing, await handler.fetch(request));
  }

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(settings.port, settings.host, () => resolve());
  });
  // Each request's server reads the skills afresh; listening clients are told when they change.
  const skills = followServedSkills(factory, serverOptions);
  skills?.subscribe(() => {
    handler.notify.promptsChanged();
    handler.notify.resourcesChanged();
  });
  const { port } = server.address() as AddressInfo;
  const host = settings.host.includes(":") ? `[${settings.host}]` : settings.host;
  return {
    url: `http://${host}:${port}${settings.path}`,
    close: async () => {
      skills?.close();
      await handler.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Reads a Node request into a web `Request`, or `undefined` when the body is over the bound. */
async function toWebRequest(incoming: IncomingMessage, maxBytes: number): Promise<Request | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  if (incoming.method !== "GET" && incoming.method !== "HEAD") {
    for await (const chunk of incoming) {
      size += (chunk as Buffer).length;
      if (size > maxBytes) return undefined;
      chunks.push(chunk as Buffer);
    }
  }
  const headers = new Headers();
  for (const [name, value] of Object.entries(incoming.headers)) {
    if (value === undefined) continue;
    for (const item of Array.isArray(value) ? value : [value]) headers.append(name, item);
  }
  const url = `http://${incoming.headers.host ?? "localhost"}${incoming.url ?? "/"}`;
  return new Request(url, {
    method: incoming.method ?? "GET",
    headers,
    ...(chunks.length === 0 ? {} : { body: Buffer.concat(chunks) }),
  });
}

/** Writes a web `Response` to a Node response, streaming its body (SSE included). */
async function send(outgoing: ServerResponse, response: Response): Promise<void> {
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    headers[name] = value;
  });
  outgoing.writeHead(response.status, headers);
  if (response.body === null) {
    outgoing.end();
    return;
  }
  const reader = response.body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (!outgoing.write(value)) await new Promise((resolve) => outgoing.once("drain", resolve));
      if (outgoing.destroyed) break;
    }
  } finally {
    reader.releaseLock();
    outgoing.end();
  }
}
