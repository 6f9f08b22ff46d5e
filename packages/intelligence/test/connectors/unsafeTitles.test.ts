/**
 * Outside text that becomes a title (a commit subject, a JUnit run id, an
 * issue's or a JSONL record's title) may hold a tab, a terminal escape or a
 * bidi override, which a title refuses. The importers make it one line
 * instead of refusing the whole import, and keep the exact text where it is
 * not a title (the commit's subject field, the run id, the signal's text).
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { findUnsafeLineCharacter } from "@software-factory/core";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  type Factory,
  importGitCommits,
  importIssues,
  importJsonl,
  importJUnitReport,
} from "../../src/index.js";
import { makeRepo } from "../codebase/makeRepo.js";
import { feedbackMapping, jsonlFolder, signalMapping } from "./jsonlFixture.js";
import { openTestFactory } from "./testFactory.js";

const { folder, write } = jsonlFolder();
/** A title with a tab, a bidi override (it would show `Pay by link` reversed) and a terminal colour. */
const ODD = "Refund\tall \u202eknil yb yaP\u202c \x1b[31mnow";
/** {@link ODD} as a title keeps it. */
const CLEAN = "Refund all knil yb yaP [31mnow";

let factory: Factory;
let remove: () => Promise<void>;
beforeEach(async () => {
  ({ factory, remove } = await openTestFactory());
});
afterEach(() => remove());

describe("importers make an outside title one line instead of refusing the import", () => {
  it("git: titles a commit by its subject made one line, keeping the subject as written", async () => {
    const repo = makeRepo([]);
    try {
      const ada = { name: "Ada Lovelace", email: "ada@example.com" };
      const odd = repo.commit({ author: ada, message: ODD, files: { "packages/cart/a.ts": "a\n" } });
      const bare = repo.commit({
        author: ada,
        message: "\u202e\u2066",
        files: { "packages/cart/b.ts": "b\n" },
      });

      expect(await importGitCommits(factory, { root: repo.root })).toMatchObject({
        created: 2,
        problems: [],
      });
      expect(factory.work.artifact(`CS-${odd.slice(0, 12)}`)).toMatchObject({
        title: CLEAN,
        fields: { subject: ODD },
      });
      expect(factory.work.artifact(`CS-${bare.slice(0, 12)}`)?.title).toBe(`commit ${bare.slice(0, 12)}`);
    } finally {
      repo.remove();
    }
  });

  it("JUnit: titles a run whose id holds a tab and a bidi override, keeping the run id as written", async () => {
    // A character reference keeps a tab in an attribute (a literal tab would be read as a space).
    const file = join(folder, "junit.xml");
    writeFileSync(
      file,
      `<?xml version="1.0" encoding="UTF-8"?>
<testsuites id="nightly&#9;&#x202E;eno">
  <testsuite name="cart&#9;&#x202E;suite" tests="1">
    <testcase classname="cart" name="adds&#9;an &#x202E;item" time="0.01"/>
  </testsuite>
</testsuites>
`,
    );

    expect(await importJUnitReport(factory, { file })).toMatchObject({ created: 1, problems: [] });
    expect(factory.work.artifacts().find((artifact) => artifact.kind === "testEvidence")).toMatchObject({
      title: "Test run nightly eno: 1 passed, 0 failed",
      fields: { runId: "nightly\t\u202eeno", cases: [{ name: "adds\tan \u202eitem" }] },
    });
  });

  it("issues: titles the work item and its reference by the issue's title made one line", async () => {
    const file = write(
      "issues.json",
      JSON.stringify([
        {
          number: 7,
          title: ODD,
          body: "Seen twice.",
          labels: [{ name: "line:cart" }],
          state: "OPEN",
          url: "https://github.com/acme/shop/issues/7",
          author: { login: "octocat" },
        },
        {
          number: 8,
          title: "\u202e\t\u2066",
          body: "",
          labels: [{ name: "line:cart" }],
          state: "OPEN",
          url: "https://github.com/acme/shop/issues/8",
        },
      ]),
    );

    expect(await importIssues(factory, { file, format: "github", as: "workItems" })).toMatchObject({
      created: 2,
      problems: [],
    });
    expect(factory.work.list().map((item) => item.title)).toEqual([CLEAN, "github acme/shop#8"]);
    expect(factory.work.artifact("ext-github-acme.shop-7")?.title).toBe(CLEAN);

    const signals = write(
      "signals.json",
      JSON.stringify([
        {
          number: 9,
          title: ODD,
          body: "b",
          labels: [],
          state: "OPEN",
          url: "https://github.com/acme/shop/issues/9",
        },
      ]),
    );
    expect(await importIssues(factory, { file: signals, format: "github", as: "signals" })).toMatchObject({
      created: 1,
      problems: [],
    });
    expect(factory.work.signals()[0]?.text).toBe(`${ODD}\n\nb`);
    expect(factory.work.artifact("ext-github-acme.shop-9")?.title).toBe(CLEAN);
  });

  it("JSONL: titles a signal's reference and an artifact by the record's title made one line", async () => {
    const file = write(
      "odd.jsonl",
      [
        JSON.stringify({ id: 1, subject: ODD, description: "Twice.", custom: { line: "billing" } }),
        JSON.stringify({ id: 2, subject: "\u202e\u2066", description: "" }),
      ].join("\n"),
    );

    expect(await importJsonl(factory, { file, mapping: signalMapping })).toMatchObject({
      created: 2,
      problems: [],
    });
    expect(factory.work.signals().map((signal) => signal.text)).toContain(`${ODD}\n\nTwice.`);
    expect(await importJsonl(factory, { file, mapping: feedbackMapping })).toMatchObject({
      created: 2,
      problems: [],
    });
    const titles = factory.work.artifacts().map((artifact) => artifact.title);
    expect(titles.filter((title) => title === CLEAN)).toHaveLength(2);
    expect(titles).toContain("zendesk 2");
    expect(titles).toContain("zd 2");
    for (const title of titles) expect(findUnsafeLineCharacter(title)).toBeUndefined();
  });
});
