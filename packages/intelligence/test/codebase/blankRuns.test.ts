/**
 * Test files, build scripts and sources with long runs of blanks are read in
 * linear time: the JUnit finder was a regular expression whose adjacent
 * whitespace quantifiers backtracked cubically (29 s on 4,000 spaces after one
 * `@Test`), and the Gherkin keyword, Gradle `include`/`description` and
 * Python `import` expressions quadratically, on runs of spaces or blank lines.
 */
import { importCodebase } from "@software-factory/intelligence";
import { describe, expect, it } from "vitest";
import { useRepoWithFactory } from "./repoWithFactory.js";

const alice = { name: "Alice", email: "alice@acme.test" };

describe("importCodebase: a JUnit file with 50,000 blanks after an annotation", () => {
  const spaces = " ".repeat(50_000);
  const temp = useRepoWithFactory("factory-blank-junit-", [
    {
      author: alice,
      date: "2026-01-05T10:00:00Z",
      files: {
        "settings.gradle.kts": 'include(":okhttp")\n',
        "okhttp/build.gradle.kts": "plugins { java }\n",
        "okhttp/src/main/java/okhttp3/Url.java": "class Url {}\n",
        "okhttp/src/test/java/okhttp3/UrlTest.java": [
          "class UrlTest {",
          `  @Test${spaces}`,
          `${" \n".repeat(50_000)}  public void parsesHost() {}`,
          "",
          "  @Test",
          '  @Disabled("naive change detection is removed (MRESOLVER-392)")',
          "  void detectsChanges() {}",
          "",
          `  @Test${spaces}`,
          "}",
          "",
        ].join("\n"),
      },
    },
  ]);

  it("reads each test method, past the blanks and an argument's parentheses", async () => {
    const { proposal } = await importCodebase(temp.factory, temp.repo.root, { dryRun: true });
    expect(proposal.requirements.map((r) => [r.framework, r.title, r.fileLine])).toEqual([
      ["junit", "UrlTest: parsesHost", 2],
      ["junit", "UrlTest: detectsChanges", 50_005],
    ]);
  });
});

describe("importCodebase: Gherkin, Gradle and Python files with 200,000 blanks", () => {
  const spaces = " ".repeat(200_000);
  const blankLines = "\n".repeat(200_000);
  const temp = useRepoWithFactory("factory-blank-runs-", [
    {
      author: alice,
      date: "2026-01-05T10:00:00Z",
      files: {
        "settings.gradle.kts": `${blankLines}include(":okhttp")\n${blankLines}`,
        "okhttp/build.gradle.kts": `${blankLines}description = "HTTP client"\n`,
        "okhttp/src/main/java/okhttp3/Url.java": "class Url {}\n",
        "okhttp/src/test/resources/checkout.feature": `Feature: Checkout\n  Scenario: pays${spaces}by card\n`,
        "okhttp/scripts/store.py": `${blankLines}import sqlalchemy\n`,
      },
    },
  ]);

  it("reads the project, its description, the scenario and the import around them", async () => {
    const { proposal } = await importCodebase(temp.factory, temp.repo.root, { dryRun: true });
    expect(proposal.lines.map((line) => [line.id, line.description])).toEqual([["okhttp", "HTTP client"]]);
    expect(proposal.requirements.map((r) => [r.framework, r.title, r.fileLine])).toEqual([
      ["gherkin", "Checkout: pays by card", 2],
    ]);
    expect(proposal.blueprints[0]?.body).toContain(
      "- SQLAlchemy (SQL) (`sqlalchemy`) (`okhttp/scripts/store.py`)",
    );
  });
});
