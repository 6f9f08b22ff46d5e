/**
 * Serving a factory over Streamable HTTP, with a bearer token, Host and Origin
 * checks (DNS-rebinding protection), bounds on request size, time and
 * connections, and a drain on close.
 *
 * @module
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { type AddressInfo, Server as NetServer } from "node:net";
import {
  createMcpHandler,
  type JSONRPCErrorResponse,
  localhostAllowedHostnames,
  localhostAllowedOrigins,
} from "@modelcontextprotocol/server";
import type { Factory } from "@software-factory/intelligence";
import { z } from "zod";
import { createFactoryMcpServer, type FactoryMcpServerOptions } from "./createFactoryMcpServer.js";
import { envelopeProblem } from "./internal/envelopeProblem.js";
import { corsHeaders, preflightHeaders } from "./internal/httpCors.js";
import {
  bearerRefusal,
  hostName,
  INTERNAL_ERROR,
  isWildcardHost,
  jsonRpcErrorResponse,
  logRequest,
  MIN_TOKEN_LENGTH,
  notePeer,
  type Refusal,
  refusedByHeaders,
  TRANSPORT_ERROR,
} from "./internal/httpGuards.js";
import { abandoned, drainedOrClosed, pathOf, readBody, toWebRequest } from "./internal/httpMessages.js";
import { followServedSkills } from "./internal/SkillsFollower.js";
import { paramsRefusal } from "./requestParams.js";

/** Headers about the connection, not the answer: a `Response` from the handler does not set them. */
const HOP_BY_HOP = new Set(["connection", "keep-alive", "transfer-encoding"]);

/** Options of {@link serveHttp}. */
export const HttpServeOptionsSchema = z
  .object({
    /** TCP port; 0 picks a free one. */
    port: z.number().int().min(0).max(65_535),
    /** Interface to listen on (default 127.0.0.1: this machine only). */
    host: z.string().min(1).default("127.0.0.1"),
    /** Bearer token every request must carry; required unless `allowAnonymous`. */
    token: z
      .string()
      .min(MIN_TOKEN_LENGTH, `the token must be at least ${MIN_TOKEN_LENGTH} characters`)
      .optional(),
    /** Serve without a token (only sensible on 127.0.0.1 behind another guard). */
    allowAnonymous: z.boolean().default(false),
    /** Hostnames browsers may call from (Origin, compared by hostname); default localhost names. */
    allowedOrigins: z.array(z.string().min(1)).optional(),
    /**
     * Hostnames the Host header may name; default localhost names plus `host`.
     * Required when `host` is a wildcard (0.0.0.0, ::), which no client names.
     */
    allowedHosts: z.array(z.string().min(1)).min(1).optional(),
    /** Largest request body in bytes (default 1 MiB); larger ones get 413. */
    maxRequestBytes: z
      .number()
      .int()
      .min(1024)
      .max(64 * 1024 * 1024)
      .default(1024 * 1024),
    /** Path of the MCP endpoint (default `/mcp`). */
    path: z.string().startsWith("/").default("/mcp"),
    /**
     * Most connections open at once (default 1024); Node resets further ones as
     * they arrive (no HTTP answer). Each takes a file descriptor: keep it under
     * the process's limit (`ulimit -n`).
     */
    maxConnections: z.number().int().min(1).max(65_536).default(1024),
    /** Milliseconds a client has to send a request's headers (default 10 s); then 408 and the connection closes. */
    headersTimeoutMs: z.number().int().min(500).max(600_000).default(10_000),
    /**
     * Milliseconds a client has to send a whole request, body included (default 30 s); then 408. A client
     * that takes none of its answer for as long, the connection's buffers full, has its connection closed.
     */
    requestTimeoutMs: z.number().int().min(500).max(3_600_000).default(30_000),
  })
  .refine((value) => value.token !== undefined || value.allowAnonymous, {
    message: "give a token (clients send it as Authorization: Bearer <token>) or set allowAnonymous",
    path: ["token"],
  })
  .refine((value) => !isWildcardHost(value.host) || value.allowedHosts !== undefined, {
    message:
      "listening on every interface: give allowedHosts, the names clients reach this machine by (their Host header)",
    path: ["allowedHosts"],
  })
  .refine((value) => value.headersTimeoutMs <= value.requestTimeoutMs, {
    message: "headersTimeoutMs must not be longer than requestTimeoutMs",
    path: ["headersTimeoutMs"],
  });
