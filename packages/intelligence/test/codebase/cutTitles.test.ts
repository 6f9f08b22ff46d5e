/**
 * A document's title and a line's description taken from a repository are cut
 * to their limits (500 characters, counted in UTF-16 units), and an emoji at
 * the limit is dropped whole: importCodebase never stores half of a surrogate
 * pair, which is not Unicode.
 */
import { importCodebase } from "@software-factory/intelligence";
import { expect, it } from "vitest";
import { useRepoWithFactory } from "./repoWithFactory.js";

/** Half of a surrogate pair with no other half next to it. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

const temp = useRepoWithFactory("factory-cut-titles-", [
  {
    author: { name: "Ada Lovelace", email: "ada@example.com" },
    files: {
      "package.json": '{"name":"shop"}\n',
      // The emoji's first half is the 500th unit of the heading.
      "docs/guide.md": `# ${"a".repeat(499)}🚀 and more\n\nWe retry twice.\n`,
      // The emoji's first half is the 497th unit of the paragraph, where a description is cut before "...".
      "README.md": `# Shop\n\n${"b".repeat(496)}🚀 and more.\n`,
    },
  },
]);

it("cuts a document title and a README description at an emoji without leaving half of it", async () => {
  const { repo, factory } = temp;
  const imported = await importCodebase(factory, repo.root);

  expect(imported.problems).toEqual([]);
  const guide = (await factory.knowledge.fromSystem("codebase")).find((document) =>
    document.source.uri?.endsWith("docs/guide.md"),
  );
  expect(guide?.title).toBe("a".repeat(499));
  expect(LONE_SURROGATE.test(guide?.title ?? "")).toBe(false);
  const description = factory.floorplan
    .lines()
    .find((line) => line.description?.startsWith("b"))?.description;
  expect(description).toBe(`${"b".repeat(496)}...`);
});
