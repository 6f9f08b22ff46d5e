import { describe, expect, it } from "vitest";
import { useSeededServer } from "./fixtures.js";

let item: string;
const server = useSeededServer("declared-answer-fields-test", async ({ factory }) => {
  item = (await factory.work.createWorkItem({ line: "checkout", title: "Wallet payments" })).id;
  await factory.work.recordArtifact({
    id: "REQ-wallet",
    kind: "requirement",
    title: "Wallets",
    workItem: item,
  });
  await factory.work.recordArtifact({
    id: "design-wallet",
    kind: "design",
    title: "Wallets",
    workItem: item,
  });
  await factory.work.link({ from: "design-wallet", to: "REQ-wallet", type: "derivesFrom" });
});

/** A JSON Schema as tools/list sends it, read loosely. */
type Schema = {
  properties?: Record<string, Schema>;
  items?: Schema;
  anyOf?: Schema[];
  oneOf?: Schema[];
};

/**
 * The fields of `value` that `schema` does not name, at every depth (`.revisions[].actor`);
 * of alternatives, those the closest one leaves out.
 */
function undeclared(schema: Schema | undefined, value: unknown, path: string): string[] {
  if (schema === undefined || value === null || typeof value !== "object") return [];
  const variants = [...(schema.anyOf ?? []), ...(schema.oneOf ?? [])];
  if (variants.length > 0) {
    const found = variants.map((variant) => undeclared(variant, value, path));
    return found.reduce((fewest, next) => (next.length < fewest.length ? next : fewest));
  }
  if (Array.isArray(value))
    return [...new Set(value.flatMap((entry) => undeclared(schema.items, entry, `${path}[]`)))];
  const properties = schema.properties;
  if (properties === undefined) return [];
  return Object.entries(value).flatMap(([key, field]) =>
    key in properties ? undeclared(properties[key], field, `${path}.${key}`) : [`${path}.${key}`],
  );
}

describe("the output schemas of tools/list", () => {
  it("name every field of the answers, at every depth: a document, a line, a context pack, suspect links", async () => {
    const { tools } = await server.client.listTools();
    const outputOf = (name: string) => tools.find((tool) => tool.name === name)?.outputSchema as Schema;
    const answer = async (name: string, args: Record<string, unknown>) => {
      const result = await server.call(name, args);
      expect(result.isError, `${name}: ${result.content[0]?.text}`).toBeUndefined();
      return result.structuredContent;
    };
    const decision = await answer("record_decision", {
      title: "Wallets through the card provider",
      context: "two providers",
      options: [{ title: "card provider", pros: ["one contract"], cons: ["fees"] }],
      decision: "card provider",
      lines: ["checkout"],
    });
    await answer("revise_knowledge", {
      id: decision?.id,
      title: "Wallets via the card provider",
      reason: "wording",
    });
    const changed = await answer("record_artifact", {
      id: "REQ-wallet",
      kind: "requirement",
      title: "Wallets",
      fields: { body: "Apple Pay and Google Pay" },
      workItem: item,
    });

    const answers = {
      get_document: await answer("get_document", { id: decision?.id }),
      get_line: await answer("get_line", { id: "checkout" }),
      get_context: await answer("get_context", { line: "checkout" }),
      record_artifact: changed,
      list_suspect_links: await answer("list_suspect_links", { workItem: item }),
    };
    expect(changed?.suspected).toHaveLength(1);
    const found = Object.entries(answers).flatMap(([name, value]) => undeclared(outputOf(name), value, name));
    expect(found).toEqual([]);
  });
});