/** Options of {@link serveHttp}, as a caller writes them. */
export type HttpServeOptions = z.input<typeof HttpServeOptionsSchema>;

/** Options of {@link HttpServer.close}. */
export interface HttpCloseOptions {
  /** Milliseconds requests in flight have to finish before their connections are cut (default 10,000). */
  readonly graceMs?: number;
}

/** A running HTTP server. */
export interface HttpServer {
  /** URL of the MCP endpoint (`http://127.0.0.1:port/mcp`). */
  readonly url: string;
  /**
   * Drains and stops: stops accepting connections, answers requests that
   * arrive meanwhile on open connections with 503, lets requests in flight
   * finish within `graceMs`, ends subscription streams, then closes every
   * connection. Resolves once the server is closed; the factory stays open.
   */
  close(options?: HttpCloseOptions): Promise<void>;
}

/** A request being served: settled once answered, or at once for a subscription stream, which stays open. */
interface Exchange {
  readonly quiet: Promise<void>;
}

/**
 * What the MCP handler reported (its `onerror`) while it worked out the
 * answer to one request: held until the answer's status is known, so a
 * refusal is logged once, in one line; undefined once it is known.
 */
interface HandlerReports {
  pending: Error[] | undefined;
}

/**
 * Serves a factory over Streamable HTTP (protocol revisions 2025-11-25 and
 * 2026-07-28; each request is served by a fresh server over the same factory).
 *
 * The headers are checked before the body is read: a Host header that does
 * not parse gets 400, a foreign Host or browser Origin 403, a request without
 * the bearer token 401 (RFC 6750: `error="invalid_token"` in the
 * `WWW-Authenticate` challenge when it carried a wrong one, and 400 with
 * `error="invalid_request"` when its Authorization header is malformed), a
 * declared body over the size bound 413 (a body that grows over it while
 * read, too). A page of an allowed Origin may read every
 * answer (CORS: the answers name its Origin, and its preflight, an `OPTIONS`
 * that carries no token, gets 204). Refusals carry `Connection: close` and
 * the connection is closed once they are sent, so a refused body is never
 * read. A client gets `headersTimeoutMs` to send its headers and
 * `requestTimeoutMs` to send the whole request (408 after). Every refusal and
 * failure is logged on stderr in one line (method, path, status, reason,
 * peer; never the token); error bodies are JSON-RPC errors with `id: null`.
 * A request whose params alone MCP refuses (a `_meta.progressToken` that is
 * not a string or an integer) is answered, with its id, by an Invalid params
 * error (-32602) naming them, as on stdio, and logged too.
 *
 * While it serves, it follows the factory's skills folder (see `skillsDir` in
 * the server options): clients listening for changes (`subscriptions/listen`)
 * are told when the prompts and skill resources change.
 *
 * @throws ValidationError when an option is invalid: no token without
 *   `allowAnonymous`, a wildcard `host` without `allowedHosts`, or the
 *   `import` tool group without `importRoot` (over HTTP, any token holder
 *   could otherwise import any folder of the server's machine).
 */
