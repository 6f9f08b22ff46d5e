/**
 * The checks `serveHttp` makes on a request's headers before it reads the
 * body (Host, Origin, bearer token), the JSON-RPC error answers it gives, and
 * the one line it logs for each refusal.
 *
 * @module
 */
import { createHash, timingSafeEqual } from "node:crypto";
import type { IncomingMessage } from "node:http";
import { validateHostHeader, validateOriginHeader } from "@modelcontextprotocol/server";

/** JSON-RPC error code of a refusal by the transport (the MCP SDK's own code for the same refusals). */
export const TRANSPORT_ERROR = -32000;
/** JSON-RPC error code of an unexpected failure. */
export const INTERNAL_ERROR = -32603;
/** Fewest characters of the bearer token an HTTP server accepts. */
export const MIN_TOKEN_LENGTH = 16;

/** Whether `host` listens on every interface (0.0.0.0, ::): no client names it in a Host header. */
export function isWildcardHost(host: string): boolean {
  return ["0.0.0.0", "::", "[::]"].includes(host);
}

/** `host` as a Host header names it: lower case, an IPv6 address in brackets. */
export function hostName(host: string): string {
  return host.includes(":") && !host.startsWith("[") ? `[${host.toLowerCase()}]` : host.toLowerCase();
}

/** A request refused before it reached the MCP handler: the HTTP status and why. */
export interface Refusal {
  readonly status: number;
  /** Told to the client and logged; never carries the token. */
  readonly message: string;
  /** Extra response headers (`www-authenticate`). */
  readonly headers?: Record<string, string>;
}

/** The challenge of every bearer refusal: the realm the token opens (RFC 6750 section 3). */
const CHALLENGE = 'Bearer realm="software-factory"';

/** RFC 6750's b64token, the one form a bearer credential takes: `Bearer a b` or `Bearer` alone is malformed. */
const B64TOKEN = /^[A-Za-z0-9._~+/-]+=*$/;

/** No bearer credential (no header, or another scheme): RFC 6750 says no error code then. */
const NO_TOKEN: Refusal = {
  status: 401,
  message: "Unauthorized: no bearer token (send Authorization: Bearer <token>)",
  headers: { "www-authenticate": CHALLENGE },
};

/** A well-formed bearer credential that is not the token. */
const WRONG_TOKEN: Refusal = {
  status: 401,
  message: "Unauthorized: wrong bearer token",
  headers: { "www-authenticate": `${CHALLENGE}, error="invalid_token"` },
};

/** An Authorization header naming the bearer scheme without a credential of the form RFC 6750 allows. */
const MALFORMED: Refusal = {
  status: 400,
  message:
    "Bad Request: malformed Authorization header (send one Authorization: Bearer <token>, the token in letters, digits and -._~+/ then any =)",
  headers: { "www-authenticate": `${CHALLENGE}, error="invalid_request"` },
};

/**
 * A function telling how a request's `Authorization` headers (each one it
 * carried, as Node's `headersDistinct` gives them) fail to carry `token` as a
 * bearer credential, as RFC 6750 section 3 answers: no header or another
 * scheme is 401 with a plain `Bearer` challenge, a wrong token 401 with
 * `error="invalid_token"`, a bearer header that is not `Bearer <b64token>`
 * (or more than one header) 400 with `error="invalid_request"`; `undefined`
 * when it carries the token. The scheme is matched case-insensitively
 * (RFC 9110); the credential is compared by SHA-256 digest with
 * `timingSafeEqual`, so neither its content nor its length shows in the time
 * taken.
 */
export function bearerRefusal(
  token: string,
): (authorization: readonly string[] | undefined) => Refusal | undefined {
  const expected = createHash("sha256").update(token).digest();
  return (authorization) => {
    const header = (authorization?.[0] ?? "").trim();
    const space = header.search(/[ \t]/);
    const scheme = space === -1 ? header : header.slice(0, space);
    const credential = space === -1 ? "" : header.slice(space + 1).trimStart();
    const presented = createHash("sha256").update(credential).digest();
    // Compare first, whatever the scheme, so a wrong scheme takes the time a wrong token takes.
    const same = timingSafeEqual(presented, expected);
    const bearer = scheme.toLowerCase() === "bearer";
    if ((authorization?.length ?? 0) > 1) return MALFORMED;
    if (same && bearer && credential !== "") return undefined;
    if (!bearer) return NO_TOKEN;
    return B64TOKEN.test(credential) ? WRONG_TOKEN : MALFORMED;
  };
}

/**
 * Checks the Host header (DNS-rebinding protection) and a browser's Origin
 * against the allowlists, from the headers alone: a Host that does not parse
 * is a 400, a Host or an Origin not allowed a 403.
 */
export function refusedByHeaders(
  incoming: IncomingMessage,
  allowedHosts: string[],
  allowedOrigins: string[],
): Refusal | undefined {
  const host = validateHostHeader(incoming.headers.host, allowedHosts);
  if (!host.ok) {
    return host.errorCode === "invalid_host"
      ? { status: 403, message: `Invalid Host: ${host.hostname ?? ""} is not an allowed host name` }
      : { status: 400, message: "Bad Request: the Host header is missing or is not a host name" };
  }
  const origin = validateOriginHeader(incoming.headers.origin, allowedOrigins);
  if (!origin.ok) {
    return origin.errorCode === "invalid_origin"
      ? { status: 403, message: `Invalid Origin: ${origin.hostname ?? ""} is not an allowed origin` }
      : { status: 403, message: "Invalid Origin header: it is not an origin (scheme://host[:port])" };
  }
  return undefined;
}

/** A JSON-RPC error response without an id, in the shape the MCP SDK answers its own refusals. */
export function jsonRpcErrorResponse(
  status: number,
  code: number,
  message: string,
  headers: Record<string, string> = {},
): Response {
  return Response.json(
    { jsonrpc: "2.0", error: { code, message }, id: null },
    { status, headers: { "content-type": "application/json", ...headers } },
  );
}

/** The address of each request's client, read as it arrived. */
const peers = new WeakMap<IncomingMessage, string>();

/**
 * Notes the address of a request's client (`127.0.0.1:51234`) as it arrives,
 * for {@link logRequest}: once the client has closed the connection its
 * socket no longer tells.
 */
export function notePeer(incoming: IncomingMessage): string {
  const known = peers.get(incoming);
  if (known !== undefined) return known;
  const peer = `${incoming.socket.remoteAddress ?? "?"}:${incoming.socket.remotePort ?? "?"}`;
  peers.set(incoming, peer);
  return peer;
}

/**
 * Writes one line to stderr about a request the server refused or failed:
 * method, path (no query), status, reason and the peer's address (as
 * {@link notePeer} noted it). Never the headers, so never the token.
 */
export function logRequest(incoming: IncomingMessage, status: number, reason: string): void {
  const path = (incoming.url ?? "/").split("?")[0];
  const peer = notePeer(incoming);
  process.stderr.write(
    `@software-factory/mcp: http ${incoming.method ?? "?"} ${JSON.stringify(path)} ${status} ${reason} (from ${peer})\n`,
  );
}
