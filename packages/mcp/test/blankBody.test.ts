import { describe, expect, it } from "vitest";
import { useSeededServer } from "./fixtures.js";

const server = useSeededServer("blank-body-test");
const { call, refused } = server;

const documentCount = async (): Promise<number> => {
  const listed = await call("list_knowledge", { current: false, limit: 100 });
  const documents = listed.structuredContent?.documents;
  if (!Array.isArray(documents)) throw new Error("list_knowledge answered without documents");
  return documents.length;
};

describe("a knowledge document's body over stdio", () => {
  it("is refused blank by capture_knowledge and revise_knowledge, naming body, and nothing is written", async () => {
    const before = await documentCount();
    for (const body of [" ", "\n\t\n"]) {
      const text = await refused("capture_knowledge", { kind: "note", title: "Empty", body });
      expect(text).toBe("E_VALIDATION: capture_knowledge input is invalid: body: body must not be blank");
    }
    expect(await documentCount()).toBe(before);

    const kept = await call("capture_knowledge", {
      kind: "note",
      title: "Kept",
      body: "Refunds take three days.",
    });
    const id = kept.structuredContent?.id as string;
    expect(await refused("revise_knowledge", { id, reason: "cleared", body: "   " })).toBe(
      "E_VALIDATION: revise_knowledge input is invalid: body: body must not be blank",
    );
    const read = await call("get_document", { id });
    expect(read.structuredContent).toMatchObject({
      body: "Refunds take three days.",
      revisions: [{ revision: 1 }],
    });
  });

  it("and a decision's context or decision are refused blank by record_decision, as the CLI refuses them", async () => {
    const before = await documentCount();
    expect(await refused("record_decision", { title: "Retries", context: " ", decision: "\n" })).toBe(
      "E_VALIDATION: record_decision input is invalid: context: context must not be blank; decision: decision must not be blank",
    );
    expect(await documentCount()).toBe(before);
  });
});

describe("blank text in the other arguments that need words", () => {
  it("is refused as blank, naming the argument, where zod said the text was shorter than 1 character", async () => {
    const blank = "must not be blank (it is empty or only whitespace)";
    const before = await documentCount();
    expect(
      await refused("capture_knowledge", { kind: "note", title: "  \t", body: "Refunds take three days." }),
    ).toBe(`E_VALIDATION: capture_knowledge input is invalid: title: ${blank}`);
    expect(
      await refused("record_decision", { title: " ", context: "Flaky provider", decision: "Retry" }),
    ).toBe(`E_VALIDATION: record_decision input is invalid: title: ${blank}`);
    expect(await documentCount()).toBe(before);
    expect(await refused("search_knowledge", { query: "   " })).toBe(
      `E_VALIDATION: search_knowledge input is invalid: query: ${blank}`,
    );
    expect(await refused("get_context", { question: "\n" })).toBe(
      `E_VALIDATION: get_context input is invalid: question: ${blank}`,
    );
    const item = await call("create_work_item", { line: "checkout", title: "Apple Pay" });
    const id = item.structuredContent?.id as string;
    expect(await refused("advance_work_item", { id, move: "block", reason: " " })).toBe(
      `E_VALIDATION: advance_work_item input is invalid: reason: ${blank}`,
    );
    const document = await call("list_knowledge", { limit: 1 });
    const [first] = (document.structuredContent?.documents ?? []) as { id: string }[];
    expect(await refused("retract_knowledge", { id: first?.id, reason: "  " })).toBe(
      `E_VALIDATION: retract_knowledge input is invalid: reason: ${blank}`,
    );
  });
});
