/**
 * The MCP protocol revisions the factory's server speaks, as it names them
 * when it refuses another (over Streamable HTTP, a request whose
 * `MCP-Protocol-Version` header names one it does not speak gets 400 listing
 * them).
 *
 * @module
 */
import { SUPPORTED_PROTOCOL_VERSIONS } from "@modelcontextprotocol/server";

/**
 * The 2026-era revisions the MCP SDK serves (through `server/discover` and
 * the per-request envelope, never the `initialize` handshake). The SDK keeps
 * its list of them internal (2.4.0 exports `SUPPORTED_PROTOCOL_VERSIONS`,
 * the 2025-era ones, alone), so it is named here; a test checks that the
 * SDK's client pinned to it is served over HTTP.
 */
const MODERN_REVISIONS = ["2026-07-28"];

/**
 * Every revision the server speaks: the SDK's 2025-era ones, newest first,
 * then the 2026-era ones. Given to the SDK's server as its
 * `supportedProtocolVersions`, which the SDK also does for a 2026 request:
 * the `initialize` handshake still offers only the 2025-era ones.
 */
export const SERVED_PROTOCOL_VERSIONS: readonly string[] = [
  ...SUPPORTED_PROTOCOL_VERSIONS,
  ...MODERN_REVISIONS,
];
