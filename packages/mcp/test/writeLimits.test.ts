/**
 * The write tools advertise the limits of the knowledge base and the
 * assembly line they write to, and refuse past them in their own words,
 * naming the argument: capture_knowledge's schema took 3,000 tags, which the
 * knowledge base then refused as `document is invalid: tags`, and
 * record_decision's 201-character author came back as `source.author`, a
 * field the tool does not have.
 */
import type { Tool } from "@modelcontextprotocol/client";
import { beforeAll, describe, expect, it } from "vitest";
import { useSeededServer } from "./fixtures.js";

const server = useSeededServer("write-limits-test");
let tools: Tool[];
let documentId: string;

beforeAll(async () => {
  tools = (await server.client.listTools()).tools;
  const listed = await server.call("list_knowledge", {});
  const [document] = (listed.structuredContent?.documents ?? []) as { id: string }[];
  documentId = document?.id ?? "";
});

/** `count` items made by `item`. */
const many = <T>(count: number, item: (index: number) => T): T[] =>
  Array.from({ length: count }, (_, index) => item(index));

/** A note for capture_knowledge, with `args` added. */
const note = (args: Record<string, unknown>) => ({
  kind: "note",
  title: "Limits",
  body: "Within them.",
  ...args,
});
/** A decision for record_decision, with `args` added. */
const decision = (args: Record<string, unknown>) => ({
  title: "Card vault",
  context: "PCI scope",
  decision: "use the provider's vault",
  ...args,
});
/** `count` distinct tags of 80 characters, the longest a tag may be. */
const tags = (count: number) => many(count, (index) => `t${index}`.padEnd(80, "x"));

/** The `maxItems` or `maxLength` of the property at `path` (`items` for a list's items) of `tool`'s advertised input schema. */
function advertisedLimit(tool: string, path: readonly string[]): unknown {
  type Schema = {
    properties?: Record<string, Schema>;
    items?: Schema;
    maxItems?: number;
    maxLength?: number;
  };
  let schema = tools.find((listed) => listed.name === tool)?.inputSchema as Schema | undefined;
  for (const key of path) schema = key === "items" ? schema?.items : schema?.properties?.[key];
  return schema?.maxItems ?? schema?.maxLength;
}

/** A limit: the tool, where the schema advertises it, its value, the arguments of a call with `size`, and whether a call at the limit is written. */
type Limit = readonly [
  tool: string,
  path: readonly string[],
  limit: number,
  args: (size: number) => Record<string, unknown>,
  writtenAtLimit: boolean,
];

const limits: readonly Limit[] = [
  ["capture_knowledge", ["tags"], 100, (size) => note({ tags: tags(size) }), true],
  ["capture_knowledge", ["tags", "items"], 80, (size) => note({ tags: ["x".repeat(size)] }), true],
  ["capture_knowledge", ["lines"], 100, (size) => note({ lines: many(size, () => "checkout") }), true],
  [
    "capture_knowledge",
    ["source", "author"],
    200,
    (size) => note({ source: { author: "a".repeat(size) } }),
    true,
  ],
  ["capture_knowledge", ["source", "uri"], 2000, (size) => note({ source: { uri: "u".repeat(size) } }), true],
  [
    "capture_knowledge",
    ["links"],
    500,
    (size) => note({ links: many(size, () => ({ type: "relatesTo", target: documentId })) }),
    true,
  ],
  [
    "capture_knowledge",
    ["supersedes"],
    50,
    (size) => note({ supersedes: many(size, () => documentId) }),
    false,
  ],
  [
    "revise_knowledge",
    ["tags"],
    100,
    (size) => ({ id: documentId, reason: "retag", tags: tags(size) }),
    true,
  ],
  ["record_decision", ["lines"], 100, (size) => decision({ lines: many(size, () => "checkout") }), true],
  ["record_decision", ["author"], 200, (size) => decision({ author: "a".repeat(size) }), true],
  [
    "record_decision",
    ["supersedes"],
    50,
    (size) => decision({ supersedes: many(size, () => documentId) }),
    false,
  ],
  [
    "create_work_item",
    ["signals"],
    1000,
    (size) => ({ line: "checkout", title: "Signals", signals: many(size, (index) => `sig_${index}`) }),
    false,
  ],
  [
    "advance_work_item",
    ["overrideWipReason"],
    2000,
    (size) => ({ id: "wi_none", overrideWipReason: "r".repeat(size) }),
    false,
  ],
];

describe("the write tools' limits", () => {
  it.each(limits)(
    "%s advertises %j at the factory's limit and refuses one more, naming it",
    async (tool, path, limit, args, writtenAtLimit) => {
      expect(advertisedLimit(tool, path)).toBe(limit);

      const field = path.join(".").replace(".items", "[0]");
      const over = await server.refused(tool, args(limit + 1));
      expect(over.length).toBeLessThan(300);
      expect(over.startsWith(`E_VALIDATION: ${tool} input is invalid: ${field}: `), over).toBe(true);

      if (!writtenAtLimit) return;
      const at = await server.call(tool, args(limit));
      expect(at.isError, at.content[0]?.text).toBeFalsy();
    },
  );
});
