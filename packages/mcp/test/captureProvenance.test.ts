/**
 * `capture_knowledge` records when something was said or written
 * (`source.capturedAt`, as the SDK's `capture` takes it) and since when it
 * holds (`validFrom`): a call typed up days later is dated by the call, so
 * what an as-of read finds then is right.
 */
import { describe, expect, it } from "vitest";
import { useSeededServer } from "./fixtures.js";

const server = useSeededServer("capture-provenance-test");

/** The answer of a call that must succeed. */
const ok = async (name: string, args: Record<string, unknown>) => {
  const result = await server.call(name, args);
  expect(result.isError, result.content[0]?.text).toBeUndefined();
  return result.structuredContent as Record<string, unknown>;
};

describe("capture_knowledge with source.capturedAt and validFrom", () => {
  it("dates the document by when it was said, which as-of reads then find", async () => {
    const { id } = await ok("capture_knowledge", {
      kind: "conversation",
      title: "Call with the CFO",
      body: "Dunning mails must go out in German.",
      source: {
        system: "zoom",
        uri: "zoom://rec/8812",
        author: "Olu Adeyemi",
        capturedAt: "2026-03-24T10:30:00+02:00",
      },
    });
    const document = await ok("get_document", { id });
    expect(document.source).toEqual({
      system: "zoom",
      uri: "zoom://rec/8812",
      author: "Olu Adeyemi",
      capturedAt: "2026-03-24T08:30:00.000Z",
    });
    expect(document.validFrom).toBe("2026-03-24T08:30:00.000Z");
    expect((await ok("get_document", { id, asOf: "2026-03-25T00:00:00Z" })).title).toBe("Call with the CFO");
    const before = await server.call("get_document", { id, asOf: "2026-03-24T08:00:00Z" });
    expect(before.isError).toBe(true);
  });

  it("takes validFrom apart from when it was said: a change told today that holds from July", async () => {
    const { id } = await ok("capture_knowledge", {
      kind: "strategy",
      title: "Starter price",
      body: "Starter costs EUR 25.",
      source: { system: "notes", capturedAt: "2026-05-02T09:00:00Z" },
      validFrom: "2026-07-01T00:00:00Z",
    });
    const document = await ok("get_document", { id });
    expect([document.validFrom, (document.source as { capturedAt?: string }).capturedAt]).toEqual([
      "2026-07-01T00:00:00.000Z",
      "2026-05-02T09:00:00.000Z",
    ]);
  });

  it("refuses a capturedAt that is not an instant with its offset, naming the field", async () => {
    const refused = await server.refused("capture_knowledge", {
      kind: "note",
      title: "t",
      body: "b",
      source: { system: "zendesk", capturedAt: "last Tuesday" },
    });
    expect(refused).toMatch(/^E_VALIDATION: .*source\.capturedAt: /);
  });
});
