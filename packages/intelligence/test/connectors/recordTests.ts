/**
 * Records inferred requirements and their tests in a factory the way the
 * codebase import does (a `requirement`, a `test` with file, name and describe
 * path, and a `verifies` link), for the JUnit connector tests.
 */
import type { InferredRequirement } from "../../src/codebase/proposal.js";
import type { Factory } from "../../src/index.js";

/** Records each requirement and its test, linked. */
export async function recordTests(
  factory: Factory,
  requirements: readonly InferredRequirement[],
): Promise<void> {
  for (const requirement of requirements) {
    await factory.work.recordArtifact({
      id: requirement.id,
      kind: "requirement",
      title: requirement.title,
      fields: { statement: requirement.title, inferred: true, verifiedBy: requirement.testId },
    });
    await factory.work.recordArtifact({
      id: requirement.testId,
      kind: "test",
      title: [...requirement.describePath, requirement.testName].join(" › "),
      fields: {
        file: requirement.file,
        fileLine: requirement.fileLine,
        name: requirement.testName,
        describePath: requirement.describePath,
        framework: requirement.framework,
      },
    });
    await factory.work.link({ from: requirement.testId, to: requirement.id, type: "verifies" });
  }
}
