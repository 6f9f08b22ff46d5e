/**
 * A test's name in a repository may hold a tab, a terminal escape or a bidi
 * override, written into the source; a title refuses them. importCodebase
 * titles the requirement and the test one line instead of refusing the
 * import, and keeps the name as written in the test's fields.
 */
import { findUnsafeLineCharacter } from "@software-factory/core";
import { importCodebase } from "@software-factory/intelligence";
import { expect, it } from "vitest";
import { useRepoWithFactory } from "./repoWithFactory.js";

const ada = { name: "Ada Lovelace", email: "ada@example.com" };

/** A describe name with a literal tab, a test name with a bidi override and an escape, written as characters. */
const ODD_TEST = `import { describe, it } from "vitest";

describe("pay\tments", () => {
  it("refunds \u202eknil yb yaP\u202c \x1b[31mnow", () => {});
});

it("\u202e\u2066", () => {});
`;

const temp = useRepoWithFactory("factory-unsafe-titles-", [
  { author: ada, files: { "package.json": '{"name":"pay"}\n', "test/pay.test.ts": ODD_TEST } },
]);

it("titles requirements and tests whose names hold control characters and bidi overrides as one line", async () => {
  const { repo, factory } = temp;
  const { proposal } = await importCodebase(factory, repo.root);

  const [odd, bare] = proposal.requirements;
  expect(odd && factory.work.artifact(odd.id)).toMatchObject({
    title: "pay ments: refunds knil yb yaP [31mnow",
    fields: { statement: "pay ments: refunds \u202eknil yb yaP\u202c \x1b[31mnow" },
  });
  expect(odd && factory.work.artifact(odd.testId)).toMatchObject({
    title: "pay ments › refunds knil yb yaP [31mnow",
    fields: { name: "refunds \u202eknil yb yaP\u202c \x1b[31mnow", describePath: ["pay\tments"] },
  });
  // A name of nothing but such characters leaves no title: the artifact's id titles it.
  expect(bare && factory.work.artifact(bare.id)?.title).toBe(bare?.id);
  expect(bare && factory.work.artifact(bare.testId)).toMatchObject({
    title: bare?.testId,
    fields: { name: "\u202e\u2066" },
  });
  for (const artifact of factory.work.artifacts())
    expect(findUnsafeLineCharacter(artifact.title), artifact.id).toBeUndefined();
});
