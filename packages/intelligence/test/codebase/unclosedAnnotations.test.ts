/**
 * JUnit test files of about a megabyte (the most the import reads of one
 * file) made of `@Test(` repeated, never closed, are read in linear time: the
 * search for the `)` balancing an annotation's `(` read up to 2,000
 * characters from each one: 2.8 s a file on a 2-core host, so that these 32
 * files timed out (twenty-four took 64 s); a file is read once now (30 ms).
 */
import { importCodebase } from "@software-factory/intelligence";
import { describe, expect, it } from "vitest";
import { useRepoWithFactory } from "./repoWithFactory.js";

const alice = { name: "Alice", email: "alice@acme.test" };
/** About a megabyte of `unit` repeated. */
const run = (unit: string) => unit.repeat(Math.floor(1_000_000 / unit.length));
const FILES = 32;
const testFile = (index: number) => ({
  [`app/src/test/java/acme/Order${index}Test.java`]: [
    `class Order${index}Test {`,
    '  @Test @Disabled("until (ACME-1) lands")',
    "  void places() {}",
    run("@Test("),
    "}",
    "",
  ].join("\n"),
});

describe("importCodebase: JUnit files that repeat an unclosed test annotation", () => {
  const temp = useRepoWithFactory("factory-unclosed-annotations-", [
    {
      author: alice,
      date: "2026-01-05T10:00:00Z",
      files: Object.assign(
        {
          "settings.gradle.kts": 'include(":app")\n',
          "app/build.gradle.kts": "plugins { java }\n",
          "app/src/main/java/acme/Order.java": "class Order {}\n",
        },
        ...Array.from({ length: FILES }, (_, index) => testFile(index)),
      ),
    },
  ]);

  it("reads the test method before the annotations in each file", async () => {
    const { proposal } = await importCodebase(temp.factory, temp.repo.root, { dryRun: true });
    const found = proposal.requirements.map((r) => [r.framework, r.title, r.fileLine]);
    expect(found).toHaveLength(FILES);
    expect(found).toContainEqual(["junit", "Order0Test: places", 2]);
    expect(found).toContainEqual(["junit", `Order${FILES - 1}Test: places`, 2]);
  });
});
