/**
 * `capture_knowledge` keeps one document per source address also when the
 * captures carry idempotency keys: two agents reading the same page at once,
 * each with its own key, used to get a document each.
 */
import { openFactory } from "@software-factory/intelligence";
import { describe, expect, it } from "vitest";
import { useSeededServer } from "./fixtures.js";

const server = useSeededServer("capture-same-source-keyed-test");

/** The answer of a call that must succeed. */
const ok = async (args: Record<string, unknown>) => {
  const result = await server.call("capture_knowledge", args);
  expect(result.isError, result.content[0]?.text).toBeUndefined();
  return result.structuredContent as { id: string; seq: number; revision: number; outcome: string };
};

/** A research note of the page at `uri` with `body`, captured with `idempotencyKey`. */
const page = (uri: string, body: string, idempotencyKey: string) => ({
  kind: "research",
  title: "Carrier status page",
  body,
  source: { system: "web", uri },
  idempotencyKey,
});

/** The documents of the web page at `uri`: the live one of its address, and all captured there. */
async function documentsOf(uri: string) {
  const factory = await openFactory({ dir: server.dir, actor: "test" });
  try {
    const live = await factory.knowledge.bySource("web", uri);
    const all = (await factory.knowledge.fromSystem("web")).filter((each) => each.source.uri === uri);
    return { live, all };
  } finally {
    await factory.close();
  }
}

describe("capture_knowledge of one source.uri by two callers at once, each with its own key", () => {
  it("keeps one live document holding both contents, and a retry with the capture's key writes nothing", async () => {
    // Several pages at once: the two calls of a single page may reach the server in separate reads, one after the other.
    const uris = Array.from({ length: 6 }, (_, index) => `https://status.example.com/carriers/${index}`);
    const bodies = ["Parcels ship in 2 days.", "Parcels ship in 3 days."];
    const calls = uris.flatMap((uri, index) =>
      bodies.map((body, caller) => page(uri, body, `carrier-${index}-agent-${caller}`)),
    );
    const answers = await Promise.all(calls.map(ok));

    for (const [index, uri] of uris.entries()) {
      const pair = answers.slice(2 * index, 2 * index + 2);
      expect(pair.map((answer) => answer.outcome).sort()).toEqual(["captured", "revised"]);
      const { live, all } = await documentsOf(uri);
      expect(all.map((each) => each.id)).toEqual([live?.id]);
      expect(pair.map((answer) => answer.id)).toEqual([live?.id, live?.id]);
      expect(live?.revisions.map((revision) => revision.body).sort()).toEqual(bodies);

      const capturedBy = calls[2 * index + pair.findIndex((answer) => answer.outcome === "captured")];
      const retry = await ok(capturedBy as Record<string, unknown>);
      expect(retry).toEqual({ id: live?.id, seq: live?.seq, revision: 2, outcome: "captured" });
      expect((await documentsOf(uri)).live?.revisions).toHaveLength(2);
    }
  });
});
