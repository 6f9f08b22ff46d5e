/**
 * `factory://work/{id}` shows the first 50 artifacts and 100 trace links of a
 * work item's trace, with the count of each and where the others are named:
 * a requirement 500 change sets implement read as 422,143 characters. A real
 * SDK client over stdio to the built `factory-mcp`.
 */
import { describe, expect, it } from "vitest";
import { useSeededServer } from "./fixtures.js";

const CHANGE_SETS = 110;
const changeSet = (index: number) => `CS-${String(index).padStart(3, "0")}`;

let itemId = "";
const server = useSeededServer("work-resource-lists-test", async ({ factory }) => {
  const item = await factory.work.createWorkItem({ line: "checkout", title: "Pay by card" });
  itemId = item.id;
  await factory.work.recordArtifact({
    id: "REQ-pay",
    kind: "requirement",
    title: "Pay by card",
    workItem: item.id,
    fields: { body: "A customer pays by card." },
  });
  await factory.work.recordArtifacts(
    Array.from({ length: CHANGE_SETS }, (_, index) => ({
      id: changeSet(index),
      kind: "changeSet",
      title: `Change ${index}`,
      fields: { commit: "a".repeat(40), paths: [`src/checkout/file${index}.ts`] },
    })),
  );
  await factory.work.linkAll(
    Array.from({ length: CHANGE_SETS }, (_, index) => ({
      from: changeSet(index),
      to: "REQ-pay",
      type: "implements" as const,
    })),
  );
});

describe("factory://work/{id} artifacts and links", () => {
  it("shows the first 50 artifacts and 100 links, the count of each, and where the others are named", async () => {
    const [content] = (await server.client.readResource({ uri: `factory://work/${itemId}` })).contents;
    const { trace } = JSON.parse(content !== undefined && "text" in content ? content.text : "{}") as {
      trace: Record<string, unknown> & { artifacts: unknown[]; links: unknown[]; downstream: string[] };
    };
    expect(trace.artifacts).toHaveLength(50);
    expect(trace.links).toHaveLength(100);
    expect(trace).toMatchObject({
      signals: [],
      signalCount: 0,
      artifactCount: CHANGE_SETS + 1,
      moreArtifacts:
        "61 more artifacts: trace.upstream and trace.downstream name them, factory://artifacts/{id} reads one",
      linkCount: CHANGE_SETS,
      moreLinks: "10 more links: trace.upstream and trace.downstream name the ends they reach",
    });
    expect(trace).not.toHaveProperty("moreSignals");
    expect(trace.downstream).toEqual(
      expect.arrayContaining(Array.from({ length: CHANGE_SETS }, (_, i) => changeSet(i))),
    );
  });
});
