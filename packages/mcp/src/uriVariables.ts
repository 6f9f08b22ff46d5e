/**
 * The variables of a resource template's URI (`factory://lines/{id}`,
 * `skill://{name}/{+path}`), as the handlers read them.
 *
 * @module
 */
import { ResourceNotFoundError } from "@modelcontextprotocol/server";

/** The variables the SDK matched in a resource URI: one value, or several for a list variable. */
export type UriVariables = Record<string, string | string[] | undefined>;

/** The first value of a URI variable, as matched (still percent-encoded); empty when absent. */
export function rawVariable(variables: UriVariables, name: string): string {
  const value = variables[name];
  return Array.isArray(value) ? (value[0] ?? "") : (value ?? "");
}

/**
 * The first value of a URI variable, percent-decoded.
 *
 * @throws ResourceNotFoundError (JSON-RPC `-32602`, `data: { uri }`) naming the
 *   variable and its value when its percent-encoding is malformed (`%E0%A4%A`):
 *   no resource has such a name, and the read is the client's mistake, not the server's.
 */
export function decodedVariable(uri: URL, variables: UriVariables, name: string): string {
  const raw = rawVariable(variables, name);
  try {
    return decodeURIComponent(raw);
  } catch {
    throw new ResourceNotFoundError(
      uri.href,
      `the ${name} "${raw}" of ${uri.href} is not valid percent-encoding: each % starts two hex digits, and they spell UTF-8`,
    );
  }
}
