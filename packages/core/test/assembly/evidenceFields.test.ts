import { afterEach, describe, expect, it } from "vitest";
import { openTestFactory, refusedWrite, type TestFactory } from "./fixtures/factory.js";

let factory: TestFactory;
afterEach(async () => {
  await factory?.close();
});

describe("evidence fields left out", () => {
  it("are named under fields and said to be required, with what they hold", async () => {
    factory = await openTestFactory();
    const { line } = factory;
    const changeSet = await refusedWrite(factory, () =>
      line.recordArtifact({ id: "CS-1", kind: "changeSet", title: "endpoint", fields: {} }),
    );
    expect(changeSet.message).toBe(
      "artifact is invalid: fields.commit: required for a changeSet: the commit's id, lowercase hex, 7 to 64 characters; fields.paths: required for a changeSet: the repository paths it touched, at least one",
    );
    const run = await refusedWrite(factory, () =>
      line.recordArtifacts([
        { id: "TE-1", kind: "testEvidence", title: "CI", fields: { runId: "ci-1", passed: 3, failed: -1 } },
      ]),
    );
    expect(run.issues).toEqual([{ path: "fields.failed", message: "must be at least 0" }]);
    const paths = await refusedWrite(factory, () =>
      line.recordArtifact({ kind: "changeSet", title: "e", fields: { commit: "4f2a9c1", paths: [""] } }),
    );
    expect(paths.issues.map((issue) => issue.path)).toEqual(["fields.paths[0]"]);
  });
});