export async function serveHttp(
  factory: Factory,
  options: HttpServeOptions,
  serverOptions: FactoryMcpServerOptions = {},
): Promise<HttpServer> {
  const parsed = HttpServeOptionsSchema.safeParse(options);
  const { ValidationError, validationErrorFromZod } = await import("@software-factory/core");
  if (!parsed.success) throw validationErrorFromZod(parsed.error.issues, { subject: "HTTP server options" });
  if (serverOptions.groups?.includes("import") && serverOptions.importRoot === undefined) {
    const message =
      "the import tool group over HTTP needs importRoot, the folder import_codebase may read under (else any token holder could import any folder of this machine)";
    throw new ValidationError({ message, issues: [{ path: "importRoot", message }] });
  }
  const settings = parsed.data;
  const reports = new AsyncLocalStorage<HandlerReports>();
  const handler = createMcpHandler(() => createFactoryMcpServer(factory, serverOptions), {
    maxRequestBodySize: settings.maxRequestBytes,
    onerror: (error) => {
      const pending = reports.getStore()?.pending;
      if (pending === undefined) logHandlerError(error);
      else pending.push(error);
    },
  });
  const allowedOrigins = settings.allowedOrigins ?? localhostAllowedOrigins();
  const allowedHosts = settings.allowedHosts ?? [...localhostAllowedHostnames(), hostName(settings.host)];
  const tokenRefusal = settings.token === undefined ? () => undefined : bearerRefusal(settings.token);
  const exchanges = new Set<Exchange>();
  let draining = false;

  const server = createServer(
    {
      headersTimeout: settings.headersTimeoutMs,
      requestTimeout: settings.requestTimeoutMs,
      // How often the two timeouts are checked (Node's default, 30 s, would let a slow client hold on that long).
      connectionsCheckingInterval: Math.min(1_000, settings.headersTimeoutMs),
    },
    (incoming, outgoing) => {
      // Read now: once the client has gone, its socket no longer says who it was.
      notePeer(incoming);
      let becameQuiet: () => void = () => undefined;
      const exchange: Exchange = {
        quiet: new Promise<void>((resolve) => {
          becameQuiet = resolve;
        }),
      };
      exchanges.add(exchange);
      handle(incoming, outgoing, becameQuiet)
        .catch((error: unknown) => fail(incoming, outgoing, error))
        .finally(() => {
          exchanges.delete(exchange);
          becameQuiet();
        });
    },
  );
  server.maxConnections = settings.maxConnections;
  // A client that asks before sending its body (Expect: 100-continue, as curl does past 1 MB) is told to
  // send it only once its headers pass: a refusal comes instead of the 100 (Node would send it first).
  const awaitingContinue = new WeakSet<ServerResponse>();
  server.on("checkContinue", (incoming: IncomingMessage, outgoing: ServerResponse) => {
    awaitingContinue.add(outgoing);
    server.emit("request", incoming, outgoing);
  });

  /** Answers a refusal with `Connection: close`: Node closes the connection once it is sent, unread body and all. */
  function refuse(incoming: IncomingMessage, outgoing: ServerResponse, refusal: Refusal): Promise<void> {
    logRequest(incoming, refusal.status, refusal.message);
    const response = jsonRpcErrorResponse(refusal.status, TRANSPORT_ERROR, refusal.message, refusal.headers);
    return send(outgoing, response, true);
  }

  async function handle(incoming: IncomingMessage, outgoing: ServerResponse, becameQuiet: () => void) {
    if (draining)
      return refuse(incoming, outgoing, { status: 503, message: "Service Unavailable: shutting down" });
    const headerRefusal = refusedByHeaders(incoming, allowedHosts, allowedOrigins);
    if (headerRefusal !== undefined) return refuse(incoming, outgoing, headerRefusal);
    // The Origin is allowed: the page may read every answer from here on, refusals included.
    for (const [name, value] of Object.entries(corsHeaders(incoming))) outgoing.setHeader(name, value);
    const path = pathOf(incoming.url);
    if (path === undefined)
      return refuse(incoming, outgoing, { status: 400, message: "Bad Request: bad target" });
    if (path.pathname !== settings.path) {
      return refuse(incoming, outgoing, {
        status: 404,
        message: `Not Found: the endpoint is ${settings.path}`,
      });
    }
    // A browser asks before it sends the token: the preflight carries none.
    const preflight = preflightHeaders(incoming);
    if (preflight !== undefined)
      return send(outgoing, new Response(null, { status: 204, headers: preflight }));
    const unauthorized = tokenRefusal(incoming.headersDistinct.authorization);
    if (unauthorized !== undefined) return refuse(incoming, outgoing, unauthorized);
    const tooLarge: Refusal = {
      status: 413,
      message: `Payload Too Large: the request body is over ${settings.maxRequestBytes} bytes`,
    };
    if (Number(incoming.headers["content-length"] ?? 0) > settings.maxRequestBytes) {
      return refuse(incoming, outgoing, tooLarge);
    }
    if (awaitingContinue.has(outgoing)) outgoing.writeContinue();
    const body = await readBody(incoming, settings.maxRequestBytes);
    if (body === undefined) return refuse(incoming, outgoing, tooLarge);
    // A subscription stream lives until the server closes it: a drain does not wait for it.
    const subscription = isSubscriptionStream(body);
    if (subscription) becameQuiet();
    const reported: HandlerReports = { pending: [] };
    const answered = await reports.run(reported, () =>
      handler.fetch(toWebRequest(incoming, path, body, abandoned(incoming, outgoing, !subscription))),
    );
    const held = reported.pending ?? [];
    reported.pending = undefined;
    // A request whose params alone MCP refuses is -32602 naming them, as on stdio, not the handler's 400.
    const invalidParams = answered.status === 400 ? paramsRefusalOf(body) : undefined;
    if (invalidParams !== undefined) {
      await answered.body?.cancel();
      logRequest(incoming, 200, `Invalid params (-32602): ${invalidParams.error.message}`);
      return send(outgoing, Response.json(invalidParams));
    }
    const response = await namingEnvelopeProblem(answered, body);
    // The handler's own refusals (405, 406, 415, a body that is not JSON-RPC...) are logged as the server's
    // are; but for the 405 to a GET, how a stateless server says it offers no stream (every 2025-11-25
    // client of the MCP SDK asks for one once it has connected).
    if (response.status >= 400) {
      if (!(response.status === 405 && incoming.method === "GET"))
        logRequest(
          incoming,
          response.status,
          await refusalReason(response, unsaid(held, response, answered)),
        );
    } else for (const error of held) logHandlerError(error);
    return send(outgoing, response);
  }

  /** The catch-all: a generic JSON-RPC internal error to the client, the details on stderr. */
  function fail(incoming: IncomingMessage, outgoing: ServerResponse, error: unknown): void {
    const reason = error instanceof Error ? error.message : String(error);
    if (outgoing.destroyed || outgoing.writableEnded) {
      // 499, as nginx logs it: the client closed the connection before the answer.
      logRequest(incoming, 499, `not answered: ${reason}`);
      return;
    }
    logRequest(incoming, 500, `internal error: ${reason}`);
    if (outgoing.headersSent) {
      outgoing.destroy();
      return;
    }
    const body = JSON.stringify({
      jsonrpc: "2.0",
      error: { code: INTERNAL_ERROR, message: "Internal error" },
      id: null,
    });
    outgoing.writeHead(500, { "content-type": "application/json", connection: "close" }).end(body);
  }

  /**
   * Writes a web `Response` to a Node response, streaming its body (SSE
   * included); with `closeAfter`, Node closes the connection once it is sent.
   */
  async function send(outgoing: ServerResponse, response: Response, closeAfter = draining): Promise<void> {
    // The client has gone (a call it cancelled): nothing to write.
    if (outgoing.destroyed) return response.body?.cancel();
    const headers: Record<string, string> = {};
    response.headers.forEach((value, name) => {
      // Connection management is Node's (and a refusal's or a drain's) to decide, not the handler's.
      if (!HOP_BY_HOP.has(name)) headers[name] = value;
    });
    if (closeAfter) headers.connection = "close";
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
        if (!outgoing.write(value)) await drainedOrClosed(outgoing, settings.requestTimeoutMs);
        // The client has gone (or was cut for not reading): the rest of the answer is dropped, and what would have made it.
        if (outgoing.destroyed) {
          await reader.cancel();
          break;
        }
      }
    } finally {
      reader.releaseLock();
      outgoing.end();
    }
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
  let closing: Promise<void> | undefined;
  const drainAndClose = async (graceMs: number) => {
    draining = true;
    // Stops accepting but leaves open connections be: Node's http close would cut those between two
    // requests, and a request already sent on one with them; their next request is answered 503.
    const closed = new Promise<void>((resolve) => NetServer.prototype.close.call(server, () => resolve()));
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, graceMs);
    });
    await Promise.race([Promise.all([...exchanges].map((exchange) => exchange.quiet)), grace]);
    clearTimeout(timer);
    skills?.close();
    // Ends the subscription streams, and whatever the grace period did not see finish.
    await handler.close();
    // Node's http close: it stops the timeout checks and cuts the connections between two requests.
    server.close();
    server.closeAllConnections();
    await closed;
  };
  return {
    url: `http://${host}:${port}${settings.path}`,
    close: (closeOptions = {}) => {
      closing ??= drainAndClose(closeOptions.graceMs ?? 10_000);
      return closing;
    },
  };
}

