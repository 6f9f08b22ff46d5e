import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { importCodebase, importJUnitReport } from "@software-factory/intelligence";
import { describe, expect, it } from "vitest";
import { useRepoWithFactory } from "./repoWithFactory.js";

const ada = { name: "Ada Lovelace", email: "ada@example.com" };

/** Parametrised tests as people write them: literal tables, a tagged template table, a table from a variable, a long table. */
const STORE_TEST = `import { describe, expect, it, test } from "vitest";
import { stores } from "./stores.js";

describe.each(["sqlite", "postgres"])("a slow write beside other writers on %s", (store) => {
  it("waits its turn", () => {});
});

it.each([
  [1, 2, 3],
  [2, 2, 4],
])("adds %i + %i = %d", (a, b, sum) => expect(a + b).toBe(sum));

test.each([{ cents: 150, shown: "1.50" }])("shows $cents cents as $shown", ({ cents, shown }) => {});

test.each\`
  a    | b    | expected
  \${1} | \${1} | \${2}
\`("returns $expected when $a is added to $b", ({ a, b, expected }) => {});

it.each(["first", "second"])("case %# of 2 is %s, 100%% read", (name) => {});

describe.each(stores)("replays the log on %s", (store) => {
  it.each(stores)("as $name reads it", (reader) => {});
});

it.each([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11])("accepts port %i", (_port) => {});
`;

describe("importCodebase with .each tests", () => {
  const temp = useRepoWithFactory("factory-each-", [
    {
      author: ada,
      files: {
        "package.json": '{"name":"store"}\n',
        "src/stores.ts": 'export const stores = ["sqlite", "postgres"];\n',
        "test/store.test.ts": STORE_TEST,
      },
    },
  ]);

  it("titles one requirement per row of a small literal table, and shows placeholders of other tables as <parameter>", async () => {
    const { repo, factory } = temp;
    const { proposal } = await importCodebase(factory, repo.root);

    const titles = proposal.requirements.map((requirement) => requirement.title);
    expect(titles).toEqual([
      "a slow write beside other writers on sqlite: waits its turn",
      "a slow write beside other writers on postgres: waits its turn",
      "adds 1 + 2 = 3",
      "adds 2 + 2 = 4",
      "shows 150 cents as '1.50'",
      "returns 2 when 1 is added to 1",
      "case 0 of 2 is first, 100% read",
      "case 1 of 2 is second, 100% read",
      "replays the log on <store>: as <name> reads it",
      "accepts port <port>",
    ]);
    for (const title of titles) expect(title).not.toMatch(/%[sdifjoO#$]|\$\w/);
    const recorded = proposal.requirements.map((requirement) => factory.work.artifact(requirement.id)?.title);
    expect(recorded).toEqual(titles);
  });

  it("names a row's test as the runner does, so a JUnit report's case verifies that row's requirement", async () => {
    const { repo, dir, factory } = temp;
    const { proposal } = await importCodebase(factory, repo.root);
    const report = join(dir, "junit.xml");
    writeFileSync(
      report,
      `<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="vitest tests" tests="1" failures="0" errors="0" time="0.02">
  <testsuite name="test/store.test.ts" timestamp="2026-09-06T10:00:00" tests="1" failures="0" errors="0" skipped="0" time="0.02">
    <testcase classname="test/store.test.ts" name="a slow write beside other writers on postgres &gt; waits its turn" time="0.002"/>
  </testsuite>
</testsuites>
`,
    );

    await importJUnitReport(factory, { file: report, runId: "ci-1" });

    const verified = proposal.requirements
      .filter((requirement) =>
        factory.work
          .linksOf(requirement.id)
          .some(
            (link) => link.type === "verifies" && factory.work.artifact(link.from)?.kind === "testEvidence",
          ),
      )
      .map((requirement) => requirement.title);
    expect(verified).toEqual(["a slow write beside other writers on postgres: waits its turn"]);
  });
});
