import { afterEach, describe, expect, it } from "vitest";
import { openTestFactory, refusedWrite, type TestFactory } from "./fixtures/factory.js";

let factory: TestFactory;
afterEach(async () => {
  await factory?.close();
});

describe("a deployment", () => {
  it("naming nothing that went out, or an environment not in lowercase, is refused and nothing is written", async () => {
    factory = await openTestFactory();
    const { line } = factory;
    const empty = await refusedWrite(factory, () => line.recordDeployment({}));
    expect(empty.message).toBe(
      "deployment is invalid: (root): a deployment names what went out: give its workItems, the incidents it remediates, its line or its version",
    );
    const cased = await refusedWrite(factory, () =>
      line.recordDeployment({ environment: "Production", version: "v1" }),
    );
    expect(cased.issues).toEqual([
      {
        path: "environment",
        message:
          '"Production" is not lowercase: environments are lowercase names, and the DORA measures count "production"; did you mean "production"?',
      },
    ]);

    const id = await line.recordDeployment({ version: "v1" });
    expect(line.deployment(id)).toMatchObject({ environment: "production", version: "v1" });
  });
});
