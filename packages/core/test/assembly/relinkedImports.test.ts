import { afterEach, describe, expect, it } from "vitest";
import { openTestFactory, type TestFactory } from "./fixtures/factory.js";

let factory: TestFactory;
afterEach(async () => {
  await factory?.close();
});

const N = 10_000;

describe("a bulk link import run again", () => {
  // Before links were indexed by their ends, each input of the second run read every link of
  // REL-1: about 10,000 x 10,000 link copies, over a minute on a laptop; this timeout is that bound.
  it("returns the links the first run made and writes nothing, for 10,000 links from one release", {
    timeout: 30_000,
  }, async () => {
    factory = await openTestFactory();
    const { line, log } = factory;
    await line.recordArtifacts([
      { id: "REL-1", kind: "release", title: "2.4" },
      ...Array.from({ length: N }, (_, i) => ({ id: `REQ-${i}`, kind: "requirement", title: `r${i}` })),
    ]);
    const links = Array.from({ length: N }, (_, i) => ({
      from: "REL-1",
      to: `REQ-${i}`,
      type: "satisfies" as const,
    }));
    const first = await line.linkAll(links);
    const head = await log.head();

    const again = await line.linkAll(links);
    expect(again.map((link) => link.id)).toEqual(first.map((link) => link.id));
    expect(await log.head()).toEqual(head);
    expect(line.linksOf("REL-1")).toHaveLength(N);
  });
});