/** Logs a failure the MCP handler reported outside the answer to a request (a listening stream, a notification). */
function logHandlerError(error: Error): void {
  process.stderr.write(`@software-factory/mcp: http: ${error.message}\n`);
}

/**
 * Why the MCP handler refused a request: the message of its JSON-RPC error
 * answer (else the status text), followed by what it reported meanwhile that
 * the message does not already say (the detail of an internal error).
 */
async function refusalReason(response: Response, reported: readonly Error[]): Promise<string> {
  let told = response.statusText;
  // Only a JSON answer is read: a stream would not end.
  if (response.headers.get("content-type")?.startsWith("application/json")) {
    try {
      const body = (await response.clone().json()) as { error?: { message?: unknown } } | null;
      if (typeof body?.error?.message === "string") told = body.error.message;
    } catch {
      // Not JSON after all: the status text says it.
    }
  }
  const details = reported.map((error) => error.message).filter((message) => !message.includes(told));
  return [told, ...details].filter((part) => part !== "").join(": ");
}

/**
 * The `-32602` answer to a body that is a request refused for its params
 * alone (a `_meta.progressToken` that is not a string or an integer), which
 * the MCP handler answers with 400 and -32600 as no JSON-RPC message (see
 * `paramsRefusal`); sent with status 200, as the server's other
 * invalid-params answers are, so a client reads it as the request's error.
 */
