/**
 * The JSON Schemas a tool advertises in `tools/list`. Clients that show tool
 * definitions to a model (as Claude Code shows each tool's description and
 * input schema) pay for them on every request, so what zod writes is
 * compacted here of what tells a client nothing:
 *
 * - `$schema`: MCP reads a tool schema without one as JSON Schema 2020-12,
 *   the dialect zod writes;
 * - `additionalProperties: {}` (any value), which is what JSON Schema assumes
 *   without it: zod writes it for every loose object of an answer;
 * - the `pattern` beside `format: "date-time"`: zod's regular expression for
 *   an RFC 3339 instant (some 300 characters, 190 tokens) says what the
 *   format says;
 * - in output schemas, the descriptions below the answer's own fields: the
 *   fields nested in them (a work item's, a line's) keep their names, types,
 *   enums and `required`, and the full descriptions stay on the tool's
 *   `output` schema ({@link FactoryTool.output}) for code that reads them
 *   (a description that is all a schema says, of a value of any type, stays).
 *
 * Validation is unchanged: arguments are parsed with the tool's zod `input`
 * in the handler, results checked with its zod `output`, and what a client
 * validates against the advertised schemas accepts the same answers (the
 * schemas lose no type, field or `required`). No `$ref` is introduced:
 * clients that do not resolve them exist.
 *
 * @module
 */
import type { StandardSchemaWithJSON } from "@modelcontextprotocol/server";
import type { FactoryTool } from "./toolKit.js";

type JsonSchema = Record<string, unknown>;
type Direction = "input" | "output";

/** Keywords whose value is one schema. */
const SCHEMA_KEYWORDS = new Set([
  "items",
  "additionalProperties",
  "not",
  "contains",
  "propertyNames",
  "if",
  "then",
  "else",
  "unevaluatedItems",
  "unevaluatedProperties",
]);
/** Keywords whose value is a list of schemas. */
const SCHEMA_LIST_KEYWORDS = new Set(["anyOf", "oneOf", "allOf", "prefixItems"]);
/** Keywords whose value maps names to schemas. */
const SCHEMA_MAP_KEYWORDS = new Set(["properties", "patternProperties", "$defs", "dependentSchemas"]);
/** Keywords whose schemas describe the fields of an object: one level deeper. */
const FIELD_KEYWORDS = new Set(["properties", "patternProperties", "additionalProperties"]);

const isObject = (value: unknown): value is JsonSchema =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/**
 * `schema` compacted as the module says. `depth` counts the objects the
 * schema is a field of (0 for the root, 1 for the root's fields and their
 * list items); only schema keywords are walked, never values (`enum`,
 * `default`) nor property names.
 */
function compact(schema: JsonSchema, direction: Direction, depth: number): JsonSchema {
  const compacted: JsonSchema = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === "$schema") continue;
    if (key === "additionalProperties" && isObject(value) && Object.keys(value).length === 0) continue;
    if (key === "pattern" && schema.format === "date-time") continue;
    // A description that is all a schema says (a value of any type) is kept.
    const alone = Object.keys(schema).length === 1;
    if (key === "description" && direction === "output" && depth > 1 && !alone) continue;
    const below = FIELD_KEYWORDS.has(key) ? depth + 1 : depth;
    if (SCHEMA_KEYWORDS.has(key) && isObject(value)) compacted[key] = compact(value, direction, below);
    else if (SCHEMA_LIST_KEYWORDS.has(key) && Array.isArray(value))
      compacted[key] = value.map((entry) => (isObject(entry) ? compact(entry, direction, below) : entry));
    else if (SCHEMA_MAP_KEYWORDS.has(key) && isObject(value))
      compacted[key] = Object.fromEntries(
        Object.entries(value).map(([name, entry]) => [
          name,
          isObject(entry) ? compact(entry, direction, below) : entry,
        ]),
      );
    else compacted[key] = value;
  }
  return compacted;
}

/**
 * The JSON Schema a tool advertises for its arguments (`input`) or its
 * result (`output`): its zod schema's, compacted. For tests and benchmarks
 * that compare it with the zod schema.
 */
export function advertisedJsonSchema(tool: FactoryTool, direction: Direction): JsonSchema {
  const schema = direction === "input" ? tool.input : tool.output;
  const json = schema["~standard"].jsonSchema[direction]({ target: "draft-2020-12" });
  return compact(json, direction, 0);
}

/**
 * A standard schema that advertises `json` (made once, on the first
 * `tools/list`) and validates with `validate`.
 */
function advertising(
  json: () => JsonSchema,
  validate: StandardSchemaWithJSON["~standard"]["validate"],
): StandardSchemaWithJSON {
  let made: JsonSchema | undefined;
  const once = () => {
    made ??= json();
    return made;
  };
  return {
    "~standard": {
      version: 1,
      vendor: "software-factory",
      validate,
      jsonSchema: { input: once, output: once },
    },
  };
}

/**
 * The schema the MCP server is given for a tool's arguments: it advertises
 * the tool's compacted JSON Schema and lets every value through, so that
 * `parseArguments` validates in the handler and a bad argument comes back
 * as an `E_VALIDATION` error like every other refusal (the SDK's own check
 * answers an uncoded "Input validation error").
 */
export function advertisedArguments(tool: FactoryTool): StandardSchemaWithJSON {
  return advertising(
    () => advertisedJsonSchema(tool, "input"),
    (value: unknown) => ({ value }),
  );
}

/**
 * The schema the MCP server is given for a tool's result: it advertises the
 * tool's compacted JSON Schema and validates with the tool's zod `output`.
 */
export function advertisedResult(tool: FactoryTool): StandardSchemaWithJSON {
  return advertising(
    () => advertisedJsonSchema(tool, "output"),
    (value: unknown) => tool.output["~standard"].validate(value),
  );
}
