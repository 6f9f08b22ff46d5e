/**
 * Reading one line of a stdio connection as a JSON-RPC message, and the
 * answer JSON-RPC asks for when it is not one.
 *
 * @module
 */

import {
  type JSONRPCErrorResponse,
  type JSONRPCMessage,
  ProtocolErrorCode,
  parseJSONRPCMessage,
} from "@modelcontextprotocol/server";
import { paramsRefusal } from "../requestParams.js";
import { envelopeProblem } from "./envelopeProblem.js";

/** The most characters of a refused line quoted on the log. */
const QUOTED_CHARACTERS = 80;

/**
 * One line read: a message; nothing (a blank line); or a refusal, with the
 * answer to send (none to what reads as a response, which is never answered)
 * and the line to log.
 */
export type ReadLine =
  | { readonly kind: "message"; readonly message: JSONRPCMessage }
  | { readonly kind: "blank" }
  | { readonly kind: "refused"; readonly reply?: JSONRPCErrorResponse; readonly log: string };

/**
 * Reads one line (without its newline) as a JSON-RPC message.
 *
 * Text that is not JSON is refused with a Parse error (-32700). A request
 * refused for its params alone (a `_meta.progressToken` that is not a string
 * or an integer) gets an Invalid params error (-32602) with its id, naming
 * them as the server names other wrong params (`paramsRefusal`). Other JSON
 * that is not a JSON-RPC message gets an Invalid Request error (-32600)
 * naming each wrong field (`envelopeProblem`: `id: must be a string or an
 * integer (got an object)`; a batch is refused as such), carrying the line's
 * `id` when it has a string or integer one. Neither the
 * Parse nor the Invalid Request error has an `id` otherwise: the MCP SDK's
 * message schema leaves it out of an error response whose request could not
 * be read, and refuses the `null` plain JSON-RPC writes.
 */
export function readStdioLine(line: string): ReadLine {
  if (line.trim() === "") return { kind: "blank" };
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (error) {
    const reason = (error as Error).message;
    return {
      kind: "refused",
      reply: {
        jsonrpc: "2.0",
        error: {
          code: ProtocolErrorCode.ParseError,
          message: `Parse error: the line is not JSON (${reason})`,
        },
      },
      log: `a line that is not JSON (${reason}), answered with a Parse error (-32700): ${shown(line)}`,
    };
  }
  try {
    return { kind: "message", message: parseJSONRPCMessage(value) };
  } catch {
    const invalidParams = paramsRefusal(value);
    if (invalidParams !== undefined)
      return {
        kind: "refused",
        reply: invalidParams,
        log: `a request with invalid params, answered with an Invalid params error (-32602): ${shown(line)}`,
      };
    const { id, response } = envelopeOf(value);
    const what = "JSON that is not a JSON-RPC message";
    if (response)
      return { kind: "refused", log: `${what}, read as a response, so not answered: ${shown(line)}` };
    return {
      kind: "refused",
      reply: {
        jsonrpc: "2.0",
        ...(id === undefined ? {} : { id }),
        error: {
          code: ProtocolErrorCode.InvalidRequest,
          message: `Invalid Request: ${envelopeProblem(value)}`,
        },
      },
      log: `${what}, answered with an Invalid Request error (-32600): ${shown(line)}`,
    };
  }
}

/** The id of a JSON object that is not a valid message, when it has a usable one, and whether it reads as a response. */
function envelopeOf(value: unknown): { id?: string | number; response: boolean } {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return { response: false };
  const record = value as Record<string, unknown>;
  const response = !("method" in record) && ("result" in record || "error" in record);
  const { id } = record;
  const usable = typeof id === "string" || (typeof id === "number" && Number.isInteger(id));
  return usable ? { id, response } : { response };
}

/** The start of a line for the log, its control characters escaped so the log stays one line. */
function shown(line: string): string {
  const start = line.slice(0, QUOTED_CHARACTERS).replace(/\p{Cc}/gu, (c) => JSON.stringify(c).slice(1, -1));
  return line.length > QUOTED_CHARACTERS ? `${start}… (${line.length} characters)` : start;
}
