import { ValidationError } from "@software-factory/core";
import { afterEach, describe, expect, it } from "vitest";
import { openTestFactory, type TestFactory } from "./fixtures/factory.js";
import { failure } from "./fixtures/failures.js";

let factory: TestFactory;
afterEach(async () => {
  await factory?.close();
});

const STAGES =
  "stages: intake, requirements, design, architecture, implementation, testing, release, operate";

describe("the stage an artifact is recorded in", () => {
  it("refuses a stage the pipeline lacks, listing the stages, and writes nothing", async () => {
    factory = await openTestFactory();
    const { line, log } = factory;
    const head = await log.head();
    const error = await failure(() =>
      line.recordArtifact({
        kind: "testEvidence",
        title: "CI",
        stage: "qa",
        fields: { runId: "r1", passed: 3, failed: 0 },
      }),
    );
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).message).toBe(
      `artifact is invalid: stage: unknown stage "qa"; ${STAGES}`,
    );
    expect((error as ValidationError).issues).toEqual([
      { path: "stage", message: `unknown stage "qa"; ${STAGES}` },
    ]);
    expect(await log.head()).toEqual(head);
    expect(line.artifacts()).toEqual([]);
  });

  it("names the stage a misspelt one may mean, and the batch input that holds it", async () => {
    factory = await openTestFactory();
    const { line, log } = factory;
    const head = await log.head();
    const error = await failure(() =>
      line.recordArtifacts([
        { id: "REQ-1", kind: "requirement", title: "Login", stage: "requirements" },
        { id: "TEST-1", kind: "document", title: "Plan", stage: "tesing" },
      ]),
    );
    expect((error as ValidationError).message).toBe(
      `artifacts[1] is invalid: stage: unknown stage "tesing" (did you mean "testing"?); ${STAGES}`,
    );
    expect(await log.head()).toEqual(head);
  });

  it("takes every stage of a configured pipeline, and refuses the default ones it lacks", async () => {
    factory = await openTestFactory({
      pipeline: {
        stages: [{ name: "build" }, { name: "qa" }],
        flows: { standard: ["build", "qa"] },
        defaultFlow: "standard",
      },
    });
    const { line } = factory;
    const { artifact } = await line.recordArtifact({ kind: "document", title: "Plan", stage: "qa" });
    expect(artifact.stage).toBe("qa");
    const error = await failure(() =>
      line.recordArtifact({ kind: "document", title: "Plan", stage: "testing" }),
    );
    expect((error as ValidationError).message).toBe(
      'artifact is invalid: stage: unknown stage "testing"; stages: build, qa',
    );
  });
});
