import { beforeEach, describe, expect, it } from "vitest";
import { capturedByAnother, warmUp } from "./fixtures/otherWriter.js";
import { useTempKnowledgeBase } from "./fixtures/tempKnowledgeBase.js";

/** Documents another writer appends at once, about 300 KB of markdown. */
const DOCUMENTS = 120;
const temp = useTempKnowledgeBase("factory-kb-reindex-");

beforeEach(async () => {
  await warmUp(temp.kb);
});

/** Appends many sectioned markdown documents, each mentioning "quokka" once, as another process's import would. */
async function appendDocuments(): Promise<void> {
  const validFrom = new Date().toISOString();
  const paragraph = "Payment retries back off exponentially before the order is marked as failed. ".repeat(6);
  await temp.log.append(
    Array.from({ length: DOCUMENTS }, (_, index) => {
      const title = `Runbook ${index}`;
      const body = [
        `# ${title}`,
        ...Array.from({ length: 5 }, (_, section) => `## Step ${section}\n\n${paragraph}`),
        "## Contact\n\nAsk the quokka team.",
      ].join("\n\n");
      return capturedByAnother({
        id: `runbook_${index}`,
        kind: "runbook",
        title,
        body,
        system: "other-process",
        uri: `runbooks/${index}.md`,
        validFrom,
      });
    }),
  );
}

describe("catching up on many documents", () => {
  it("lets the event loop turn while it re-indexes them", async () => {
    await appendDocuments();
    let turns = 0;
    let done = false;
    const turn = (): void => {
      turns += 1;
      if (!done) setImmediate(turn);
    };
    setImmediate(turn);
    const { hits } = await temp.kb.search("quokka", { limit: 200 });
    done = true;
    expect(hits).toHaveLength(DOCUMENTS);
    // Re-cutting ~300 KB of markdown in one go would give the loop a turn or two at most.
    expect(turns).toBeGreaterThan(20);
  });

  it("answers a search issued mid-way with every document indexed, none half", async () => {
    await appendDocuments();
    let midway: Promise<number> | undefined;
    const issueMidway = (): void => {
      midway = temp.kb.search("quokka", { limit: 200 }).then((result) => result.hits.length);
    };
    setImmediate(issueMidway);
    const first = await temp.kb.search("quokka", { limit: 200 });
    // Issued while the first search was catching up, and answered after the same catch-up.
    expect(midway).toBeDefined();
    expect(first.hits).toHaveLength(DOCUMENTS);
    expect(await midway).toBe(DOCUMENTS);
    const list = await temp.kb.list({ limit: 500 });
    expect(list).toHaveLength(DOCUMENTS + 1);
  });
});
