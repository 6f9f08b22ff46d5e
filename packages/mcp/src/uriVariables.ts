/**
 * The variables of a resource template's URI (`factory://lines/{id}`,
 * `skill://{name}/{+path}`), as the handlers read them.
 *
 * @module
 */
import { ResourceNotFoundError } from "@modelcontextprotocol/server";
import { shortened } from "./internal/shortened.js";
import { ID_MAX } from "./tools/shared.js";

/** The variables the SDK matched in a resource URI: one value, or several for a list variable. */
export type UriVariables = Record<string, string | string[] | undefined>;

/** The first value of a URI variable, as matched (still percent-encoded); empty when absent. */
export function rawVariable(variables: UriVariables, name: string): string {
  const value = variables[name];
  return Array.isArray(value) ? (value[0] ?? "") : (value ?? "");
}

/**
 * The first value of a URI variable, percent-decoded, of at most `max`
 * characters (an id's most, as the tools take it, by default).
 *
 * @throws ResourceNotFoundError (JSON-RPC `-32602`, `data: { uri }`) naming the
 *   variable and its value when its percent-encoding is malformed (`%E0%A4%A`),
 *   or when it is longer than `max`: no resource has such a name, and the read
 *   is the client's mistake, not the server's. A long value or uri is quoted
 *   {@link shortened}.
 */
export function decodedVariable(uri: URL, variables: UriVariables, name: string, max = ID_MAX): string {
  const raw = rawVariable(variables, name);
  let value: string;
  try {
    value = decodeURIComponent(raw);
  } catch {
    throw new ResourceNotFoundError(
      shortened(uri.href),
      `the ${name} "${shortened(raw)}" of ${shortened(uri.href)} is not valid percent-encoding: each % starts two hex digits, and they spell UTF-8`,
    );
  }
  if (value.length > max)
    throw new ResourceNotFoundError(
      shortened(uri.href),
      `the ${name} "${shortened(value)}" is longer than any ${name} (at most ${max} characters)`,
    );
  return value;
}
