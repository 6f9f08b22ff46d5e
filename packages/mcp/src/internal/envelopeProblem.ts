/**
 * What is wrong with a JSON value that is not a JSON-RPC 2.0 message, field
 * by field, for the Invalid Request answers of stdio and HTTP.
 *
 * @module
 */

/** The fields each kind of JSON-RPC message may carry (the MCP SDK's schemas are strict). */
const REQUEST_FIELDS = ["jsonrpc", "id", "method", "params"];
const RESPONSE_FIELDS = ["jsonrpc", "id", "result", "error"];

/** The most characters of a value quoted in a problem. */
const QUOTED_CHARACTERS = 40;

/**
 * Why `value` (parsed JSON) is not one JSON-RPC 2.0 message, each wrong field
 * named with what it must be (`id: must be a string or an integer (got an
 * object)`, `jsonrpc: must be "2.0" (got "1.0")`), joined by `; `. A batch
 * (an array) is refused as such: this server takes one message at a time.
 * Falls back to a general sentence when no field is found at fault.
 */
export function envelopeProblem(value: unknown): string {
  if (Array.isArray(value))
    return "a batch (a JSON array) is not accepted: send one JSON-RPC message at a time";
  if (typeof value !== "object" || value === null)
    return `the message must be a JSON object (got ${described(value)})`;
  const record = value as Record<string, unknown>;
  const problems: string[] = [];
  if (record.jsonrpc !== "2.0") problems.push(`jsonrpc: must be "2.0" (${got(record, "jsonrpc")})`);
  if ("id" in record && !isRequestId(record.id))
    problems.push(`id: must be a string or an integer (got ${described(record.id)})`);
  const response = !("method" in record) && ("result" in record || "error" in record);
  if (response) problems.push(...responseProblems(record));
  else {
    if (typeof record.method !== "string")
      problems.push(`method: must be a string (${got(record, "method")})`);
    if ("params" in record && !isObject(record.params))
      problems.push(`params: must be an object (got ${described(record.params)})`);
  }
  const fields = response ? RESPONSE_FIELDS : REQUEST_FIELDS;
  for (const key of Object.keys(record))
    if (!fields.includes(key))
      problems.push(`${key}: is not a field of a JSON-RPC ${response ? "response" : "request"}`);
  return problems.length > 0 ? problems.join("; ") : "the JSON is not a JSON-RPC 2.0 message";
}

/** What is wrong with the fields of a response. */
function responseProblems(record: Record<string, unknown>): string[] {
  const problems: string[] = [];
  if ("result" in record && "error" in record) problems.push("result, error: a response carries one of them");
  if ("result" in record && !isObject(record.result))
    problems.push(`result: must be an object (got ${described(record.result)})`);
  if ("result" in record && !("id" in record)) problems.push("id: must be a string or an integer (missing)");
  if (!("error" in record)) return problems;
  const { error } = record;
  if (!isObject(error)) {
    problems.push(`error: must be an object (got ${described(error)})`);
    return problems;
  }
  const { code, message } = error as Record<string, unknown>;
  if (!(typeof code === "number" && Number.isInteger(code)))
    problems.push(`error.code: must be an integer (got ${described(code)})`);
  if (typeof message !== "string")
    problems.push(`error.message: must be a string (got ${described(message)})`);
  return problems;
}

/** Whether a value is a JSON-RPC id the MCP SDK takes: a string or an integer. */
function isRequestId(id: unknown): boolean {
  return typeof id === "string" || (typeof id === "number" && Number.isInteger(id));
}

/** Whether a value is a JSON object (not an array, not null). */
function isObject(value: unknown): boolean {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** `got <value>`, or `missing` when the record has no such field. */
function got(record: Record<string, unknown>, key: string): string {
  return key in record ? `got ${described(record[key])}` : "missing";
}

/** A JSON value in a few words: a string or a number quoted (shortened), else its kind. */
function described(value: unknown): string {
  if (value === undefined) return "nothing";
  if (Array.isArray(value)) return "an array";
  if (value === null) return "null";
  if (typeof value === "object") return "an object";
  const text = JSON.stringify(value);
  return text.length > QUOTED_CHARACTERS ? `${text.slice(0, QUOTED_CHARACTERS)}…` : text;
}