function paramsRefusalOf(body: Buffer): JSONRPCErrorResponse | undefined {
  try {
    return paramsRefusal(JSON.parse(body.toString("utf8")));
  } catch {
    // Not JSON: the handler's refusal says so.
    return undefined;
  }
}

/** The MCP SDK's answer to a JSON body that is not a JSON-RPC message, which does not say what is wrong with it. */
const NOT_A_MESSAGE = "Bad Request: the request body is not a valid JSON-RPC message";

/**
 * The handler's answer, but for its 400 to a JSON body that is not a JSON-RPC
 * message: the same answer (status, code -32600, id) naming each wrong field
 * as stdio does (`envelopeProblem`: `id: must be a string or an integer (got
 * an object)`).
 */
async function namingEnvelopeProblem(response: Response, body: Buffer): Promise<Response> {
  if (response.status !== 400 || !response.headers.get("content-type")?.startsWith("application/json"))
    return response;
  let answer: { error?: { message?: unknown } } | null;
  let value: unknown;
  try {
    answer = (await response.clone().json()) as typeof answer;
    value = JSON.parse(body.toString("utf8"));
  } catch {
    return response;
  }
  if (answer?.error?.message !== NOT_A_MESSAGE) return response;
  await response.body?.cancel();
  const message = `Bad Request: ${envelopeProblem(value)}`;
  const headers = new Headers(response.headers);
  headers.delete("content-length");
  return Response.json(
    { ...answer, error: { ...answer.error, message } },
    { status: response.status, headers },
  );
}

/** What the handler reported, less its own words for a refusal {@link namingEnvelopeProblem} says better. */
function unsaid(reported: readonly Error[], response: Response, answered: Response): readonly Error[] {
  return response === answered
    ? reported
    : reported.filter((error) => !error.message.includes(NOT_A_MESSAGE));
}

/** Whether a body is a `subscriptions/listen` request, whose answer is a stream that stays open. */
function isSubscriptionStream(body: Buffer): boolean {
  if (!body.includes("subscriptions/listen")) return false;
  try {
    return (
      (JSON.parse(body.toString("utf8")) as { method?: unknown } | null)?.method === "subscriptions/listen"
    );
  } catch {
    return false;
  }
}
