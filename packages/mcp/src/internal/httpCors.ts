/**
 * CORS for the browsers `serveHttp` lets in: the preflight answer and the
 * headers that let a page of an allowed Origin read what it is answered.
 * The Origin is checked before (see `refusedByHeaders`); the bearer token
 * still guards every request but the preflight, which carries none.
 *
 * @module
 */
import type { IncomingMessage } from "node:http";

/** Response headers a page may read besides the simple ones: the session, the protocol revision, the auth challenge. */
const EXPOSED = "Mcp-Session-Id, Mcp-Protocol-Version, WWW-Authenticate";

/** Headers a page may send when its preflight names none (the 2026-07-28 client also sends `Mcp-Method`, `Mcp-Name`, `Mcp-Param-*`). */
const ALLOWED_HEADERS =
  "Authorization, Content-Type, Accept, Mcp-Protocol-Version, Mcp-Session-Id, Last-Event-ID";

/**
 * The CORS headers of every answer to a request with an (allowed) Origin:
 * the Origin itself, never `*`; none without an Origin.
 */
export function corsHeaders(incoming: IncomingMessage): Record<string, string> {
  const origin = incoming.headers.origin;
  if (origin === undefined) return {};
  return { "access-control-allow-origin": origin, "access-control-expose-headers": EXPOSED, vary: "Origin" };
}

/**
 * The headers of the answer (204) to a CORS preflight: an `OPTIONS` with an
 * Origin and `Access-Control-Request-Method`; undefined for another request.
 * The headers the page asks for are allowed (the MCP client sends
 * per-request ones, `Mcp-Param-*`): the token is what guards the endpoint.
 */
export function preflightHeaders(incoming: IncomingMessage): Record<string, string> | undefined {
  const { origin } = incoming.headers;
  if (incoming.method !== "OPTIONS" || origin === undefined) return undefined;
  if (incoming.headers["access-control-request-method"] === undefined) return undefined;
  return {
    ...corsHeaders(incoming),
    "access-control-allow-methods": "GET, POST, DELETE",
    "access-control-allow-headers": incoming.headers["access-control-request-headers"] ?? ALLOWED_HEADERS,
    "access-control-max-age": "600",
    vary: "Origin, Access-Control-Request-Headers",
  };
}
