/**
 * `factory://documents/{id}` over stdio to the built factory-mcp: a retracted
 * document says so first, and resources/list does not offer it.
 */
import { describe, expect, it } from "vitest";
import { useSeededServer } from "./fixtures.js";

let retracted: { id: string; at: string };

const server = useSeededServer("document-resource-test", async ({ factory }) => {
  const captured = await factory.knowledge.capture({
    kind: "note",
    title: "Refunds take ten days",
    body: "Refunds reach the card within ten days.",
    source: { system: "seed" },
  });
  const document = await factory.knowledge.retract(captured.id, "wrong: refunds take five days");
  retracted = { id: document.id, at: document.retracted?.at ?? "" };
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
    const [live] = (await server.client.listResources()).resources.filter((resource) =>
      resource.uri.startsWith("factory://documents/"),
    );
    expect(await read(live?.uri ?? "")).toMatch(/^# Retry failed payments three times\n/);
  });

  it("leaves retracted documents out of resources/list", async () => {
    const { resources } = await server.client.listResources();
    const documents = resources.filter((resource) => resource.uri.startsWith("factory://documents/"));
    expect(documents.map((resource) => resource.title)).toEqual(["Retry failed payments three times"]);
  });
});
