import { afterEach, describe, expect, it } from "vitest";
import { openTestFactory, type TestFactory } from "./fixtures/factory.js";

let factory: TestFactory;
afterEach(async () => {
  await factory?.close();
});

describe("recordArtifacts and linkAll", () => {
  it("records many artifacts in one append, leaving unchanged ones out", async () => {
    factory = await openTestFactory();
    await factory.line.recordArtifact({
      id: "REQ-1",
      kind: "requirement",
      title: "Sign in",
      fields: { body: "a" },
    });
    const head = await factory.log.head();

    const recorded = await factory.line.recordArtifacts([
      { id: "REQ-1", kind: "requirement", title: "Sign in", fields: { body: "a" } },
      { id: "REQ-2", kind: "requirement", title: "Sign out", fields: { body: "b" } },
      { id: "REQ-2", kind: "requirement", title: "Sign out everywhere", fields: { body: "b" } },
    ]);

    expect(recorded.map((entry) => entry.changed)).toEqual([false, true, true]);
    expect(await factory.log.head()).toBe(head + 2);
    expect(factory.line.artifact("REQ-2")).toMatchObject({ version: 2, title: "Sign out everywhere" });
    const events = await factory.log.read({ after: head });
    expect(events.map((event) => [event.type, event.subject])).toEqual([
      ["artifact.recorded", "REQ-2"],
      ["artifact.recorded", "REQ-2"],
    ]);
  });

  it("writes none of a batch when one input is bad, and names its index", async () => {
    factory = await openTestFactory();
    const head = await factory.log.head();

    await expect(
      factory.line.recordArtifacts([
        { id: "REQ-1", kind: "requirement", title: "Sign in" },
        { id: "REQ-2", kind: "requirement", title: " " },
      ]),
    ).rejects.toThrow(/artifacts\[1\]/);
    await expect(
      factory.line.recordArtifacts([
        { id: "CS-1", kind: "changeSet", title: "fix", fields: { commit: "abcdef1", paths: ["a.ts"] } },
        { id: "REQ-1", kind: "changeSet", title: "fix", fields: { commit: "not-hex", paths: ["a.ts"] } },
      ]),
    ).rejects.toThrow(/commit/);

    expect(await factory.log.head()).toBe(head);
    expect(factory.line.artifact("REQ-1")).toBeUndefined();
  });

  it("links many pairs in one append, or none when an end is missing", async () => {
    factory = await openTestFactory();
    await factory.line.recordArtifacts([
      { id: "REQ-1", kind: "requirement", title: "Sign in" },
      { id: "TEST-1", kind: "test", title: "signs in" },
      { id: "TEST-2", kind: "test", title: "rejects a bad password" },
    ]);
    const head = await factory.log.head();

    await expect(
      factory.line.linkAll([
        { from: "TEST-1", to: "REQ-1", type: "verifies" },
        { from: "TEST-9", to: "REQ-1", type: "verifies" },
      ]),
    ).rejects.toThrow(/TEST-9/);
    expect(await factory.log.head()).toBe(head);

    const links = await factory.line.linkAll([
      { from: "TEST-1", to: "REQ-1", type: "verifies" },
      { from: "TEST-2", to: "REQ-1", type: "verifies" },
    ]);
    expect(links.map((link) => link.from)).toEqual(["TEST-1", "TEST-2"]);
    expect(await factory.log.head()).toBe(head + 2);
    expect(factory.line.linksOf("REQ-1")).toHaveLength(2);
  });
});
