/**
 * `factory://documents/{id}` over stdio to the built factory-mcp: a retracted
 * document says so first, and resources/list does not offer it; a long body
 * is cut as get_document cuts it, saying which call reads more.
 */
import { describe, expect, it } from "vitest";
import { useSeededServer } from "./fixtures.js";

let retracted: { id: string; at: string };
const ids: Record<"long" | "huge", string> = { long: "", huge: "" };

const server = useSeededServer("document-resource-test", async ({ factory }) => {
  const captured = await factory.knowledge.capture({
    kind: "note",
    title: "Refunds take ten days",
    body: "Refunds reach the card within ten days.",
    source: { system: "seed" },
  });
  const document = await factory.knowledge.retract(captured.id, "wrong: refunds take five days");
  retracted = { id: document.id, at: document.retracted?.at ?? "" };
  for (const [name, length] of [
    ["long", 20_000],
    ["huge", 250_000],
  ] as const) {
    const body = `${"The design in words. ".repeat(Math.ceil(length / 21))}`.slice(0, length);
    ids[name] = (
      await factory.knowledge.capture({
        kind: "blueprint",
        title: `A ${name} design`,
        body,
        source: { system: "seed" },
      })
    ).id;
  }
});

/** The text a read of `uri` answers. */
async function read(uri: string): Promise<string> {
  const { contents } = await server.client.readResource({ uri });
  return (contents[0] as { text: string }).text;
}

describe("factory://documents/{id}", () => {
  it("says first that a retracted document was retracted, when and why", async () => {
    const text = await read(`factory://documents/${retracted.id}`);
    expect(text.split("\n\n")[0]).toBe(
      `**Retracted** ${retracted.at}: wrong: refunds take five days (searches, lists and context packs leave it out; it stays for its history)`,
    );
    expect(text).toContain("# Refunds take ten days\n\nkind: note");
    expect(text.endsWith("Refunds reach the card within ten days.")).toBe(true);
  });

  it("reads a live document without a word of retraction", async () => {
    const { resources } = await server.client.listResources();
    const live = resources.find((resource) => resource.title === "Retry failed payments three times");
    expect(await read(live?.uri ?? "")).toMatch(/^# Retry failed payments three times\n/);
  });

  it("leaves retracted documents out of resources/list", async () => {
    const { resources } = await server.client.listResources();
    const documents = resources.filter((resource) => resource.uri.startsWith("factory://documents/"));
    expect(documents.map((resource) => resource.title).sort()).toEqual([
      "A huge design",
      "A long design",
      "Retry failed payments three times",
    ]);
  });
});

describe("a long document as a resource", () => {
  it("shows as much of the body as get_document does by default, saying it is cut and which call reads it whole", async () => {
    const text = await read(`factory://documents/${ids.long}`);
    const whole = await server.call("get_document", { id: ids.long });
    const shown = whole.structuredContent?.body as string;
    expect(shown).toHaveLength(16_000);
    expect(text).toContain(
      `\n\n${shown}... (cut: the body is 20,000 characters, 16,000 shown, get_document's default of 4,000 tokens; get_document {"id":"${ids.long}","maxTokens":50000} reads it whole)`,
    );
    expect(text.length).toBeLessThan(16_400);
  });

  it("says how much get_document reads at most when the body is longer still", async () => {
    const text = await read(`factory://documents/${ids.huge}`);
    expect(text).toMatch(
      /\.\.\. \(cut: the body is 250,000 characters, 16,000 shown, get_document's default of 4,000 tokens; get_document \{"id":"[^"]+","maxTokens":50000\} reads its first 200,000\)$/,
    );
    expect(text.length).toBeLessThan(16_400);
  });
});
