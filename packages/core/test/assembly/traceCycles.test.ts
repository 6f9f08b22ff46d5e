import { afterEach, describe, expect, it } from "vitest";
import { openTestFactory, refusedWrite, type TestFactory } from "./fixtures/factory.js";

let factory: TestFactory;
afterEach(async () => {
  await factory?.close();
});

describe("a trace link that would close a cycle", () => {
  it("is refused naming the existing path, two links or more, in a batch too, until that path is reviewed obsolete", async () => {
    factory = await openTestFactory();
    const { line } = factory;
    await line.recordArtifacts([
      { id: "REQ-x", kind: "requirement", title: "Login" },
      { id: "DES-x", kind: "design", title: "Login form" },
      {
        id: "CS-x",
        kind: "changeSet",
        title: "form",
        fields: { commit: "4f2a9c1", paths: ["src/login.ts"] },
      },
    ]);
    await line.link({ from: "DES-x", to: "REQ-x", type: "derivesFrom" });

    const back = await refusedWrite(factory, () =>
      line.link({ from: "REQ-x", to: "DES-x", type: "derivesFrom" }),
    );
    expect(back.message).toBe(
      'trace link is invalid: to: "REQ-x derivesFrom DES-x" would close a cycle: DES-x derivesFrom REQ-x already, so REQ-x is upstream of DES-x; a link runs from the downstream end to the upstream one',
    );

    const around = await refusedWrite(factory, () =>
      line.linkAll([
        { from: "CS-x", to: "DES-x", type: "implements" },
        { from: "REQ-x", to: "CS-x", type: "verifies" },
      ]),
    );
    expect(around.issues).toEqual([
      {
        path: "to",
        message:
          '"REQ-x verifies CS-x" would close a cycle: CS-x implements DES-x, DES-x derivesFrom REQ-x already, so REQ-x is upstream of CS-x; a link runs from the downstream end to the upstream one',
      },
    ]);

    // A link reviewed obsolete no longer relates its ends: the other way is taken.
    const wrong = line.linksOf("DES-x")[0];
    await line.reviewLink(wrong?.id ?? "", { verdict: "obsolete", note: "linked the wrong way" });
    await expect(line.link({ from: "REQ-x", to: "DES-x", type: "derivesFrom" })).resolves.toMatchObject({
      from: "REQ-x",
      to: "DES-x",
    });
  });
});
